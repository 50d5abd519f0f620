import type { SubscriptionsClient } from "../graph/client";
import { graphLimits } from "../limits";
import { matchRules } from "../rules/resourcePath";
import { plannedLifetimeMinutes } from "../lifetime";
import { markOf, stampExpiry } from "../ownership";
import type { ApiVersion, GraphSubscription } from "../vocabulary";

/**
 * The answer to `reauthorizationRequired`. Graph accepts two (lifecycle page, "Responding to
 * reauthorizationRequired notifications"): POST /subscriptions/{id}/reauthorize, which keeps the expiry, or a
 * PATCH of expirationDateTime, which renews and also reauthorizes. Renewing is Pulumi's job on each `pulumi
 * up`, so the handler renews only a subscription that would otherwise expire before the next run is likely
 * to: one inside Graph's expiry-warning window (graphLimits.expiryWarningMinutes, three hours). A
 * warning that close to expiry is about the expiry, and a reauthorize would not stop it.
 */

export interface RenewalPolicy {
  /** Renew instead of reauthorizing when less than this many minutes remain. */
  renewWithinMinutes: number;
  /** The lifetime a renewal asks for; default the longest Graph allows for the resource, less the provider's margin. */
  renewForMinutes?: number;
}

export type ReauthorizationOutcome =
  | { action: "renewed"; subscription: GraphSubscription; previousExpiry: string }
  | { action: "reauthorized"; subscription: GraphSubscription; noRenewal?: string }
  | { action: "gone" }
  | { action: "skipped"; answeredAt: Date };

/**
 * When each subscription was last answered, on Graph's clock. Graph asks for no reauthorize and PATCH of the
 * same subscription within ten minutes (reauthorize page), and its challenges can come more often than that
 * (every 15 minutes near expiry, or repeated on a slow answer), so a second one within the window is
 * already answered. One per handler: the handler's own memory, lost on restart, which costs one more call.
 */
export class RecentAnswers {
  private readonly answered = new Map<string, Date>();

  answeredWithin(id: string, now: Date, minutes: number): Date | undefined {
    const at = this.answered.get(id);
    return at && now.getTime() - at.getTime() < minutes * 60_000 ? at : undefined;
  }

  note(id: string, now: Date): void {
    // Entries older than the window decide nothing; drop them so the map stays as small as the traffic.
    for (const [other, at] of this.answered) {
      if (now.getTime() - at.getTime() >= graphLimits.reauthorizeAfterPatchMinutes * 60_000) this.answered.delete(other);
    }
    this.answered.set(id, now);
  }
}

/**
 * Reads the subscription first: its current expiry decides between renewal and reauthorize (Pulumi may have
 * renewed it since Graph wrote the notification), the read teaches the client Graph's clock, and a 404 means
 * there is nothing left to answer.
 */
export async function answerReauthorization(
  graph: SubscriptionsClient,
  id: string,
  version: ApiVersion,
  policy: RenewalPolicy,
  recent: RecentAnswers,
): Promise<ReauthorizationOutcome> {
  const live = await graph.get(id, version);
  if (!live) return { action: "gone" };
  const now = graph.clock.now();
  const answeredAt = recent.answeredWithin(id, now, graphLimits.reauthorizeAfterPatchMinutes);
  if (answeredAt) return { action: "skipped", answeredAt };
  const remainingMinutes = (Date.parse(live.expirationDateTime) - now.getTime()) / 60_000;
  if (remainingMinutes < policy.renewWithinMinutes) {
    const renewal = renewalExpiry(live, version, now, policy.renewForMinutes);
    if ("expirationDateTime" in renewal) {
      const renewed = await graph.update(id, { expirationDateTime: renewal.expirationDateTime }, version);
      recent.note(id, now);
      return { action: "renewed", subscription: renewed, previousExpiry: live.expirationDateTime };
    }
    await graph.reauthorize(id, version);
    recent.note(id, now);
    return { action: "reauthorized", subscription: live, noRenewal: renewal.reason };
  }
  await graph.reauthorize(id, version);
  recent.note(id, now);
  return { action: "reauthorized", subscription: live };
}

/**
 * The expiry a renewal asks for: now plus the policy's lifetime, capped at the rule table's maximum for the
 * resource (less the provider's safety margin), keeping the ownership mark in the sub-second digits so that
 * the provider still recognises the subscription as its own (ownership.ts).
 */
export function renewalExpiry(
  live: GraphSubscription,
  version: ApiVersion,
  now: Date,
  renewForMinutes: number | undefined,
): { expirationDateTime: string } | { reason: string } {
  const maximums = matchRules(live.resource, version).map(({ rule }) =>
    live.includeResourceData && rule.maxLifetimeWithResourceDataMinutes !== undefined ? rule.maxLifetimeWithResourceDataMinutes : rule.maxLifetimeMinutes,
  );
  // Rows tie only where one path serves two audiences; the shorter maximum is safe for both.
  const maximum = maximums.length > 0 ? Math.min(...maximums) : undefined;
  const minutes = maximum !== undefined ? plannedLifetimeMinutes(renewForMinutes ?? maximum, maximum) : renewForMinutes;
  if (minutes === undefined) {
    return { reason: `the rule table has no ${version} row for '${live.resource}', so its longest lifetime is unknown (set renewForMinutes)` };
  }
  const expirationDateTime = stampExpiry(new Date(now.getTime() + minutes * 60_000).toISOString(), markOf(live.expirationDateTime));
  if (Date.parse(expirationDateTime) <= Date.parse(live.expirationDateTime)) {
    return { reason: `a renewal for ${minutes} minutes would not move the expiry past ${live.expirationDateTime}` };
  }
  return { expirationDateTime };
}
