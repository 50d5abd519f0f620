import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { graphLimits } from "../limits";
import type { z } from "zod";
import { apiVersions, type ApiVersion, type ChangeType, type Cloud, type PaymentModel, type PermissionType } from "../vocabulary";
import { subscriptionInputs, type SubscriptionInputs } from "../schema";
import { effectiveLifetimeMinutes, plannedLifetimeMinutes } from "../lifetime";
import { closest } from "./suggestions";
import { matchRules, parseResource, templatesOf, type RuleMatch } from "./resourcePath";
import { deliveryAddressProblem, eventGridParams, isEventGrid } from "./deliveryAddress";
import { schemaFailures as toFailures } from "./schemaFailures";
import { queryRuleFailures } from "./queryRules";
import { documentedLifetimes, paymentModelRules, permissionColumnOf, permissionsFor, type ResourceRule } from "./ruleTable";

/** What the Pulumi engine passes for a value that is not known yet (preview): Pulumi's own sentinel. */
export const UNKNOWN = unknownValue;

export interface ValidationContext {
  apiVersion: ApiVersion;
  cloud: Cloud;
  permissionType?: PermissionType;
  now?: Date;
  /** The stack-wide default of allowUndocumentedResource (the provider setting allowUndocumentedResources). */
  allowUndocumentedResources?: boolean;
}

export interface ValidationResult {
  valid: boolean;
  /** `property` is always a top-level input name. */
  failures: { property: string; reason: string }[];
  warnings: string[];
  /** Matched row id. */
  rule: string | null;
  /** Parsed (canonical) inputs when the schema passed; unknown values are passed through unchanged. */
  inputs?: SubscriptionInputs;
  /** For the matched row and options (with resource data: the rich maximum when the row has one). */
  maxLifetimeMinutes?: number;
  /** The lifetime asked for when the program gives none, where it is not the maximum (an undocumented resource). */
  defaultLifetimeMinutes?: number;
}

type Failure = ValidationResult["failures"][number];

const {
  minimumLifetimeMinutes,
  lifecycleUrlRequiredAboveMinutes: lifecycleThresholdMinutes,
  clientStateMaxLength,
  encryptionCertificateIdMaxLength: certificateIdMaxLength,
} = graphLimits;
const minute = 60_000;

export { effectiveLifetimeMinutes };

/**
 * The zod schema, then the rule table. Never throws. Every rule that depends on an input whose value is
 * unknown (preview) is skipped.
 */
export function validateSubscription(raw: Record<string, unknown>, ctx: ValidationContext): ValidationResult {
  const { __provider: _provider, ...given } = raw;
  const unknownKeys = Object.keys(given).filter((key) => key in subscriptionInputs.shape && isUnknown(given[key]));
  const known = Object.fromEntries(Object.entries(given).filter(([key]) => !unknownKeys.includes(key)));
  // Deriving a schema makes zod compile it anew; without unknowns, the one compiled schema serves.
  const optional = Object.fromEntries(unknownKeys.map((key) => [key, true])) as Record<keyof SubscriptionInputs, true>;
  const schema = unknownKeys.length === 0 ? subscriptionInputs : subscriptionInputs.partial(optional);
  const parsed = schema.safeParse(known);
  if (!parsed.success) {
    return { valid: false, failures: parsed.error.issues.flatMap(toFailures), warnings: [], rule: null };
  }
  const inputs = parsed.data as Partial<SubscriptionInputs>;
  const unknown = new Set(unknownKeys);
  const check = new Checks(inputs, unknown, ctx);
  check.run();
  const passthrough = Object.fromEntries(unknownKeys.map((key) => [key, given[key]]));
  return {
    valid: check.failures.length === 0,
    failures: check.failures,
    warnings: check.warnings,
    rule: check.rule?.id ?? null,
    inputs: { ...inputs, ...passthrough } as SubscriptionInputs,
    ...(check.maxLifetimeMinutes === undefined ? {} : { maxLifetimeMinutes: check.maxLifetimeMinutes }),
    ...(check.defaultLifetimeMinutes === undefined ? {} : { defaultLifetimeMinutes: check.defaultLifetimeMinutes }),
  };
}

/** Unknown, or a list or object (a connection) holding an unknown: its rules wait until it is known. */
function isUnknown(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(isUnknown);
  return value === UNKNOWN;
}

/**
 * One check per method, each guarded by the inputs it reads. Row-specific behaviour comes from the
 * row's data, never from its resource type.
 */
