import * as fs from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { redact } from "../redaction";
import { matchRules } from "../rules/resourcePath";
import { acceptedPermissions, permissionsFor } from "../rules/ruleTable";
import { UNKNOWN as unknown, validateSubscription, type ValidationContext } from "../rules/validate";
import type { ProviderContext } from "./context";
import { secretInputNames } from "./inputs";
import { clouds, type ApiVersion, type Cloud } from "../vocabulary";
import { type ConnectionInput } from "../schema";

/** check: the inputs against the rule table, then against what the access token grants. Never throws. */
export async function check(context: ProviderContext, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const settingsError = context.settingsError();
  // A settings failure is about msgraph:* config, not about this resource's inputs.
  if (settingsError) return { inputs: news, failures: [{ property: "", reason: `provider settings: ${settingsError.message}` }] };
  try {
    return await checkInputs(context, news);
  } catch (error) {
    // check must never throw: the engine would print a stack instead of a property-level message.
    const reason = redact(`could not be checked: ${(error as Error).message ?? String(error)}`, [secretOf(news.connection)]);
    return { inputs: news, failures: [{ property: "resource", reason }] };
  }
}

async function checkInputs(context: ProviderContext, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { __provider, ...raw } = news;
  const settings = context.settings();
  const apiVersion = (typeof raw.apiVersion === "string" && raw.apiVersion !== unknown ? raw.apiVersion : settings.apiVersion) as ApiVersion;
  // A resource with a connection is checked for its connection's cloud, and its permission type is its own token's.
  const given = raw.connection !== undefined;
  const validation: ValidationContext = {
    apiVersion,
    cloud: given ? (connectionCloud(raw.connection) ?? settings.cloud) : settings.cloud,
    permissionType: given ? undefined : settings.permissionType,
    allowUndocumentedResources: settings.allowUndocumentedResources,
  };
  const result = validateSubscription(raw, validation);
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);
  if (!result.valid) return { inputs: news, failures: forEngine(result.failures, raw.connection) };

  const inputs = { ...raw, ...(result.inputs ?? {}) } as Record<string, unknown>;
  if (__provider !== undefined) inputs.__provider = __provider;
  const connection = isKnown(inputs.connection) ? (inputs.connection as ConnectionInput | undefined) : unknownConnection;
  const failures = connection === unknownConnection ? [] : signInFailures(connection);
  if (failures.length === 0 && connection !== unknownConnection) failures.push(...(await permissionFailures(context, connection, inputs, validation)));
  return failures.length > 0 ? { inputs: news, failures: forEngine(failures, raw.connection) } : { inputs };
}

/** A connection not known yet (preview): neither its credential nor its token can be checked. */
const unknownConnection = Symbol("unknown connection");

function isKnown(value: unknown): boolean {
  if (value === unknown) return false;
  if (typeof value === "object" && value !== null) return Object.values(value).every(isKnown);
  return true;
}

function connectionCloud(connection: unknown): Cloud | undefined {
  if (typeof connection !== "object" || connection === null) return undefined;
  const cloud = (connection as { cloud?: unknown }).cloud ?? "global";
  return (clouds as readonly unknown[]).includes(cloud) ? (cloud as Cloud) : undefined;
}

function secretOf(connection: unknown): string | undefined {
  const secret = typeof connection === "object" && connection !== null ? (connection as { clientSecret?: unknown }).clientSecret : undefined;
  return typeof secret === "string" ? secret : undefined;
}

/**
 * Failures as the engine is to print them. For a property failure the engine also prints the property's
 * value with Go's %v, which shows a secret unmasked, whole or nested in an object (issueCheckFailures in
 * Pulumi's pkg/resource/deploy/step_generator.go prints `{&{{value}}}`; an engine test saw a clientState
 * printed so, even one from a secret config value). So the failures of a secret input (clientState) and of a
 * connection are reported on the resource instead, their reasons naming the property: `clientState: ...`, or
 * `connection.<field>` with the value quoted by the reason itself, never the client secret.
 */
function forEngine(failures: pulumi.dynamic.CheckFailure[], connection: unknown): pulumi.dynamic.CheckFailure[] {
  return failures.map((failure) => {
    if (failure.property === "connection") return { property: "", reason: redact(failure.reason, [secretOf(connection)]) };
    if (secretInputs.has(failure.property)) return { property: "", reason: `${failure.property}: ${failure.reason}` };
    return failure;
  });
}

const secretInputs: ReadonlySet<string> = new Set(secretInputNames);

/** What the schema cannot see: a certificate file that is not there, workload identity without its token file. */
function signInFailures(connection: ConnectionInput | undefined): pulumi.dynamic.CheckFailure[] {
  if (connection?.certificatePath !== undefined && !fs.existsSync(connection.certificatePath)) {
    return [
      {
        property: "connection",
        reason:
          `connection.certificatePath: no file at '${connection.certificatePath}' (a relative path is read from the program's directory, ${process.cwd()}); ` +
          "point it at a PEM file holding the app's certificate and its private key",
      },
    ];
  }
  if (connection?.workloadIdentity && !process.env.AZURE_FEDERATED_TOKEN_FILE) {
    return [
      {
        property: "connection",
        reason:
          "connection.workloadIdentity: true needs AZURE_FEDERATED_TOKEN_FILE in the environment pulumi runs in, and it is not set; " +
          "in GitHub Actions sign in with azure/login and OIDC (permissions: id-token: write), on AKS enable workload identity for the pod",
      },
    ];
  }
  return [];
}

/**
 * Compares the token's permissions with the least-privileged ones the matched rule lists, so a
 * missing grant fails the preview with the names to grant instead of a 403 during `up`. When no
 * token can be obtained here, create reports the credential problem itself.
 */
async function permissionFailures(
  context: ProviderContext,
  connection: ConnectionInput | undefined,
  inputs: Record<string, unknown>,
  validation: ValidationContext,
): Promise<pulumi.dynamic.CheckFailure[]> {
  if (typeof inputs.resource !== "string" || inputs.resource === unknown) return [];
  const candidates = matchRules(inputs.resource, validation.apiVersion);
  if (candidates.length === 0) return [];
  const granted = await context.tokenPermissions(connection);
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
  if ((acceptedPermissions(matched.rule, permissionType) ?? []).some((p) => have.has(p.toLowerCase()))) return [];
  const kind = permissionType === "application" ? "application permission" : "delegated permission";
  const app = connection ? `the app registration ${connection.clientId} in tenant ${connection.tenantId} (this resource's connection)` : "the app registration";
  return [
    {
      property: "resource",
      reason:
        `subscribing to ${matched.rule.resourceType} (${matched.rule.paths[0]}) needs one of these ${kind}s: ${needed.join(", ")}; ` +
        `the access token grants ${granted.granted.length > 0 ? granted.granted.join(", ") : "none"}. ` +
        `Grant one of them to ${app} (and admin consent), then run again`,
    },
  ];
}
