import { graphIdentity } from "../graph/connection";
import { parseResource, resourceIdentity } from "../rules/resourcePath";
import { UNKNOWN as unknown } from "../rules/validate";
import { graphDefaultOf, inputProperties, signInOnlyOf, type InputBehaviour } from "./inputs";
import { sameInstant } from "../lifetime";
import { subscriptionInputNames, type ConnectionInput, type SubscriptionInputName, type SubscriptionInputs } from "../schema";
import type { SubscriptionState } from "./state";

/** What a comparison needs beyond the two sides: whom an absent connection stands for. */
export interface CompareContext {
  /** The stack's graph identity (connection.ts), when its settings name the app. */
  stackGraphIdentity?: string;
}

/**
 * Inputs whose desired value differs from the state, each compared the way its row in the input table says.
 * For an input with sign-in-only fields (the connection), only what decides the Graph object counts here;
 * see signInChanges for the rest.
 */
export function changedInputs(state: SubscriptionState, desired: Partial<SubscriptionInputs>, context: CompareContext = {}): SubscriptionInputName[] {
  return subscriptionInputNames.filter((name) => {
    const next = desired[name];
    if (!isFullyKnown(next)) return true;
    switch ((inputProperties[name] as InputBehaviour).compare) {
      case "connection":
        return reachedBy(state.connection, context) !== reachedBy(desired.connection, context);
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

/**
 * Inputs whose graph-deciding part is unchanged but whose sign-in fields changed (a rotated secret, a move to a
 * certificate): their row's signInOnly action applies ("state": recorded, nothing sent to Graph).
 */
export function signInChanges(state: SubscriptionState, desired: Partial<SubscriptionInputs>, context: CompareContext = {}): SubscriptionInputName[] {
  const identityChanged = new Set(changedInputs(state, desired, context));
  return subscriptionInputNames.filter((name) => {
    const signIn = signInOnlyOf(name);
    if (!signIn || identityChanged.has(name)) return false;
    const fieldsOf = (value: unknown) => signIn.fields.map((field) => (value as Record<string, unknown> | undefined)?.[field] ?? null);
    return !sameValue(fieldsOf(state[name]), fieldsOf(desired[name]));
  });
}

/** The graph identity a resource reaches: its connection's, or the stack's when it has none. */
function reachedBy(connection: ConnectionInput | undefined, context: CompareContext): string {
  if (connection !== undefined) return graphIdentity(connection);
  return context.stackGraphIdentity ?? "the stack's msgraph:* connection";
}

/** No unknown anywhere inside (preview): a list or object holding one is not known either. */
export function isFullyKnown(value: unknown): boolean {
  if (value === unknown) return false;
  if (Array.isArray(value)) return value.every(isFullyKnown);
  if (typeof value === "object" && value !== null) return Object.values(value).every(isFullyKnown);
  return true;
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

/**
 * Whether Graph would see the desired subscription as a duplicate of the stored one: the same resource and
 * changeType for the same app in the same tenant (another app or tenant never conflicts).
 */
export function sameTarget(state: SubscriptionState, desired: Partial<SubscriptionInputs>, context: CompareContext = {}): boolean {
  // Not known yet (preview): assume the same target, which is what the update will most likely find.
  if (typeof desired.resource !== "string" || typeof desired.changeType !== "string") return true;
  if (desired.resource === unknown || desired.changeType === unknown || !isFullyKnown(desired.connection)) return true;
  return (
    resourceIdentity(state.resource) === resourceIdentity(desired.resource) &&
    state.changeType === desired.changeType &&
    reachedBy(state.connection, context) === reachedBy(desired.connection, context)
  );
}