class Checks {
  readonly failures: Failure[] = [];
  readonly warnings: string[] = [];
  rule: ResourceRule | undefined;
  match: RuleMatch | undefined;
  maxLifetimeMinutes: number | undefined;
  defaultLifetimeMinutes: number | undefined;
  /** The path matches no row and the program let it through (allowUndocumentedResource). */
  private undocumented = false;
  private readonly apiVersion: ApiVersion | undefined;
  private readonly now: Date;

  constructor(
    private readonly inputs: Partial<SubscriptionInputs>,
    private readonly unknown: ReadonlySet<string>,
    private readonly ctx: ValidationContext,
  ) {
    this.apiVersion = unknown.has("apiVersion") ? undefined : (inputs.apiVersion ?? ctx.apiVersion);
    this.now = ctx.now ?? new Date();
  }

  run(): void {
    this.resource();
    this.permissionType();
    this.changeType();
    this.lifetime();
    this.lifecycleNotificationUrl();
    this.resourceData();
    if (this.rule && this.match) this.failures.push(...queryRuleFailures(this.rule, this.match.parsed, { ...this.inputs, unknown: this.unknown }, this.ctx.permissionType));
    this.paymentModel();
    this.notificationUrl();
    this.clientState();
  }

  private fail(property: keyof SubscriptionInputs, reason: string): void {
    this.failures.push({ property, reason });
  }

  private known<K extends keyof SubscriptionInputs>(key: K): SubscriptionInputs[K] | undefined {
    return this.unknown.has(key) ? undefined : this.inputs[key];
  }

  private resource(): void {
    const resource = this.known("resource");
    if (resource === undefined || this.apiVersion === undefined) return;
    const parsed = parseResource(resource);
    if (!parsed.ok) return this.fail("resource", parsed.reason);

    const candidates = matchRules(resource, this.apiVersion);
    const type = this.ctx.permissionType;
    this.match = (type && candidates.find((candidate) => permissionsFor(candidate.rule, type) !== null)) || candidates[0];
    this.rule = this.match?.rule;
    if (!this.match || !this.rule) return this.undocumentedResource(resource, this.apiVersion);

    const rule = this.rule;
    if (!rule.clouds.includes(this.ctx.cloud)) {
      this.fail(
        "resource",
        `${rule.resourceType} change notifications ('${resource}', rule ${rule.id}) are available only in the ${rule.clouds.join(", ")} cloud, ` +
          `but the provider targets '${this.ctx.cloud}'; subscribe to this resource from a provider configured for ${rule.clouds.join(" or ")}, or choose another resource`,
      );
    }
    if (this.match.missingQuery.length > 0) {
      this.fail(
        "resource",
        `'${resource}' lacks ${this.match.missingQuery.join(", ")}, which Graph requires for ${rule.resourceType} (rule ${rule.id}); write it like '${this.match.template}'`,
      );
    }
    if (rule.deprecated) this.warnings.push(`resource '${resource}': ${rule.deprecated}`);
  }

  /**
   * A path no row lists. Known on the other API version: the table knows it, so that is a failure whatever the
   * opt-in says. Otherwise a failure that says how to opt in, or with the opt-in a warning naming the path:
   * Graph decides, and the rules that need a row (permissions, change types, rich notifications, the
   * resource's lifetime) wait for Graph's answer.
   */
  private undocumentedResource(resource: string, apiVersion: ApiVersion): void {
    const other = apiVersions.find((version) => version !== apiVersion);
    const elsewhere = other ? matchRules(resource, other)[0] : undefined;
    if (other && elsewhere) {
      return this.fail(
        "resource",
        `'${resource}' (${elsewhere.rule.resourceType}) supports change notifications only on the ${other} endpoint, not ${apiVersion} (rule ${elsewhere.rule.id}); ` +
          `set apiVersion: "${other}" on this Subscription`,
      );
    }
    const optIn = this.known("allowUndocumentedResource") ?? (this.unknown.has("allowUndocumentedResource") ? undefined : this.ctx.allowUndocumentedResources);
    if (optIn === undefined && this.unknown.has("allowUndocumentedResource")) return;
    const table = `the rule table (Graph ${apiVersion}, ${this.ctx.cloud} cloud; docs/rule-table.md)`;
    if (optIn) {
      this.undocumented = true;
      this.warnings.push(
        `resource '${resource}' is not in ${table}; allowUndocumentedResource lets it through, so Graph decides whether it takes change notifications ` +
          "and with which permissions, change types and lifetime",
      );
      return;
    }
    const parsed = parseResource(resource);
    const path = parsed.ok ? parsed.value.path : resource;
    const suggestions = closest(path, templatesOf(apiVersion), 3);
    this.fail(
      "resource",
      `'${resource}' is not in ${table} of the resources Microsoft Graph documents for change notifications; ` +
        (suggestions.length > 0 ? `closest documented paths: ${suggestions.join(", ")}. ` : "") +
        "If Graph documents it now, set allowUndocumentedResource: true on this Subscription (or the provider setting allowUndocumentedResources: true for the whole stack) " +
        "to send it with a warning and let Graph decide",
    );
  }

