import { z } from "zod";
import { apiVersions, graphSubscription, type ApiVersion, type GraphSubscription } from "../vocabulary";
import { subscriptionInputNames, subscriptionInputs, type SubscriptionInputs } from "../schema";

/**
 * The resource's state as stored by Pulumi: every input the program gave (canonical), with
 * `expirationDateTime` holding Graph's actual expiry, what Graph returns, and the provider's bookkeeping.
 * Parsed on the way in, so state written by an earlier release is read, and migrated, deliberately.
 */
export const stateVersion = 1;

// What Graph reported, as Graph's own schema types it, plus the provider's bookkeeping.
const bookkeeping = graphSubscription.pick({
  resource: true,
  changeType: true,
  notificationUrl: true,
  expirationDateTime: true,
  applicationId: true,
  creatorId: true,
  notificationContentType: true,
}).extend({
  /** The program's fixed expirationDateTime, when it gave one. */
  requestedExpirationDateTime: z.string().optional(),
  /** What Graph answered at the provider's last write: a live value that differs is drift. */
  lastWrittenExpirationDateTime: z.string(),
  /** Graph's time of the provider's last PATCH: Graph asks for ten minutes between a PATCH and a reauthorize. */
  lastPatchedDateTime: z.string().optional(),
  /** The API version the subscription is managed through. */
  graphApiVersion: z.enum(apiVersions),
  /** The rule-table row the resource matched, so stale limits can be traced. */
  ruleId: z.string().nullable(),
  stateVersion: z.literal(stateVersion),
});

export type SubscriptionState = Partial<SubscriptionInputs> & z.infer<typeof bookkeeping>;

const storedState = bookkeeping.extend({
  // Inputs are stored as the program gave them after check; their own rules were applied then.
  ...Object.fromEntries(Object.keys(subscriptionInputs.shape).filter((name) => !(name in bookkeeping.shape)).map((name) => [name, z.unknown().optional()])),
}).loose();

/**
 * Reads stored state. Migrations fill what older states lack: a state without stateVersion or without
 * lastWrittenExpirationDateTime is treated as written by 0.1.0 before those were recorded, and its
 * graphApiVersion is the provider's configured one. A state from a newer release is refused: its meaning
 * is unknown here, and guessing could delete or duplicate a subscription.
 */
export function parseState(props: Record<string, unknown>, configuredApiVersion: ApiVersion): SubscriptionState {
  const { __provider: _provider, ...raw } = props;
  const version = raw.stateVersion ?? stateVersion;
  if (typeof version !== "number" || version > stateVersion) {
    throw new Error(
      `this resource's state was written by a newer pulumi-msgraph-subscriptions (state version ${String(version)}; this one reads up to ${stateVersion}); ` +
        "install that version or newer in the program's project, then run again",
    );
  }
  const migrated = {
    ...raw,
    stateVersion,
    graphApiVersion: raw.graphApiVersion ?? configuredApiVersion,
    lastWrittenExpirationDateTime: raw.lastWrittenExpirationDateTime ?? raw.expirationDateTime,
    ruleId: raw.ruleId ?? null,
  };
  const parsed = storedState.safeParse(migrated);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`this resource's state cannot be read: ${issue.path.join(".") || "(root)"} ${issue.message}; run pulumi refresh, or remove it from the state and import it again`);
  }
  return parsed.data as SubscriptionState;
}

/** The state after Graph answered a create or update with `graphValue`. */
export function stateFrom(inputs: Partial<SubscriptionInputs>, graphValue: GraphSubscription, apiVersion: ApiVersion, ruleId: string | null): SubscriptionState {
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
  copyGraphOutputs(state, graphValue);
  // Properties Graph fills in when the program leaves them out: report Graph's value.
  if (state.latestSupportedTlsVersion === undefined && graphValue.latestSupportedTlsVersion) {
    state.latestSupportedTlsVersion = graphValue.latestSupportedTlsVersion as SubscriptionState["latestSupportedTlsVersion"];
  }
  if (state.includeResourceData === undefined && typeof graphValue.includeResourceData === "boolean") {
    state.includeResourceData = graphValue.includeResourceData;
  }
  return state;
}

/** Outputs only Graph knows: which app and who created it, and the notification format. */
export const graphOnlyOutputs = ["applicationId", "creatorId", "notificationContentType"] as const satisfies readonly (keyof GraphSubscription)[];

export function copyGraphOutputs(state: SubscriptionState, graphValue: GraphSubscription): void {
  for (const name of graphOnlyOutputs) {
    if (graphValue[name] !== undefined && graphValue[name] !== null) state[name] = graphValue[name];
  }
}

/**
 * The outputs that are not inputs, as every front shows them: Graph's own (graphOnlyOutputs) and the provider's
 * record of how the subscription is managed. The package schema lists these beside the inputs; the bookkeeping
 * above (requested and last-written expiries, lastPatchedDateTime, stateVersion) stays out of it.
 */
export const outputOnlyProperties = {
  applicationId: { type: "string", description: "The id of the app that created the subscription (Graph's)." },
  creatorId: { type: "string", description: "The id of the user or service principal that created the subscription (Graph's)." },
  notificationContentType: { type: "string", description: "The content type of the notifications Graph sends, when Graph reports one." },
  graphApiVersion: { type: "string", description: "The Graph API version the subscription is managed through." },
  ruleId: { type: "string", description: "The rule-table row the resource matched (docs/rule-table.md); empty for a path the table does not list." },
} as const satisfies Record<(typeof graphOnlyOutputs)[number] | "graphApiVersion" | "ruleId", { type: "string"; description: string }>;
