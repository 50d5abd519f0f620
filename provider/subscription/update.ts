import type * as pulumi from "@pulumi/pulumi";
import { requireReachableEndpoints } from "../endpoints/endpointCheck";
import { GraphApiError } from "../errors";
import type { SubscriptionPatch } from "../graph/client";
import { graphLimits } from "../limits";
import { changedInputs } from "./compare";
import type { GraphConnection, ProviderContext } from "./context";
import { isExpiryRefusal } from "./create";
import { expirationDrifted, verdictOnGraphClock } from "./expiry";
import { requirePlan, targetExpiry } from "./plan";
import type { GraphSubscription } from "../vocabulary";
import type { SubscriptionInputs } from "../schema";
import { parseState, stateFrom, type SubscriptionState } from "./state";

/** update: one PATCH for what Graph changes in place (renewal included), or a reauthorize. */
export async function update(context: ProviderContext, id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const state = parseState(olds, context.settings().apiVersion);
  const inputs = news as SubscriptionInputs;
  const apiVersion = inputs.apiVersion ?? state.graphApiVersion;
  // The program's connection: update runs only when it reaches the same app and tenant as the state's
  // (anything else replaces), and it holds the current credential when only that changed.
  const connection = context.connection(inputs.connection);
  const plan = await requirePlan(connection, inputs, apiVersion, "updated");
  const changed = changedInputs(state, inputs, { stackGraphIdentity: context.stackGraphIdentity() });
  if (changed.includes("notificationUrl")) await requireReachableEndpoints(context.settings(), { notificationUrl: inputs.notificationUrl });
  const client = await connection.graph();
  const verdict = await verdictOnGraphClock(connection, id, state, plan.lifetime);
  const calibrated = connection.clock.observed();
  const renew =
    changed.includes("expirationDateTime") || changed.includes("lifetimeMinutes") || verdict === "renew" || expirationDrifted(state, plan.lifetime);

  const patch: SubscriptionPatch = {};
  if (changed.includes("notificationUrl")) patch.notificationUrl = inputs.notificationUrl;
  if (renew) patch.expirationDateTime = targetExpiry(plan, connection.clock);
  if (changed.includes("reauthorizeTrigger")) {
    // Graph: a renewing PATCH also reauthorizes, and a reauthorize must not follow a PATCH within
    // ten minutes. So the trigger folds into a renewal when a PATCH is due anyway or was just made.
    if (Object.keys(patch).length > 0 || patchedWithinMinutes(connection, state, graphLimits.reauthorizeAfterPatchMinutes)) {
      patch.expirationDateTime ??= targetExpiry(plan, connection.clock);
    } else {
      await client.reauthorize(id, apiVersion);
    }
  }

  let graphValue: GraphSubscription;
  if (Object.keys(patch).length > 0) {
    try {
      graphValue = await client.update(id, patch, apiVersion);
    } catch (error) {
      if (!(GraphApiError.is(error) && patch.expirationDateTime && isExpiryRefusal(error, calibrated, plan.lifetime))) throw error;
      // This machine's clock ran ahead of Graph's; the refusal taught us Graph's clock.
      graphValue = await client.update(id, { ...patch, expirationDateTime: targetExpiry(plan, connection.clock) }, apiVersion);
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
  const next = stateFrom(inputs, graphValue, apiVersion, plan.ruleId);
  if (!patch.expirationDateTime) next.lastWrittenExpirationDateTime = state.lastWrittenExpirationDateTime;
  const patched = Object.keys(patch).length > 0;
  if (patched) next.lastPatchedDateTime = connection.clock.now().toISOString();
  else if (state.lastPatchedDateTime) next.lastPatchedDateTime = state.lastPatchedDateTime;
  return { outs: next };
}

function patchedWithinMinutes(connection: GraphConnection, state: SubscriptionState, minutes: number): boolean {
  if (!state.lastPatchedDateTime) return false;
  return connection.clock.now().getTime() - Date.parse(state.lastPatchedDateTime) < minutes * 60_000;
}
