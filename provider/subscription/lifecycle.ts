import type * as pulumi from "@pulumi/pulumi";
import { GraphApiError } from "../errors";
import { SubscriptionsClient, type SubscriptionPatch, type SubscriptionRequest } from "../graph/client";
import { graphClockObserved, graphNow } from "../graph/clock";
import { resolveSettings, type ProviderSettings } from "../graph/settings";
import { matchRules, parseResource, resourceIdentity } from "../rules/resourcePath";
import { permissionsFor } from "../rules/ruleTable";
import { minimumLifetimeMinutes, UNKNOWN as unknown, validateSubscription } from "../rules/validate";
import { expiryVerdict, planLifetime, sameInstant, targetExpiration, type ExpiryVerdict, type LifetimePlan } from "./lifetime";
import {
  graphDefaults,
  canonicalChangeType,
  changeTypes,
  subscriptionInputNames,
  type ApiVersion,
  type ChangeType,
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
  /** Graph's time of the provider's last PATCH: Graph asks for ten minutes between a PATCH and a reauthorize. */
  lastPatchedDateTime?: string;
  /** The API version the subscription is managed through. */
  graphApiVersion: ApiVersion;
  /** The rule-table row the resource matched, so stale limits can be traced. */
  ruleId: string | null;
  stateVersion: number;
};

let settings: ProviderSettings | undefined;
let settingsError: Error | undefined;
let connection: Promise<SubscriptionsClient> | undefined;
let tokenPermissions: ReturnType<SubscriptionsClient["tokenPermissions"]> | undefined;
/** The permission type the token showed, when msgraph:permissionType does not say. */
let learnedPermissionType: PermissionType | undefined;

export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  try {
    useSettings(resolveSettings((key) => req.config.get(key)));
  } catch (error) {
    // The host keeps using this provider after a failed configure; keep failing with the same
    // message rather than quietly falling back to the environment.
    settingsError = error as Error;
    throw error;
  }
}

/** Replaces the provider settings (configure, tests, the command line). */
export function useSettings(next: ProviderSettings): void {
  settings = next;
  settingsError = undefined;
  connection = undefined;
  tokenPermissions = undefined;
  learnedPermissionType = undefined;
}

function currentSettings(): ProviderSettings {
  if (settingsError) throw settingsError;
  settings ??= resolveSettings();
  return settings;
}

function permissionType(): PermissionType | undefined {
  return currentSettings().permissionType ?? learnedPermissionType;
}

function graph(): Promise<SubscriptionsClient> {
  connection ??= SubscriptionsClient.connect(currentSettings());
  return connection;
}

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  try {
    return await checkInputs(news);
  } catch (error) {
    // check must never throw: the engine would print a stack instead of a property-level message.
    return { inputs: news, failures: [{ property: "resource", reason: `could not be checked: ${(error as Error).message ?? String(error)}` }] };
  }
}

