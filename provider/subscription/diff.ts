import type * as pulumi from "@pulumi/pulumi";
import { changedInputs, hasKnown, sameTarget } from "./compare";
import type { ProviderContext } from "./context";
import { explainExpiry, expirationDrifted, verdictOnGraphClock } from "./expiry";
import { updatePolicy } from "./inputs";
import { planSubscription } from "./plan";
import type { SubscriptionInputs } from "./schema";
import { parseState } from "./state";

/** diff: what changed, whether it replaces, and whether the subscription is due for renewal or gone. */
export async function diff(context: ProviderContext, id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const state = parseState(olds, context.settings().apiVersion);
  const desired = news as Partial<SubscriptionInputs>;
  const changed = changedInputs(state, desired);
  const replaces = changed.filter((name) => updatePolicy[name] === "replace");

  if (typeof desired.resource === "string" && hasKnown(desired, "expirationDateTime", "lifetimeMinutes", "renewBeforeMinutes")) {
    const outcome = await planSubscription(context, desired, state.graphApiVersion);
    if ("plan" in outcome) {
      const lifetime = outcome.plan.lifetime;
      const verdict = await verdictOnGraphClock(context, id, state, lifetime);
      // Graph deletes a subscription when it expires, so only a new one brings notifications back.
      if (verdict === "expired") replaces.push("expirationDateTime");
      else if (verdict === "renew" || expirationDrifted(state, lifetime)) changed.push("expirationDateTime");
      if (verdict !== "fresh") console.log(explainExpiry(context, verdict, state, lifetime));
    }
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