  private permissionType(): void {
    const type = this.ctx.permissionType;
    const rule = this.rule;
    const match = this.match;
    if (!type || !rule || !match) return;
    if (permissionsFor(rule, type) === null) {
      const supported = (Object.keys(permissionColumnOf) as PermissionType[])
        .filter((candidate) => permissionsFor(rule, candidate) !== null)
        .map((candidate) => `${candidate} (${(permissionsFor(rule, candidate) ?? []).join(", ")})`);
      this.fail(
        "resource",
        `${rule.resourceType} at '${match.parsed.path}' (rule ${rule.id}) does not support ${type} permissions; ` +
          `it supports ${supported.length > 0 ? supported.join("; ") : "none"}. Use a credential of a supported permission type or another resource path`,
      );
    }
    if (type === "application" && match.parsed.usesMe) {
      this.fail(
        "resource",
        `'${match.parsed.path}' starts with me/, which needs a signed-in user, but the provider uses application permissions; ` +
          `write '${match.parsed.path.replace(/^me\b/i, "users/{id}")}' with the user's id or userPrincipalName instead`,
      );
    }
  }

  private changeType(): void {
    const changeType = this.known("changeType");
    const allowed = this.rule?.changeTypes;
    if (changeType === undefined || !this.rule || !allowed) return;
    const extra = changeType.split(",").filter((value) => !allowed.includes(value as ChangeType));
    if (extra.length > 0) {
      this.fail(
        "changeType",
        `'${changeType}' includes ${extra.map((value) => `'${value}'`).join(", ")}, which Graph does not send for ${this.rule.resourceType} (rule ${this.rule.id}); ` +
          `use only ${allowed.join(", ")}`,
      );
    }
  }

  private lifetime(): void {
    const rule = this.rule;
    const rich = this.known("includeResourceData");
    if (rule) {
      const richMax = rule.maxLifetimeWithResourceDataMinutes;
      // With includeResourceData unknown, the smaller maximum is the one that is safe either way.
      const useRich = richMax !== undefined && (rich === true || this.unknown.has("includeResourceData"));
      this.maxLifetimeMinutes = useRich ? richMax : rule.maxLifetimeMinutes;
    } else if (this.undocumented) {
      this.maxLifetimeMinutes = documentedLifetimes.longest.minutes;
      this.defaultLifetimeMinutes = documentedLifetimes.shortest.minutes;
    }
    const max = this.maxLifetimeMinutes;
    const expiration = this.inputs.expirationDateTime;
    const lifetime = this.inputs.lifetimeMinutes;
    const bothSet = (expiration !== undefined || this.unknown.has("expirationDateTime")) && (lifetime !== undefined || this.unknown.has("lifetimeMinutes"));
    if (bothSet) {
      return this.fail(
        "expirationDateTime",
        "expirationDateTime and lifetimeMinutes are both set, but only one can decide the expiry; remove expirationDateTime and keep lifetimeMinutes, which does not go stale",
      );
    }

    const scope = rule
      ? `${rule.resourceType} subscriptions${max === rule.maxLifetimeWithResourceDataMinutes ? " with resource data" : ""} (rule ${rule.id})`
      : `any documented resource (${documentedLifetimes.longest.rule}), so for an undocumented one too`;
    const fixes = `use at most ${max}, or leave both expirationDateTime and lifetimeMinutes out so the provider uses the maximum and renews before expiry`;
    let requested: number | undefined;
    if (this.undocumented && lifetime === undefined && expiration === undefined && !bothSet && !this.unknown.has("lifetimeMinutes") && !this.unknown.has("expirationDateTime")) {
      this.warnings.push(
        `resource '${this.inputs.resource}': without a row the provider cannot know Graph's maximum lifetime for it, so it asks for ${this.defaultLifetimeMinutes} minutes ` +
          `(the shortest any documented resource allows, ${documentedLifetimes.shortest.rule}) and renews on each pulumi up that finds it due; set lifetimeMinutes to the maximum the resource's page states`,
      );
    }
    if (lifetime !== undefined && !this.unknown.has("lifetimeMinutes")) {
      requested = lifetime;
      if (max !== undefined && lifetime > max) {
        this.fail("lifetimeMinutes", `${lifetime} minutes is over the ${max}-minute maximum Graph allows for ${scope}; ${fixes}`);
      }
    } else if (expiration !== undefined && !this.unknown.has("expirationDateTime")) {
      requested = (Date.parse(expiration) - this.now.getTime()) / minute;
      if (requested <= 0) {
        this.fail("expirationDateTime", `'${expiration}' is in the past (now is ${this.now.toISOString()}); use lifetimeMinutes instead of a fixed date`);
        return;
      }
      if (max !== undefined && requested > max) {
        this.fail(
          "expirationDateTime",
          `'${expiration}' is ${Math.ceil(requested)} minutes from now, over the ${max}-minute maximum Graph allows for ${scope}; ` +
            `set it at most ${max} minutes ahead or use lifetimeMinutes (at most ${max})`,
        );
      }
    }
    if (requested !== undefined && requested < minimumLifetimeMinutes) {
      this.warnings.push(
        `the requested lifetime is ${Math.floor(requested)} minutes; Graph raises any lifetime under ${minimumLifetimeMinutes} minutes to ${minimumLifetimeMinutes}`,
      );
    }

    const renewBefore = this.known("renewBeforeMinutes");
    // Compare with the lifetime the provider will actually ask for: a safety margin below the maximum.
    const planned = this.effectiveLifetime();
    const effective = planned === undefined ? undefined : plannedLifetimeMinutes(planned, this.maxLifetimeMinutes ?? Infinity);
    if (renewBefore !== undefined && effective !== undefined && renewBefore >= effective) {
      this.fail(
        "renewBeforeMinutes",
        `${renewBefore} minutes is not shorter than the subscription's ${Math.floor(effective)}-minute lifetime, so it would renew on every update; ` +
          `use fewer minutes than the lifetime, for example ${Math.max(1, Math.floor(effective / 2))}`,
      );
    }
  }

