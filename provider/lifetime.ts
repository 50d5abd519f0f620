import { graphLimits } from "./limits";

/**
 * Subscription lifetimes. A program says how long a subscription should live (`lifetimeMinutes`,
 * default: the longest Graph allows for the resource) and how early to renew it
 * (`renewBeforeMinutes`, default: half the lifetime); each `pulumi up` compares that with the
 * expiry Graph reports. A fixed `expirationDateTime` is honoured as written.
 */

/** Graph measures the maximum from the moment it receives the request; this leaves room for transit and clock jitter. */
const maximumSafetyMarginMinutes = 1;
const minute = 60_000;

/** The lifetime the provider asks Graph for: never closer to the maximum than the safety margin. */
export function plannedLifetimeMinutes(lifetimeMinutes: number, maxLifetimeMinutes: number): number {
  return Math.min(lifetimeMinutes, maxLifetimeMinutes - maximumSafetyMarginMinutes);
}

export type LifetimePlan =
  | { mode: "fixed"; expirationDateTime: string }
  | { mode: "relative"; lifetimeMinutes: number; renewBeforeMinutes: number };

export function planLifetime(
  inputs: { expirationDateTime?: string; lifetimeMinutes?: number; renewBeforeMinutes?: number },
  maxLifetimeMinutes: number,
): LifetimePlan {
  if (inputs.expirationDateTime) return { mode: "fixed", expirationDateTime: inputs.expirationDateTime };
  const lifetimeMinutes = inputs.lifetimeMinutes ?? maxLifetimeMinutes;
  return { mode: "relative", lifetimeMinutes, renewBeforeMinutes: inputs.renewBeforeMinutes ?? Math.floor(lifetimeMinutes / 2) };
}

/** The expirationDateTime to send to Graph now. */
export function targetExpiration(plan: LifetimePlan, maxLifetimeMinutes: number, now: Date): string {
  if (plan.mode === "fixed") return plan.expirationDateTime;
  const minutes = plannedLifetimeMinutes(plan.lifetimeMinutes, maxLifetimeMinutes);
  return new Date(now.getTime() + minutes * minute).toISOString();
}

export type ExpiryVerdict = "fresh" | "renew" | "expired";

export function expiryVerdict(plan: LifetimePlan, currentExpiration: string, now: Date): ExpiryVerdict {
  const remainingMinutes = (Date.parse(currentExpiration) - now.getTime()) / minute;
  if (remainingMinutes <= 0) return "expired";
  if (plan.mode === "relative" && remainingMinutes < plan.renewBeforeMinutes) return "renew";
  return "fresh";
}

export function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Date.parse(a) === Date.parse(b);
}

/**
 * The lifetime Graph will apply: lifetimeMinutes, else expirationDateTime measured from `now`, else the
 * maximum (the provider's default), never under Graph's 45-minute floor.
 */
export function effectiveLifetimeMinutes(
  inputs: { lifetimeMinutes?: number; expirationDateTime?: string },
  maxLifetimeMinutes: number,
  now: Date,
): number {
  const requested =
    inputs.lifetimeMinutes ??
    (inputs.expirationDateTime ? (Date.parse(inputs.expirationDateTime) - now.getTime()) / minute : maxLifetimeMinutes);
  return Math.max(graphLimits.minimumLifetimeMinutes, requested);
}
