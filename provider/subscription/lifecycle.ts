import type * as pulumi from "@pulumi/pulumi";
import { GraphApiError } from "../errors";
import { SubscriptionsClient, type SubscriptionPatch, type SubscriptionRequest } from "../graph/client";
import { graphClockObserved, graphNow } from "../graph/clock";
import { resolveSettings, type ProviderSettings } from "../graph/settings";
import { matchRule, resourceIdentity } from "../rules/resourcePath";
import { permissionsFor } from "../rules/ruleTable";
import { UNKNOWN as unknown, validateSubscription, type ValidationResult } from "../rules/validate";
import { expiryVerdict, planLifetime, sameInstant, targetExpiration, type LifetimePlan } from "./lifetime";
import {
  graphDefaults,
  subscriptionInputNames,
  type ApiVersion,
  type GraphSubscription,
  type PermissionType,
  type SubscriptionInputName,
  type SubscriptionInputs,
} from "./schema";
import { updatePolicy } from "./updatePolicy";

/**
 * The Subscription resource's behaviour: Pulumi's check/diff/create/read/update/delete mapped onto
 * Graph's subscriptions API. Runs in the provider process, loaded by package name from the tiny
 * serialized provider (provider.ts), so that code changes here never show up as `__provider` diffs.
 */

const stateVersion = 1;

/**
 * Outputs: every input the program gave (canonical), with `expirationDateTime` holding Graph's
 * actual expiry, plus what Graph returns and the provider's bookkeeping.
 */
export type SubscriptionState = Partial<SubscriptionInputs> & {
  resource: string;
  changeType: string;
  notificationUrl: string;
  expirationDateTime: string;
  applicationId?: string | null;
  creatorId?: string | null;
  notificationContentType?: string | null;
  /** The program's fixed expirationDateTime, when it gave one. */
  requestedExpirationDateTime?: string;
  /** What Graph answered at the provider's last write: a live value that differs is drift. */
  lastWrittenExpirationDateTime: string;
  /** The API version the subscription is managed through. */
  graphApiVersion: ApiVersion;
  /** The rule-table row the resource matched, so stale limits can be traced. */
  ruleId: string | null;
  stateVersion: number;
};

let settings: ProviderSettings | undefined;
let connection: Promise<SubscriptionsClient> | undefined;
let tokenPermissions: ReturnType<SubscriptionsClient["tokenPermissions"]> | undefined;

export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  useSettings(resolveSettings((key) => req.config.get(key)));
}

/** Replaces the provider settings (configure, tests, the command line). */
export function useSettings(next: ProviderSettings): void {
  settings = next;
  connection = undefined;
  tokenPermissions = undefined;
}

function currentSettings(): ProviderSettings {
  settings ??= resolveSettings();
  return settings;
}

function graph(): Promise<SubscriptionsClient> {
  connection ??= SubscriptionsClient.connect(currentSettings());
  return connection;
}

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { __provider, ...raw } = news;
  const config = currentSettings();
  const apiVersion = (typeof raw.apiVersion === "string" && raw.apiVersion !== unknown ? raw.apiVersion : config.apiVersion) as ApiVersion;
  const context = { apiVersion, cloud: config.cloud, permissionType: config.permissionType };
  let result: ValidationResult;
  try {
    result = validateSubscription(raw, context);
  } catch (error) {
    // check must never throw: the engine would print a stack instead of a property-level message.
    return { inputs: news, failures: [{ property: "resource", reason: `could not be validated: ${String(error)}` }] };
  }
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);
  if (!result.valid) return { inputs: news, failures: result.failures };

  const inputs = { ...raw, ...(result.inputs ?? {}) } as Record<string, unknown>;
  if (__provider !== undefined) inputs.__provider = __provider;
  const failures = await permissionFailures(inputs, context);
  return failures.length > 0 ? { inputs: news, failures } : { inputs };
}

/**
 * Compares the token's permissions with the least-privileged ones the matched rule lists, so a
 * missing grant fails the preview with the names to grant instead of a 403 during `up`. When no
 * token can be obtained here, create reports the credential problem itself.
 */
