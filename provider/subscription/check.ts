import type * as pulumi from "@pulumi/pulumi";
import { matchRules } from "../rules/resourcePath";
import { permissionsFor } from "../rules/ruleTable";
import { UNKNOWN as unknown, validateSubscription, type ValidationContext } from "../rules/validate";
import type { ProviderContext } from "./context";
import type { ApiVersion } from "./schema";

/** check: the inputs against the rule table, then against what the access token grants. Never throws. */
export async function check(context: ProviderContext, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const settingsError = context.settingsError();
  // A settings failure is about msgraph:* config, not about this resource's inputs.
  if (settingsError) return { inputs: news, failures: [{ property: "", reason: `provider settings: ${settingsError.message}` }] };
  try {
    return await checkInputs(context, news);
  } catch (error) {
    // check must never throw: the engine would print a stack instead of a property-level message.
    return { inputs: news, failures: [{ property: "resource", reason: `could not be checked: ${(error as Error).message ?? String(error)}` }] };
  }
}

async function checkInputs(context: ProviderContext, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { __provider, ...raw } = news;
  const settings = context.settings();
  const apiVersion = (typeof raw.apiVersion === "string" && raw.apiVersion !== unknown ? raw.apiVersion : settings.apiVersion) as ApiVersion;
  const validation: ValidationContext = { apiVersion, cloud: settings.cloud, permissionType: settings.permissionType };
  const result = validateSubscription(raw, validation);
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);
  if (!result.valid) return { inputs: news, failures: result.failures };

  const inputs = { ...raw, ...(result.inputs ?? {}) } as Record<string, unknown>;
  if (__provider !== undefined) inputs.__provider = __provider;
  const failures = await permissionFailures(context, inputs, validation);
  return failures.length > 0 ? { inputs: news, failures } : { inputs };
}

/**
 * Compares the token's permissions with the least-privileged ones the matched rule lists, so a
 * missing grant fails the preview with the names to grant instead of a 403 during `up`. When no
 * token can be obtained here, create reports the credential problem itself.
 */
async function permissionFailures(context: ProviderContext, inputs: Record<string, unknown>, validation: ValidationContext): Promise<pulumi.dynamic.CheckFailure[]> {
  if (typeof inputs.resource !== "string" || inputs.resource === unknown) return [];
  const candidates = matchRules(inputs.resource, validation.apiVersion);
  if (candidates.length === 0) return [];
  const granted = await context.tokenPermissions();
  if (!granted) return [];
  const permissionType = validation.permissionType ?? granted.permissionType;
  if (!permissionType) return [];
  // Rows can tie on a path (driveItem on personal and business OneDrive); the permission type picks.
  const matched = candidates.find((c) => permissionsFor(c.rule, permissionType) !== null) ?? candidates[0]!;
  if (!validation.permissionType) {
    // The token decides the permission type; rules that depend on it (me/ paths, supported types) apply now.
    const again = validateSubscription(inputs, { ...validation, permissionType });
    if (!again.valid) return again.failures;
  }
  const needed = permissionsFor(matched.rule, permissionType);
  if (!needed || needed.length === 0) return [];
  const have = new Set(granted.granted.map((p) => p.toLowerCase()));
  if (needed.some((p) => have.has(p.toLowerCase()))) return [];
  const kind = permissionType === "application" ? "application permission" : "delegated permission";
  return [
    {
      property: "resource",
      reason:
        `subscribing to ${matched.rule.resourceType} (${matched.rule.paths[0]}) needs one of these ${kind}s: ${needed.join(", ")}; ` +
        `the access token grants ${granted.granted.length > 0 ? granted.granted.join(", ") : "none"}. ` +
        `Grant one of them to the app registration (and admin consent), then run again`,
    },
  ];
}
