import { parseResource, resourceIdentity } from "../rules/resourcePath";
import { UNKNOWN as unknown } from "../rules/validate";
import { graphDefaultOf, inputProperties } from "./inputs";
import { sameInstant } from "./lifetime";
import { subscriptionInputNames, type SubscriptionInputName, type SubscriptionInputs } from "./schema";
import type { SubscriptionState } from "./state";

/** Inputs whose desired value differs from the state, each compared the way its row in the input table says. */
export function changedInputs(state: SubscriptionState, desired: Partial<SubscriptionInputs>): SubscriptionInputName[] {
  return subscriptionInputNames.filter((name) => {
    const next = desired[name];
    if (next === (unknown as unknown)) return true;
    switch (inputProperties[name].compare) {
      case "instant":
        // The program's fixed expiry, not Graph's current one: renewal is judged separately.
        return !sameInstant(state.requestedExpirationDateTime, desired.expirationDateTime);
      case "resource":
        return next === undefined || effectiveResource(state) !== effectiveResource(desired as SubscriptionState);
      case "none":
        return false; // folded into another input's comparison (paymentModel into resource)
      case "value":
        return !sameValue(state[name] ?? graphDefaultOf(name), next ?? graphDefaultOf(name));
    }
  });
}

/** JSON equality where absent (undefined or null) equals absent. */
export function sameValue(a: unknown, b: unknown): boolean {
  const absent = (v: unknown) => v === undefined || v === null;
  if (absent(a) && absent(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function hasKnown(values: Record<string, unknown>, ...names: string[]): boolean {
  return names.every((name) => values[name] !== unknown);
}

/** The resource as Graph identifies it for duplicates, with the payment model made explicit. */
export function effectiveResource(inputs: { resource?: string; paymentModel?: string }): string {
  if (!inputs.resource) return "";
  const parsed = parseResource(inputs.resource);
  const model = inputs.paymentModel ?? (parsed.ok ? parsed.value.model : undefined) ?? "";
  return `${resourceIdentity(inputs.resource)}#model=${model.toUpperCase()}`;
}

/** Whether Graph would see the desired subscription as a duplicate of the stored one. */
export function sameTarget(state: SubscriptionState, desired: Partial<SubscriptionInputs>): boolean {
  // Not known yet (preview): assume the same target, which is what the update will most likely find.
  if (typeof desired.resource !== "string" || typeof desired.changeType !== "string") return true;
  if (desired.resource === unknown || desired.changeType === unknown) return true;
  return resourceIdentity(state.resource) === resourceIdentity(desired.resource) && state.changeType === desired.changeType;
}