async function checkInputs(news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { __provider, ...raw } = news;
  const config = currentSettings();
  const apiVersion = (typeof raw.apiVersion === "string" && raw.apiVersion !== unknown ? raw.apiVersion : config.apiVersion) as ApiVersion;
  const context = { apiVersion, cloud: config.cloud, permissionType: config.permissionType };
  const result = validateSubscription(raw, context);
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
  const candidates = matchRules(inputs.resource, context.apiVersion);
  if (candidates.length === 0) return [];
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
  learnedPermissionType ??= granted.permissionType;
  // Rows can tie on a path (driveItem on personal and business OneDrive); the permission type picks.
  const matched = candidates.find((c) => permissionsFor(c.rule, permissionType) !== null) ?? candidates[0];
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

export async function diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const state = olds as SubscriptionState;
  const desired = news as Partial<SubscriptionInputs>;
  const changed = changedInputs(state, desired);
  const replaces = changed.filter((name) => updatePolicy[name] === "replace");

  const lifetime = lifetimeFor(desired, state.graphApiVersion ?? currentSettings().apiVersion);
  if (lifetime && hasKnown(desired, "expirationDateTime", "lifetimeMinutes", "renewBeforeMinutes")) {
    const verdict = await verdictOnGraphClock(id, state, lifetime.plan);
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

/**
 * Renew or re-create is decided against Graph's clock. Before this process has heard it (a plain
 * `pulumi up`, no refresh), a verdict other than "fresh" is confirmed with a GET: its Date header
 * teaches the clock, and a 404 proves the subscription gone. A wrong local clock must never delete a
 * live subscription or skip a renewal Graph needs.
 */
async function verdictOnGraphClock(id: string, state: SubscriptionState, plan: LifetimePlan): Promise<ExpiryVerdict> {
  const local = expiryVerdict(plan, state.expirationDateTime, graphNow());
  if (local === "fresh" || graphClockObserved()) return local;
  try {
    const live = await (await graph()).get(id, state.graphApiVersion ?? currentSettings().apiVersion);
    if (!live) return "expired";
    return expiryVerdict(plan, live.expirationDateTime, graphNow());
  } catch {
    return local;
  }
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
  const parsed = parseResource(inputs.resource);
  const model = inputs.paymentModel ?? (parsed.ok ? parsed.value.model : undefined) ?? "";
  return `${resourceIdentity(inputs.resource)}#model=${model.toUpperCase()}`;
}

function sameTarget(state: SubscriptionState, desired: Partial<SubscriptionInputs>): boolean {
  // Not known yet (preview): assume the same target, which is what the update will most likely find.
  if (typeof desired.resource !== "string" || typeof desired.changeType !== "string") return true;
  if (desired.resource === unknown || desired.changeType === unknown) return true;
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
  let patched = false;
  try {
    created = await client.create(body, apiVersion);
  } catch (error) {
    if (!GraphApiError.is(error)) throw error;
    if (error.statusCode === 409) {
      ({ subscription: created, patched } = await adoptOrExplain(client, inputs, body, apiVersion, error));
    } else if (isExpiryRefusal(error, calibrated, lifetime.plan)) {
      // This machine's clock ran ahead of Graph's, so "the maximum from now" was too far for Graph.
      // The refusal taught us Graph's clock: ask again once.
      body = requestBody(inputs, targetExpiration(lifetime.plan, lifetime.max, graphNow()));
      created = await client.create(body, apiVersion);
    } else {
      throw error;
    }
  }
  // From here on Graph holds the subscription: nothing may throw, or it would be orphaned.
  if (!calibrated && lifetime.plan.mode === "relative") {
    const corrected = await correctForGraphClock(client, created, lifetime, apiVersion);
    patched ||= corrected !== created;
    created = corrected;
  }
  const state = stateFrom(inputs, created, apiVersion, lifetime.ruleId);
  // Adoption and clock correction are PATCHes, which start Graph's ten-minute no-reauthorize window.
  if (patched) state.lastPatchedDateTime = graphNow().toISOString();
  return { id: created.id, outs: state };
}

function isExpiryRefusal(error: GraphApiError, calibrated: boolean, plan: LifetimePlan): boolean {
  return error.statusCode === 400 && !calibrated && plan.mode === "relative" && /expiration/i.test(error.graphMessage);
}

/**
 * A relative lifetime was computed from this machine's clock before Graph's was known. If the
 * clocks disagree by minutes, PATCH the expiry measured on Graph's clock, now that the POST's
 * response has taught it (too far is corrected too: a clock far ahead can exceed the maximum).
 * Best effort: the subscription exists either way, and the next `pulumi up` renews it if needed.
 */
async function correctForGraphClock(
  client: SubscriptionsClient,
  created: GraphSubscription,
  lifetime: { plan: LifetimePlan; max: number },
  apiVersion: ApiVersion,
): Promise<GraphSubscription> {
  if (lifetime.plan.mode !== "relative" || lifetime.plan.lifetimeMinutes <= minimumLifetimeMinutes) return created; // Graph's floor, not a skew
  const target = targetExpiration(lifetime.plan, lifetime.max, graphNow());
  const offByMinutes = Math.abs(Date.parse(target) - Date.parse(created.expirationDateTime)) / 60_000;
  if (offByMinutes < 5) return created;
  try {
    return await client.update(created.id, { expirationDateTime: target }, apiVersion);
  } catch (error) {
    console.warn(`warning: subscription ${created.id} was created, but correcting its expiry for Graph's clock failed (${(error as Error).message}); the next pulumi up renews it if needed`);
    return created;
  }
}

function requireLifetime(inputs: SubscriptionInputs, apiVersion: ApiVersion): { plan: LifetimePlan; max: number; ruleId: string | null } {
  const result = validateSubscription(inputs as unknown as Record<string, unknown>, {
    apiVersion,
    cloud: currentSettings().cloud,
    permissionType: permissionType(),
  });
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
 * existing id in the message. That subscription may be our own: the Graph client retries a POST
 * after 429/503/504, and a gateway timeout can hide a creation that succeeded. Otherwise, with
 * adoptExisting, the existing one is taken over (its expiry and URL brought to the program's
 * values) provided everything Graph cannot change in place matches; else the error says how to proceed.
 */
async function adoptOrExplain(
  client: SubscriptionsClient,
  inputs: SubscriptionInputs,
  body: SubscriptionRequest,
  apiVersion: ApiVersion,
  conflict: GraphApiError,
): Promise<{ subscription: GraphSubscription; patched: boolean }> {
  const existingId =
    /Subscription Id ([0-9A-Za-z-]+) already exists/i.exec(conflict.graphMessage)?.[1] ??
    (await client.list(apiVersion)).find(
      (s) => resourceIdentity(s.resource) === resourceIdentity(body.resource) && sameChangeType(s.changeType, body.changeType),
    )?.id;
  const existing = existingId ? await client.get(existingId, apiVersion) : undefined;
  if (existing && isOurRetriedCreate(existing, body)) return { subscription: existing, patched: false };
  if (!inputs.adoptExisting) {
    throw new Error(
      `Graph already has subscription ${existingId ?? "(id not reported)"} for changeType '${inputs.changeType}' on '${inputs.resource}' ` +
        `(409 Conflict, request-id ${conflict.requestId ?? "n/a"}); Graph allows one per resource and changeType. ` +
        `Either set adoptExisting: true to manage that subscription with this resource, ` +
        `or delete it (msgraph-subscriptions delete ${existingId ?? "<id>"}) and run pulumi up again.`,
    );
  }
  if (!existingId || !existing) {
    throw new Error(`adoptExisting: Graph reported a duplicate of '${inputs.resource}' but it could not be found (id ${existingId ?? "not reported"}); run pulumi up again.`);
  }
  const mismatched = immutableDifferences(existing, body);
  if (mismatched.length > 0) {
    throw new Error(
      `adoptExisting: subscription ${existingId} differs from the program in ${mismatched.join(", ")}, which Graph cannot change in place. ` +
        `Delete it (msgraph-subscriptions delete ${existingId}) so that pulumi up creates one as declared, or make the program match it.`,
    );
  }
  const subscription = await client.update(existingId, { expirationDateTime: body.expirationDateTime, notificationUrl: body.notificationUrl }, apiVersion);
  return { subscription, patched: true };
}

function sameChangeType(a: string, b: string): boolean {
  const canonical = (value: string) =>
    canonicalChangeType(value.split(",").map((part) => part.trim().toLowerCase()).filter((part): part is ChangeType => (changeTypes as readonly string[]).includes(part)));
  return canonical(a) === canonical(b);
}

/** Exactly what this request asked for, down to the expiry instant: the POST that timed out did land. */
function isOurRetriedCreate(existing: GraphSubscription, body: SubscriptionRequest): boolean {
  return (
    existing.notificationUrl === body.notificationUrl &&
    Math.abs(Date.parse(existing.expirationDateTime) - Date.parse(body.expirationDateTime)) < 1000 &&
    // Graph's List hides clientState and its docs disagree on Get (C13): absent means unknown, not different.
    (existing.clientState == null || existing.clientState === (body.clientState ?? undefined)) &&
    immutableDifferences(existing, body).length === 0
  );
}

/**
 * Properties Graph cannot change in place whose values differ, an absent side counting as Graph's
 * default. clientState is compared only when Graph returns it (List hides it; Get shows it).
 */
function immutableDifferences(existing: GraphSubscription, body: SubscriptionRequest): string[] {
  const names = [
    "lifecycleNotificationUrl",
    "includeResourceData",
    "latestSupportedTlsVersion",
    "notificationQueryOptions",
    "notificationUrlAppId",
    "encryptionCertificateId",
  ] as const;
  const differing: string[] = names.filter((name) => {
    const fallback = (graphDefaults as Record<string, unknown>)[name];
    return !sameValue(existing[name] ?? fallback, body[name] ?? fallback);
  });
  if (existing.clientState != null && body.clientState !== undefined && existing.clientState !== body.clientState) differing.push("clientState");
  return differing;
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
  const client = await graph();
  const verdict = await verdictOnGraphClock(id, state, lifetime.plan);
  const calibrated = graphClockObserved();
  const renew =
    changed.includes("expirationDateTime") || changed.includes("lifetimeMinutes") || verdict === "renew" || expirationDrifted(state, lifetime.plan);

  const patch: SubscriptionPatch = {};
  if (changed.includes("notificationUrl")) patch.notificationUrl = inputs.notificationUrl;
  if (renew) patch.expirationDateTime = targetExpiration(lifetime.plan, lifetime.max, graphNow());
  if (changed.includes("reauthorizeTrigger")) {
    // Graph: a renewing PATCH also reauthorizes, and a reauthorize must not follow a PATCH within
    // ten minutes. So the trigger folds into a renewal when a PATCH is due anyway or was just made.
    if (Object.keys(patch).length > 0 || patchedWithinMinutes(state, 10)) {
      patch.expirationDateTime ??= targetExpiration(lifetime.plan, lifetime.max, graphNow());
    } else {
      await client.reauthorize(id, apiVersion);
    }
  }

  let graphValue: GraphSubscription;
  if (Object.keys(patch).length > 0) {
    try {
      graphValue = await client.update(id, patch, apiVersion);
    } catch (error) {
      if (!(GraphApiError.is(error) && patch.expirationDateTime && isExpiryRefusal(error, calibrated, lifetime.plan))) throw error;
      // This machine's clock ran ahead of Graph's; the refusal taught us Graph's clock.
      graphValue = await client.update(id, { ...patch, expirationDateTime: targetExpiration(lifetime.plan, lifetime.max, graphNow()) }, apiVersion);
    }
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
  const patched = Object.keys(patch).length > 0;
  if (patched) next.lastPatchedDateTime = graphNow().toISOString();
  else if (state.lastPatchedDateTime) next.lastPatchedDateTime = state.lastPatchedDateTime;
  return { outs: next };
}

function patchedWithinMinutes(state: SubscriptionState, minutes: number): boolean {
  if (!state.lastPatchedDateTime) return false;
  return graphNow().getTime() - Date.parse(state.lastPatchedDateTime) < minutes * 60_000;
}

export async function remove(id: string, props: Record<string, unknown>): Promise<void> {
  const state = props as SubscriptionState;
  const client = await graph();
  // Already gone (deleted out of band, or expired) is what delete wants.
  await client.delete(id, state.graphApiVersion ?? currentSettings().apiVersion);
}

export { remove as delete };
