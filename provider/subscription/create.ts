import type * as pulumi from "@pulumi/pulumi";
import { requireReachableEndpoints } from "../endpoints/endpointCheck";
import { GraphApiError } from "../errors";
import type { SubscriptionRequest, SubscriptionsClient } from "../graph/client";
import { graphLimits } from "../limits";
import { adoptOrExplain } from "./adopt";
import type { GraphConnection, ProviderContext } from "./context";
import { optionalGraphInputs } from "./inputs";
import type { LifetimePlan } from "../lifetime";
import { requirePlan, targetExpiry, type SubscriptionPlan } from "./plan";
import type { ApiVersion, GraphSubscription } from "../vocabulary";
import type { SubscriptionInputs } from "../schema";
import { stateFrom } from "./state";

/** create: POST /subscriptions, recognising our own retried POST and adopting on request. */
export async function create(context: ProviderContext, news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = news as SubscriptionInputs;
  const apiVersion = inputs.apiVersion ?? context.settings().apiVersion;
  // The resource's own connection (another tenant or app), else the stack's.
  const connection = context.connection(inputs.connection);
  const plan = await requirePlan(connection, inputs, apiVersion, "created");
  await requireReachableEndpoints(context.settings(), inputs);
  const client = await connection.graph();
  const calibrated = connection.clock.observed();
  let body = requestBody(inputs, targetExpiry(plan, connection.clock));
  let created: GraphSubscription;
  let patched = false;
  try {
    created = await client.create(body, apiVersion);
  } catch (error) {
    if (!GraphApiError.is(error)) throw error;
    if (error.statusCode === 409) {
      ({ subscription: created, patched } = await adoptOrExplain(client, inputs, body, apiVersion, error));
    } else if (isExpiryRefusal(error, calibrated, plan.lifetime)) {
      // This machine's clock ran ahead of Graph's, so "the maximum from now" was too far for Graph.
      // The refusal taught us Graph's clock: ask again once.
      body = requestBody(inputs, targetExpiry(plan, connection.clock));
      created = await client.create(body, apiVersion);
    } else {
      throw error;
    }
  }
  // From here on Graph holds the subscription: nothing may throw, or it would be orphaned.
  if (!calibrated && plan.lifetime.mode === "relative") {
    const corrected = await correctForGraphClock(connection, client, created, plan, apiVersion);
    patched ||= corrected !== created;
    created = corrected;
  }
  const state = stateFrom(inputs, created, apiVersion, plan.ruleId);
  // Adoption and clock correction are PATCHes, which start Graph's ten-minute no-reauthorize window.
  if (patched) state.lastPatchedDateTime = connection.clock.now().toISOString();
  return { id: created.id, outs: state };
}

/** Graph refused the expiry before this process had heard Graph's clock: a skew, not a mistake. */
export function isExpiryRefusal(error: GraphApiError, calibrated: boolean, plan: LifetimePlan): boolean {
  return error.statusCode === 400 && !calibrated && plan.mode === "relative" && /expiration/i.test(error.graphMessage);
}

/**
 * A relative lifetime was computed from this machine's clock before Graph's was known. If the
 * clocks disagree by minutes, PATCH the expiry measured on Graph's clock, now that the POST's
 * response has taught it (too far is corrected too: a clock far ahead can exceed the maximum).
 * Best effort: the subscription exists either way, and the next `pulumi up` renews it if needed.
 */
async function correctForGraphClock(
  connection: GraphConnection,
  client: SubscriptionsClient,
  created: GraphSubscription,
  plan: SubscriptionPlan,
  apiVersion: ApiVersion,
): Promise<GraphSubscription> {
  if (plan.lifetime.mode !== "relative" || plan.lifetime.lifetimeMinutes <= graphLimits.minimumLifetimeMinutes) return created; // Graph's floor, not a skew
  const target = targetExpiry(plan, connection.clock);
  const offByMinutes = Math.abs(Date.parse(target) - Date.parse(created.expirationDateTime)) / 60_000;
  if (offByMinutes < 5) return created;
  try {
    return await client.update(created.id, { expirationDateTime: target }, apiVersion);
  } catch (error) {
    console.warn(`warning: subscription ${created.id} was created, but correcting its expiry for Graph's clock failed (${(error as Error).message}); the next pulumi up renews it if needed`);
    return created;
  }
}

/** The POST body: Graph's properties only (the input table says which), with the payment model written into `resource`. */
function requestBody(inputs: SubscriptionInputs, expirationDateTime: string): SubscriptionRequest {
  const body: SubscriptionRequest = {
    changeType: inputs.changeType,
    notificationUrl: inputs.notificationUrl,
    resource: resourceWithModel(inputs.resource, inputs.paymentModel),
    expirationDateTime,
  };
  for (const name of optionalGraphInputs) {
    if (inputs[name] !== undefined) (body as Record<string, unknown>)[name] = inputs[name];
  }
  return body;
}

function resourceWithModel(resource: string, model: string | undefined): string {
  if (!model || /[?&]model=/i.test(resource)) return resource;
  return `${resource}${resource.includes("?") ? "&" : "?"}model=${model}`;
}