async function permissionFailures(
  inputs: Record<string, unknown>,
  context: { apiVersion: ApiVersion; cloud: ProviderSettings["cloud"]; permissionType?: PermissionType },
): Promise<pulumi.dynamic.CheckFailure[]> {
  if (typeof inputs.resource !== "string" || inputs.resource === unknown) return [];
  const matched = matchRule(inputs.resource, context.apiVersion);
  if (!matched) return [];
  let granted: Awaited<NonNullable<typeof tokenPermissions>>;
  try {
    tokenPermissions ??= graph().then((client) => client.tokenPermissions());
    granted = await tokenPermissions;
  } catch {
    tokenPermissions = undefined;
    return [];
  }
  const permissionType = context.permissionType ?? granted.permissionType;
  if (!permissionType) return [];
  if (!context.permissionType) {
    // The token decides the permission type; rules that depend on it (me/ paths, supported types) apply now.
    const again = validateSubscription(inputs, { ...context, permissionType });
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

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const state = olds as SubscriptionState;
  const desired = news as Partial<SubscriptionInputs>;
  const changed = changedInputs(state, desired);
  const replaces = changed.filter((name) => updatePolicy[name] === "replace");

  const lifetime = lifetimeFor(desired, state.graphApiVersion ?? currentSettings().apiVersion);
  if (lifetime && hasKnown(desired, "expirationDateTime", "lifetimeMinutes", "renewBeforeMinutes")) {
    const verdict = expiryVerdict(lifetime.plan, state.expirationDateTime, graphNow());
    // Graph deletes a subscription when it expires, so only a new one brings notifications back.
    if (verdict === "expired") replaces.push("expirationDateTime");
    else if (verdict === "renew" || expirationDrifted(state, lifetime.plan)) changed.push("expirationDateTime");
    // The Node dynamic-provider host reports no per-property diff, so say why the engine will see a change.
    if (verdict !== "fresh") console.log(explainExpiry(verdict, state, lifetime.plan));
  }

  const allChanged = [...new Set([...changed, ...replaces])];
  if (allChanged.length === 0) return { changes: false };
  if (replaces.length === 0) return { changes: true };
  return {
    changes: true,
    replaces: [...new Set(replaces)],
    // Graph answers 409 to a second subscription with the same resource and changeType, so the old
    // one must go first; otherwise the new one is created first and notifications have no gap.
    deleteBeforeReplace: sameTarget(state, desired),
  };
}

function explainExpiry(verdict: "renew" | "expired", state: SubscriptionState, plan: LifetimePlan): string {
  const left = Math.round((Date.parse(state.expirationDateTime) - graphNow().getTime()) / 60_000);
  if (verdict === "expired") {
    return `${state.resource}: expired at ${state.expirationDateTime}; Graph has deleted it, so it will be created again (notifications since then were missed)`;
  }
  const renewBefore = plan.mode === "relative" ? plan.renewBeforeMinutes : 0;
  return `${state.resource}: expirationDateTime ${state.expirationDateTime} is ${left} minutes away (renewBeforeMinutes ${renewBefore}); renewing in place`;
}

/** Inputs whose desired value differs from the state, by the rules of each property. */
function changedInputs(state: SubscriptionState, desired: Partial<SubscriptionInputs>): SubscriptionInputName[] {
  return subscriptionInputNames.filter((name) => {
    const next = desired[name];
    if (next === (unknown as unknown)) return true;
    switch (name) {
      case "expirationDateTime":
        return !sameInstant(state.requestedExpirationDateTime, desired.expirationDateTime);
      case "resource":
        return next === undefined || effectiveResource(state) !== effectiveResource(desired as SubscriptionState);
      case "paymentModel":
        return false; // folded into the effective resource above
      case "apiVersion":
        return (state.apiVersion ?? undefined) !== (desired.apiVersion ?? undefined);
      case "latestSupportedTlsVersion":
      case "includeResourceData":
        return !sameValue(state[name] ?? graphDefaults[name], next ?? graphDefaults[name]);
      default:
        return !sameValue(state[name], next);
    }
  });
}

function sameValue(a: unknown, b: unknown): boolean {
  const absent = (v: unknown) => v === undefined || v === null;
  if (absent(a) && absent(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

function hasKnown(values: Record<string, unknown>, ...names: string[]): boolean {
  return names.every((name) => values[name] !== unknown);
}

/** The resource as Graph identifies it for duplicates, with the payment model made explicit. */
function effectiveResource(inputs: { resource?: string; paymentModel?: string }): string {
  if (!inputs.resource) return "";
  const model = inputs.paymentModel ?? new URLSearchParams(inputs.resource.split("?")[1] ?? "").get("model") ?? "";
  return `${resourceIdentity(inputs.resource)}#model=${model}`;
}

function sameTarget(state: SubscriptionState, desired: Partial<SubscriptionInputs>): boolean {
  if (typeof desired.resource !== "string" || typeof desired.changeType !== "string") return true;
  return resourceIdentity(state.resource) === resourceIdentity(desired.resource) && state.changeType === desired.changeType;
}

function expirationDrifted(state: SubscriptionState, plan: LifetimePlan): boolean {
  // Only a fixed expiry is a promise to keep; a relative one is judged by renewal alone.
  return plan.mode === "fixed" && !sameInstant(state.expirationDateTime, state.lastWrittenExpirationDateTime);
}

function lifetimeFor(inputs: Partial<SubscriptionInputs>, apiVersion: ApiVersion): { plan: LifetimePlan; max: number } | undefined {
  if (typeof inputs.resource !== "string") return undefined;
  const result = validateSubscription(inputs as Record<string, unknown>, {
    apiVersion: (inputs.apiVersion as ApiVersion | undefined) ?? apiVersion,
    cloud: currentSettings().cloud,
  });
  const max = result.maxLifetimeMinutes;
  if (max === undefined) return undefined;
  return { plan: planLifetime(inputs, max), max };
}

export async function create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = news as SubscriptionInputs;
  const apiVersion = inputs.apiVersion ?? currentSettings().apiVersion;
  const lifetime = requireLifetime(inputs, apiVersion);
  const client = await graph();
  const calibrated = graphClockObserved();
  let body = requestBody(inputs, targetExpiration(lifetime.plan, lifetime.max, graphNow()));
  let created: GraphSubscription;
  try {
    created = await client.create(body, apiVersion);
  } catch (error) {
    if (!GraphApiError.is(error)) throw error;
    if (error.statusCode === 409) {
      created = await adoptOrExplain(client, inputs, body, apiVersion, error);
    } else if (error.statusCode === 400 && !calibrated && lifetime.plan.mode === "relative" && /expiration/i.test(error.graphMessage)) {
      // This machine's clock ran ahead of Graph's, so "the maximum from now" was too far for Graph.
      // The refusal taught us Graph's clock: ask again once.
      body = requestBody(inputs, targetExpiration(lifetime.plan, lifetime.max, graphNow()));
      created = await client.create(body, apiVersion);
    } else {
      throw error;
    }
  }
  if (!calibrated && lifetime.plan.mode === "relative") created = await correctForGraphClock(client, created, lifetime, apiVersion);
  return { id: created.id, outs: stateFrom(inputs, created, apiVersion, lifetime.ruleId) };
}

/**
 * A relative lifetime was computed from this machine's clock before Graph's was known. If the
 * clocks disagree by minutes, PATCH the expiry
 * measured on Graph's clock, now that the POST's response has taught it. (Too far is corrected
 * too: the program asked for that lifetime, and a clock far ahead can exceed the maximum.)
 */
async function correctForGraphClock(
  client: SubscriptionsClient,
  created: GraphSubscription,
  lifetime: { plan: LifetimePlan; max: number },
  apiVersion: ApiVersion,
): Promise<GraphSubscription> {
  const target = targetExpiration(lifetime.plan, lifetime.max, graphNow());
  const offByMinutes = Math.abs(Date.parse(target) - Date.parse(created.expirationDateTime)) / 60_000;
  if (offByMinutes < 5) return created;
  return client.update(created.id, { expirationDateTime: target }, apiVersion);
}

function requireLifetime(inputs: SubscriptionInputs, apiVersion: ApiVersion): { plan: LifetimePlan; max: number; ruleId: string | null } {
  const result = validateSubscription(inputs as unknown as Record<string, unknown>, { apiVersion, cloud: currentSettings().cloud });
  if (result.maxLifetimeMinutes === undefined) {
    const reasons = result.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
    throw new Error(`Subscription on ${inputs.resource} cannot be created: ${reasons || "the resource matches no rule"}`);
  }
  return { plan: planLifetime(inputs, result.maxLifetimeMinutes), max: result.maxLifetimeMinutes, ruleId: result.rule };
}

/** The POST body: Graph's properties only, with the payment model written into `resource`. */
function requestBody(inputs: SubscriptionInputs, expirationDateTime: string): SubscriptionRequest {
  const body: SubscriptionRequest = {
    changeType: inputs.changeType,
    notificationUrl: inputs.notificationUrl,
    resource: resourceWithModel(inputs.resource, inputs.paymentModel),
    expirationDateTime,
  };
  const optional = [
    "clientState",
    "lifecycleNotificationUrl",
    "includeResourceData",
    "encryptionCertificate",
    "encryptionCertificateId",
    "latestSupportedTlsVersion",
    "notificationQueryOptions",
    "notificationUrlAppId",
  ] as const;
  for (const name of optional) {
    if (inputs[name] !== undefined) (body as Record<string, unknown>)[name] = inputs[name];
  }
  return body;
}

function resourceWithModel(resource: string, model: string | undefined): string {
  if (!model || /[?&]model=/i.test(resource)) return resource;
  return `${resource}${resource.includes("?") ? "&" : "?"}model=${model}`;
}

/**
 * Graph refuses a second subscription for the same resource and changeType with 409 and the
 * existing id in the message. With adoptExisting the existing one is taken over (its expiry and
 * URL brought to the program's values); otherwise the error says how to proceed.
 */
async function adoptOrExplain(
  client: SubscriptionsClient,
  inputs: SubscriptionInputs,
  body: SubscriptionRequest,
  apiVersion: ApiVersion,
  conflict: GraphApiError,
): Promise<GraphSubscription> {
  const existingId =
    /Subscription Id ([0-9A-Za-z-]+) already exists/i.exec(conflict.graphMessage)?.[1] ??
    (await client.list(apiVersion)).find(
      (s) => resourceIdentity(s.resource) === resourceIdentity(body.resource) && s.changeType === body.changeType,
    )?.id;
  if (!inputs.adoptExisting) {
    throw new Error(
      `Graph already has subscription ${existingId ?? "(id not reported)"} for changeType '${inputs.changeType}' on '${inputs.resource}' ` +
        `(409 Conflict, request-id ${conflict.requestId ?? "n/a"}); Graph allows one per resource and changeType. ` +
        `Either set adoptExisting: true to manage that subscription with this resource, ` +
        `or delete it (msgraph-subscriptions delete ${existingId ?? "<id>"}) and run pulumi up again.`,
    );
  }
  if (!existingId) throw new Error(`adoptExisting: Graph reported a duplicate of '${inputs.resource}' but did not say which subscription it is, and none was found in the list.`);
  const existing = await client.get(existingId, apiVersion);
  if (!existing) throw new Error(`adoptExisting: subscription ${existingId} disappeared while being adopted; run pulumi up again.`);
  const mismatched = (["lifecycleNotificationUrl", "includeResourceData", "latestSupportedTlsVersion", "notificationQueryOptions"] as const).filter(
    (name) => body[name] !== undefined && existing[name] !== undefined && existing[name] !== null && !sameValue(existing[name], body[name]),
  );
  if (mismatched.length > 0) {
    throw new Error(
      `adoptExisting: subscription ${existingId} differs from the program in ${mismatched.join(", ")}, which Graph cannot change in place. ` +
        `Delete it (msgraph-subscriptions delete ${existingId}) so that pulumi up creates one as declared, or make the program match it.`,
    );
  }
  return client.update(existingId, { expirationDateTime: body.expirationDateTime, notificationUrl: body.notificationUrl }, apiVersion);
}

function stateFrom(inputs: Partial<SubscriptionInputs>, graphValue: GraphSubscription, apiVersion: ApiVersion, ruleId: string | null): SubscriptionState {
  const given = Object.fromEntries(
    subscriptionInputNames.filter((name) => inputs[name] !== undefined).map((name) => [name, inputs[name]]),
  ) as Partial<SubscriptionInputs>;
  const state: SubscriptionState = {
    ...given,
    resource: inputs.resource!,
    changeType: inputs.changeType!,
    notificationUrl: graphValue.notificationUrl,
    expirationDateTime: graphValue.expirationDateTime,
    lastWrittenExpirationDateTime: graphValue.expirationDateTime,
    graphApiVersion: apiVersion,
    ruleId,
    stateVersion,
  };
  if (inputs.expirationDateTime) state.requestedExpirationDateTime = inputs.expirationDateTime;
  else delete state.requestedExpirationDateTime;
  for (const name of ["applicationId", "creatorId", "notificationContentType"] as const) {
    if (graphValue[name] !== undefined && graphValue[name] !== null) state[name] = graphValue[name];
  }
  // Properties Graph fills in when the program leaves them out: report Graph's value.
  if (state.latestSupportedTlsVersion === undefined && graphValue.latestSupportedTlsVersion) {
    state.latestSupportedTlsVersion = graphValue.latestSupportedTlsVersion as SubscriptionState["latestSupportedTlsVersion"];
  }
  if (state.includeResourceData === undefined && typeof graphValue.includeResourceData === "boolean") {
    state.includeResourceData = graphValue.includeResourceData;
  }
  return state;
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const state = props as SubscriptionState;
  const client = await graph();
  const live = await client.get(id, state.graphApiVersion ?? currentSettings().apiVersion);
  // Gone (deleted, or expired: Graph removes expired subscriptions). An empty result makes the
  // engine drop it from state, and the next `up` creates it again.
  if (!live) return {};
  const refreshed: SubscriptionState = {
    ...state,
    notificationUrl: live.notificationUrl,
    expirationDateTime: live.expirationDateTime,
  };
  for (const name of ["applicationId", "creatorId", "notificationContentType"] as const) {
    if (live[name] !== undefined && live[name] !== null) refreshed[name] = live[name];
  }
  return { id, props: refreshed, inputs: inputsFromState(refreshed) };
}

/**
 * The inputs that would produce this live state. Returned from read so that a refresh records
 * drift in the inputs too, and the engine names the drifted property (the Node dynamic-provider
 * host reports no detailed diff of its own).
 */
function inputsFromState(state: SubscriptionState): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const name of subscriptionInputNames) {
    if (name === "expirationDateTime" || state[name] === undefined) continue;
    // A value equal to Graph's default may be Graph's own, not the program's; leaving it out is the same subscription.
    if (name in graphDefaults && state[name] === graphDefaults[name as keyof typeof graphDefaults]) continue;
    inputs[name] = state[name];
  }
  if (state.requestedExpirationDateTime) {
    inputs.expirationDateTime = sameInstant(state.expirationDateTime, state.lastWrittenExpirationDateTime)
      ? state.requestedExpirationDateTime
      : state.expirationDateTime;
  }
  return inputs;
}

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const state = olds as SubscriptionState;
  const inputs = news as SubscriptionInputs;
  const apiVersion = inputs.apiVersion ?? state.graphApiVersion ?? currentSettings().apiVersion;
  const lifetime = requireLifetime(inputs, apiVersion);
  const changed = changedInputs(state, inputs);
  const patch: SubscriptionPatch = {};
  if (changed.includes("notificationUrl")) patch.notificationUrl = inputs.notificationUrl;
  const verdict = expiryVerdict(lifetime.plan, state.expirationDateTime, graphNow());
  if (changed.includes("expirationDateTime") || changed.includes("lifetimeMinutes") || verdict === "renew" || expirationDrifted(state, lifetime.plan)) {
    patch.expirationDateTime = targetExpiration(lifetime.plan, lifetime.max, graphNow());
  }
  const client = await graph();
  // Graph: don't reauthorize and PATCH the same subscription within ten minutes; a PATCH that
  // renews also reauthorizes. So a trigger change folds into a renewal when a PATCH is due anyway.
  if (changed.includes("reauthorizeTrigger")) {
    if (Object.keys(patch).length > 0) patch.expirationDateTime ??= targetExpiration(lifetime.plan, lifetime.max, graphNow());
    else await client.reauthorize(id, apiVersion);
  }
  let graphValue: GraphSubscription;
  if (Object.keys(patch).length > 0) {
    graphValue = await client.update(id, patch, apiVersion);
  } else {
    graphValue = {
      id,
      resource: state.resource,
      changeType: state.changeType,
      notificationUrl: state.notificationUrl,
      expirationDateTime: state.expirationDateTime,
      applicationId: state.applicationId,
      creatorId: state.creatorId,
      notificationContentType: state.notificationContentType,
      latestSupportedTlsVersion: state.latestSupportedTlsVersion,
      includeResourceData: state.includeResourceData,
    };
  }
  const next = stateFrom(inputs, graphValue, apiVersion, lifetime.ruleId);
  if (!patch.expirationDateTime) next.lastWrittenExpirationDateTime = state.lastWrittenExpirationDateTime;
  return { outs: next };
}

export async function remove(id: string, props: Record<string, unknown>): Promise<void> {
  const state = props as SubscriptionState;
  const client = await graph();
  // Already gone (deleted out of band, or expired) is what delete wants.
  await client.delete(id, state.graphApiVersion ?? currentSettings().apiVersion);
}

export { remove as delete };
