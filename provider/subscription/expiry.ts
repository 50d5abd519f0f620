import type { GraphClock } from "../graph/clock";
import type { GraphConnection } from "./context";
import { expiryVerdict, sameInstant, type ExpiryVerdict, type LifetimePlan } from "../lifetime";
import type { SubscriptionState } from "./state";

/**
 * Renew or re-create is decided against Graph's clock. Before this process has heard it (a plain
 * `pulumi up`, no refresh), a verdict other than "fresh" is confirmed with a GET: its Date header
 * teaches the clock, and a 404 proves the subscription gone. A wrong local clock must never delete a
 * live subscription or skip a renewal Graph needs.
 */
export async function verdictOnGraphClock(connection: GraphConnection, id: string, state: SubscriptionState, plan: LifetimePlan): Promise<ExpiryVerdict> {
  const local = expiryVerdict(plan, state.expirationDateTime, connection.clock.now());
  if (local === "fresh" || connection.clock.observed()) return local;
  try {
    const live = await (await connection.graph()).get(id, state.graphApiVersion);
    if (!live) return "expired";
    return expiryVerdict(plan, live.expirationDateTime, connection.clock.now());
  } catch {
    return local;
  }
}

/** The Node dynamic-provider host reports no per-property diff, so this says why the engine will see a change. */
export function explainExpiry(clock: GraphClock, verdict: "renew" | "expired", state: SubscriptionState, plan: LifetimePlan): string {
  const left = Math.round((Date.parse(state.expirationDateTime) - clock.now().getTime()) / 60_000);
  if (verdict === "expired") {
    return `${state.resource}: expired at ${state.expirationDateTime}; Graph has deleted it, so it will be created again (notifications since then were missed)`;
  }
  const renewBefore = plan.mode === "relative" ? plan.renewBeforeMinutes : 0;
  return `${state.resource}: expirationDateTime ${state.expirationDateTime} is ${left} minutes away (renewBeforeMinutes ${renewBefore}); renewing in place`;
}

export function expirationDrifted(state: SubscriptionState, plan: LifetimePlan): boolean {
  // Only a fixed expiry is a promise to keep; a relative one is judged by renewal alone.
  return plan.mode === "fixed" && !sameInstant(state.expirationDateTime, state.lastWrittenExpirationDateTime);
}
