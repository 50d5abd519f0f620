import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "./context";
import { graphDefaultOf, inputProperties } from "./inputs";
import { sameInstant } from "../lifetime";
import { subscriptionInputNames } from "../schema";
import type { GraphSubscription } from "../vocabulary";
import { copyGraphOutputs, parseState, type SubscriptionState } from "./state";

/** read (refresh): Graph's live subscription, or nothing when Graph no longer has it. */
export async function read(context: ProviderContext, id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const state = parseState(props, context.settings().apiVersion);
  // The state's connection: the app and tenant that own this subscription (refresh runs no program).
  const client = await context.graph(state.connection);
  // By id, or from the app's listing when a large stack's GETs would wait for Graph's allowance (listedReads.ts).
  const live = await client.read(id, state.graphApiVersion);
  // Gone (deleted, or expired: Graph removes expired subscriptions). An empty result makes the
  // engine drop it from state, and the next `up` creates it again.
  if (!live) return {};
  const refreshed = refreshedState(state, live);
  return { id, props: refreshed, inputs: inputsFromState(refreshed) };
}

/** The state with what Graph may change or report: the only properties a refresh takes from Graph. */
export function refreshedState(state: SubscriptionState, live: GraphSubscription): SubscriptionState {
  const refreshed: SubscriptionState = { ...state, notificationUrl: live.notificationUrl, expirationDateTime: live.expirationDateTime };
  copyGraphOutputs(refreshed, live);
  return refreshed;
}

/**
 * The inputs that would produce this live state. Returned from read so that a refresh records
 * drift in the inputs too, and the engine names the drifted property (the Node dynamic-provider
 * host reports no detailed diff of its own).
 */
function inputsFromState(state: SubscriptionState): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const name of subscriptionInputNames) {
    if (!inputProperties[name].readBack || state[name] === undefined) continue;
    // A value equal to Graph's default may be Graph's own, not the program's; leaving it out is the same subscription.
    if (graphDefaultOf(name) !== undefined && state[name] === graphDefaultOf(name)) continue;
    inputs[name] = state[name];
  }
  if (state.requestedExpirationDateTime) {
    inputs.expirationDateTime = sameInstant(state.expirationDateTime, state.lastWrittenExpirationDateTime)
      ? state.requestedExpirationDateTime
      : state.expirationDateTime;
  }
  return inputs;
}
