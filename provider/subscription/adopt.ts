import { ConflictError, GraphApiError } from "../errors";
import type { SubscriptionRequest, SubscriptionsClient } from "../graph/client";
import { resourceIdentity } from "../rules/resourcePath";
import { sameValue } from "./compare";
import { markOf } from "../ownership";
import { adoptionCheckedInputs, graphDefaultOf } from "./inputs";
import { canonicalChangeType, changeTypes, type ApiVersion, type ChangeType, type GraphSubscription } from "../vocabulary";
import { type SubscriptionInputs } from "../schema";

/**
 * Graph refuses a second subscription for the same resource and changeType with 409 and the
 * existing id in the message. That subscription may be our own: the Graph client retries a POST
 * after 429/5xx/timeouts, and a gateway timeout can hide a creation that succeeded; or a killed run
 * created it and never recorded it (its expiry carries this resource's mark, ownership.ts). Otherwise, with
 * adoptExisting, the existing one is taken over (its expiry and URL brought to the program's
 * values) provided everything Graph cannot change in place matches; else the error says how to proceed.
 */
export async function adoptOrExplain(
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
  if (existing && isLeftByOurInterruptedRun(existing, inputs, body)) {
    // Ours, from a run that was killed before Pulumi recorded it: bring expiry and URL to this run's values.
    const subscription = await client.update(existing.id, { expirationDateTime: body.expirationDateTime, notificationUrl: body.notificationUrl }, apiVersion);
    return { subscription, patched: true };
  }
  if (!inputs.adoptExisting) {
    throw new ConflictError(
      `Graph already has subscription ${existingId ?? "(id not reported)"} for changeType '${inputs.changeType}' on '${inputs.resource}' ` +
        `(409 Conflict, request-id ${conflict.requestId ?? "n/a"}); Graph allows one per resource and changeType. ` +
        `Either set adoptExisting: true to manage that subscription with this resource, ` +
        `or delete it (msgraph-subscriptions delete ${existingId ?? "<id>"}) and run pulumi up again.`,
      existingId,
      { cause: conflict },
    );
  }
  if (!existingId || !existing) {
    throw new ConflictError(
      `adoptExisting: Graph reported a duplicate of '${inputs.resource}' but it could not be found (id ${existingId ?? "not reported"}); run pulumi up again.`,
      existingId,
      { cause: conflict },
    );
  }
  const mismatched = immutableDifferences(existing, body);
  if (mismatched.length > 0) {
    throw new ConflictError(
      `adoptExisting: subscription ${existingId} differs from the program in ${mismatched.join(", ")}, which Graph cannot change in place. ` +
        `Delete it (msgraph-subscriptions delete ${existingId}) so that pulumi up creates one as declared, or make the program match it.`,
      existingId,
      { cause: conflict },
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
    // A marked request knows its expiry to the digit: another's made in the same second is not ours.
    (markOf(body.expirationDateTime) === undefined || markOf(existing.expirationDateTime) === markOf(body.expirationDateTime)) &&
    // Graph's List hides clientState and its docs disagree on Get (C13): absent means unknown, not different.
    (existing.clientState == null || existing.clientState === (body.clientState ?? undefined)) &&
    immutableDifferences(existing, body).length === 0
  );
}

/** Carries this resource's mark (ownership.ts) and matches it in everything Graph cannot change in place. */
function isLeftByOurInterruptedRun(existing: GraphSubscription, inputs: SubscriptionInputs, body: SubscriptionRequest): boolean {
  return inputs.ownerMark !== undefined && markOf(existing.expirationDateTime) === inputs.ownerMark && immutableDifferences(existing, body).length === 0;
}

/**
 * Properties Graph cannot change in place whose values differ, an absent side counting as Graph's
 * default. clientState is compared only when Graph returns it (List hides it; Get shows it).
 */
function immutableDifferences(existing: GraphSubscription, body: SubscriptionRequest): string[] {
  const differing: string[] = adoptionCheckedInputs.filter((name) => {
    const fallback = graphDefaultOf(name);
    const key = name as keyof GraphSubscription & keyof SubscriptionRequest;
    return !sameValue(existing[key] ?? fallback, body[key] ?? fallback);
  });
  if (existing.clientState != null && body.clientState !== undefined && existing.clientState !== body.clientState) differing.push("clientState");
  return differing;
}