  /** undefined when an input it depends on is unknown or no row (hence no default) is known. */
  private effectiveLifetime(): number | undefined {
    if (this.unknown.has("lifetimeMinutes") || this.unknown.has("expirationDateTime")) return undefined;
    const { lifetimeMinutes, expirationDateTime } = this.inputs;
    if (lifetimeMinutes === undefined && expirationDateTime === undefined && this.maxLifetimeMinutes === undefined) return undefined;
    const byDefault = this.defaultLifetimeMinutes ?? this.maxLifetimeMinutes ?? Infinity;
    return effectiveLifetimeMinutes({ lifetimeMinutes: lifetimeMinutes ?? (expirationDateTime === undefined ? byDefault : undefined), expirationDateTime }, this.maxLifetimeMinutes ?? Infinity, this.now);
  }

  private lifecycleNotificationUrl(): void {
    const rule = this.rule;
    if (!rule?.lifecycleUrlRequiredAboveOneHour || this.inputs.lifecycleNotificationUrl !== undefined || this.unknown.has("lifecycleNotificationUrl")) {
      return;
    }
    const effective = this.effectiveLifetime();
    if (effective === undefined || effective <= lifecycleThresholdMinutes) return;
    this.fail(
      "lifecycleNotificationUrl",
      `Graph requires a lifecycleNotificationUrl for ${rule.resourceType} subscriptions that last more than ${lifecycleThresholdMinutes} minutes ` +
        `(rule ${rule.id}; this one lasts ${Math.floor(effective)}); set lifecycleNotificationUrl (it may equal notificationUrl) or set lifetimeMinutes to ${lifecycleThresholdMinutes} or less`,
    );
  }

