import { matchRules } from "../rules/resourcePath";
import { validateSubscription, type ValidationResult } from "../rules/validate";
import type { GraphClock } from "../graph/clock";
import type { GraphConnection } from "./context";
import { planLifetime, targetExpiration, type LifetimePlan } from "../lifetime";
import { stampExpiry } from "../ownership";
import type { ApiVersion } from "../vocabulary";
import type { SubscriptionInputs } from "../schema";

/**
 * The one place that decides, for a subscription's inputs, which rule-table row applies, the longest
 * lifetime Graph allows, how the lifetime is planned and what expiry to ask for. diff, create and update
 * all come here with the same question, so they cannot disagree.
 */
export interface SubscriptionPlan {
  ruleId: string | null;
  maxLifetimeMinutes: number;
  lifetime: LifetimePlan;
  /** Written into every expiry sent (ownership.ts). */
  ownerMark?: string;
}

export type PlanOutcome = { plan: SubscriptionPlan } | { failures: ValidationResult["failures"] };

/** `connection`: the resource's (its cloud and permission type decide the row), as the operation uses it. */
export async function planSubscription(connection: GraphConnection, inputs: Partial<SubscriptionInputs>, apiVersion: ApiVersion): Promise<PlanOutcome> {
  const version = inputs.apiVersion ?? apiVersion;
  // Rows tie only where one path serves two audiences (driveItem on personal and business OneDrive);
  // then the permission type picks, and it is asked of the connection the same way every time.
  const ties = typeof inputs.resource === "string" && matchRules(inputs.resource, version).length > 1;
  const permissionType = ties ? await connection.permissionType() : connection.settings.permissionType;
  const result = validateSubscription(inputs as Record<string, unknown>, {
    apiVersion: version,
    cloud: connection.settings.cloud,
    permissionType,
    allowUndocumentedResources: connection.settings.allowUndocumentedResources,
  });
  if (result.maxLifetimeMinutes === undefined) return { failures: result.failures };
  return {
    plan: {
      ruleId: result.rule,
      maxLifetimeMinutes: result.maxLifetimeMinutes,
      lifetime: planLifetime(inputs, result.defaultLifetimeMinutes ?? result.maxLifetimeMinutes),
      ownerMark: inputs.ownerMark,
    },
  };
}

/** For create and update, which cannot proceed without a plan: the error says which operation stopped. */
export async function requirePlan(
  connection: GraphConnection,
  inputs: SubscriptionInputs,
  apiVersion: ApiVersion,
  operation: "created" | "updated",
): Promise<SubscriptionPlan> {
  const outcome = await planSubscription(connection, inputs, apiVersion);
  if ("plan" in outcome) return outcome.plan;
  const reasons = outcome.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
  throw new Error(`Subscription on ${inputs.resource} cannot be ${operation}: ${reasons || "the resource matches no rule"}`);
}

/** The expirationDateTime to send to Graph now, on Graph's clock (the connection's), carrying the resource's mark. */
export function targetExpiry(plan: SubscriptionPlan, clock: GraphClock): string {
  return stampExpiry(targetExpiration(plan.lifetime, plan.maxLifetimeMinutes, clock.now()), plan.ownerMark);
}
