import type * as pulumi from "@pulumi/pulumi";
import { changedInputs, hasKnown, isFullyKnown, sameTarget, signInChanges, type CompareContext } from "./compare";
import type { ProviderContext } from "./context";
import { explainExpiry, expirationDrifted, verdictOnGraphClock } from "./expiry";
import { updatePolicy } from "./inputs";
import { planSubscription } from "./plan";
import type { SubscriptionInputs } from "../schema";
import { parseState } from "./state";

/** diff: what changed, whether it replaces, and whether the subscription is due for renewal or gone. */
export async function diff(
  context: ProviderContext,
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  /** Where the reason for a renewal or re-creation goes (the engine shows the provider's output). */
  explain: (line: string) => void = console.log,
): Promise<pulumi.dynamic.DiffResult> {
  const state = parseState(olds, context.settings().apiVersion);
  const desired = news as Partial<SubscriptionInputs>;
  const compare: CompareContext = { stackGraphIdentity: context.stackGraphIdentity() };
  const changed = changedInputs(state, desired, compare);
  const replaces = changed.filter((name) => updatePolicy[name] === "replace");
  // A rotated secret or another credential for the same app: an update that only records it (inputs.ts).
  changed.push(...signInChanges(state, desired, compare));

  if (typeof desired.resource === "string" && hasKnown(desired, "expirationDateTime", "lifetimeMinutes", "renewBeforeMinutes")) {
    // The plan is the program's, on the program's connection (the state's while that is not known, in preview);
    // the verdict is about the existing subscription, which only the app owning it can see.
    const planned = context.connection(isFullyKnown(desired.connection) ? desired.connection : state.connection);
    const owner = replaces.includes("connection") ? context.connection(state.connection) : planned;
    const outcome = await planSubscription(planned, desired, state.graphApiVersion);
    if ("plan" in outcome) {
      const lifetime = outcome.plan.lifetime;
      const verdict = await verdictOnGraphClock(owner, id, state, lifetime);
      // Graph deletes a subscription when it expires, so only a new one brings notifications back.
      if (verdict === "expired") replaces.push("expirationDateTime");
      else if (verdict === "renew" || expirationDrifted(state, lifetime)) changed.push("expirationDateTime");
      if (verdict !== "fresh") explain(explainExpiry(owner.clock, verdict, state, lifetime));
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
    deleteBeforeReplace: sameTarget(state, desired, compare),
  };
}