  private resourceData(): void {
    const { encryptionCertificateId } = this.inputs;
    if (encryptionCertificateId !== undefined && !this.unknown.has("encryptionCertificateId") && encryptionCertificateId.length > certificateIdMaxLength) {
      this.fail(
        "encryptionCertificateId",
        `is ${encryptionCertificateId.length} characters; Graph accepts at most ${certificateIdMaxLength}. Use a shorter identifier, such as the certificate's thumbprint`,
      );
    }
    const rule = this.rule;
    const rich = this.known("includeResourceData");
    if (rule?.resourceData === "required" && rich !== true && !this.unknown.has("includeResourceData")) {
      this.fail(
        "includeResourceData",
        `must be true for ${rule.resourceType} (rule ${rule.id}): Graph sends only notifications with resource data for it; set includeResourceData: true with encryptionCertificate and encryptionCertificateId`,
      );
    }
    if (rich !== true) return;
    if (rule?.resourceData === "unsupported") {
      this.fail(
        "includeResourceData",
        `true is not supported for ${rule.resourceType} (rule ${rule.id}): Graph sends only basic notifications for it; set includeResourceData to false and fetch the resource when notified`,
      );
      return;
    }
    for (const property of ["encryptionCertificate", "encryptionCertificateId"] as const) {
      if (this.inputs[property] === undefined && !this.unknown.has(property)) {
        this.fail(
          property,
          `is required when includeResourceData is true, because Graph encrypts resource data with it; set ${property}` +
            (property === "encryptionCertificate" ? " to the Base64 X.509 public certificate (RSA, 2048-4096 bits)" : " to an identifier of that certificate (at most 128 characters)"),
        );
      }
    }
  }

  private paymentModel(): void {
    const input = this.known("paymentModel");
    const fromResource = this.match?.parsed.model;
    if (input !== undefined && fromResource !== undefined && input !== fromResource) {
      this.fail(
        "paymentModel",
        `'${input}' conflicts with model=${fromResource} in resource; state the payment model once, either as paymentModel or as ?model= in resource`,
      );
      return;
    }
    const model: PaymentModel | undefined = input ?? fromResource;
    const property = input !== undefined ? "paymentModel" : "resource";
    if (model === undefined || !this.rule) return;
    const rule = this.rule;
    const allowed: readonly PaymentModel[] = paymentModelRules.allowed[rule.paymentModels];
    const offeredIn: readonly Cloud[] = paymentModelRules.clouds;
    const { meteringEnded } = paymentModelRules;
    if (allowed.length === 0) {
      this.fail(
        property,
        `payment model ${model} does not apply to ${rule.resourceType} at '${this.match?.parsed.path}' (rule ${rule.id}); only the Teams metered getAll* and installedToChats paths take a payment model. Remove it`,
      );
    } else if (!allowed.includes(model)) {
      this.fail(
        property,
        `payment model ${model} is not available for '${this.match?.parsed.path}' (rule ${rule.id}), which supports only model ${allowed.join(" or ")}; use model ${allowed.join(" or ")} or leave it out for evaluation mode`,
      );
    } else if (!offeredIn.includes(this.ctx.cloud)) {
      this.fail(
        property,
        `payment model ${model} is available only in the ${offeredIn.join(", ")} cloud (metered APIs are not offered in national clouds), but the provider targets '${this.ctx.cloud}'; remove the payment model`,
      );
    } else {
      this.warnings.push(
        `payment model ${model}: Microsoft stopped metering the Teams change-notification APIs on ${meteringEnded.on} and ignores model= (${meteringEnded.source})`,
      );
    }
  }

  private notificationUrl(): void {
    const notificationUrl = this.known("notificationUrl");
    if (notificationUrl !== undefined) {
      const problem = deliveryAddressProblem(notificationUrl, ["https", "EventHub", "EventGrid"]);
      if (problem) this.fail("notificationUrl", problem);
    }
    const lifecycleUrl = this.known("lifecycleNotificationUrl");
    if (lifecycleUrl !== undefined) {
      const problem = deliveryAddressProblem(lifecycleUrl, ["https", "EventGrid"]);
      if (problem) this.fail("lifecycleNotificationUrl", problem);
    }
    if (notificationUrl !== undefined && lifecycleUrl !== undefined) {
      const topics = [notificationUrl, lifecycleUrl].map((url) => (isEventGrid(url) ? eventGridParams(url).get("partnertopic") : undefined));
      if (topics[0] && topics[1] && topics[0] !== topics[1]) {
        this.warnings.push(
          `lifecycleNotificationUrl uses partner topic '${topics[1]}' but notificationUrl uses '${topics[0]}'; Event Grid expects the same partner topic for both`,
        );
      }
    }
  }

  private clientState(): void {
    const clientState = this.known("clientState");
    if (clientState === undefined || this.apiVersion === undefined) return;
    const max = clientStateMaxLength[this.apiVersion];
    if (clientState.length > max) {
      // Never echo the value: clientState is a secret.
      this.fail("clientState", `(value hidden) is ${clientState.length} characters; Graph ${this.apiVersion} accepts at most ${max}. Use a shorter secret`);
    }
  }
}
