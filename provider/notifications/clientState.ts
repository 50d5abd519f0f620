import { createHash, timingSafeEqual } from "node:crypto";

/**
 * The clientState check. Graph echoes each subscription's clientState in every notification, and the
 * webhook delivery page asks the app to drop notifications whose value does not match: they may come from
 * anyone who learnt the URL. The comparison must not tell such a sender, through its timing, how much of a
 * guess was right.
 */

/**
 * The clientState each subscription was created with: one secret for all of them, a map from subscription
 * id, or a function of the subscription id (which may look the value up, e.g. in a key vault).
 */
export type ExpectedClientState =
  | string
  | Readonly<Record<string, string>>
  | ReadonlyMap<string, string>
  | ((subscriptionId: string) => string | undefined | Promise<string | undefined>);

export async function expectedClientStateFor(expected: ExpectedClientState, subscriptionId: string): Promise<string | undefined> {
  if (typeof expected === "string") return expected;
  if (typeof expected === "function") return expected(subscriptionId);
  if (expected instanceof Map) return expected.get(subscriptionId);
  // Own keys only: an id such as "constructor" must not find Object.prototype's.
  const table = expected as Readonly<Record<string, string>>;
  return Object.prototype.hasOwnProperty.call(table, subscriptionId) ? table[subscriptionId] : undefined;
}

/**
 * Whether `received` is the expected clientState, in time that does not depend on where they differ or on
 * their lengths: timingSafeEqual needs equal lengths, so both sides are compared as SHA-256 digests.
 * Nothing expected (no clientState known for the subscription) never matches.
 */
export function clientStateMatches(expected: string | undefined, received: unknown): boolean {
  const candidate = typeof received === "string" ? received : "";
  const same = timingSafeEqual(digest(expected ?? ""), digest(candidate));
  return same && expected !== undefined && expected !== "" && typeof received === "string";
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Rejects option values that could never match, when the handler is made rather than at the first notification. */
export function checkExpectedClientState(expected: unknown): asserts expected is ExpectedClientState {
  const usable =
    (typeof expected === "string" && expected !== "") ||
    typeof expected === "function" ||
    expected instanceof Map ||
    (typeof expected === "object" && expected !== null && !Array.isArray(expected));
  if (!usable) {
    throw new TypeError(
      "lifecycleNotificationHandler: options.clientState must be the subscriptions' clientState (a non-empty string), " +
        "a map from subscription id to clientState, or a function of the subscription id; notifications cannot be verified without it",
    );
  }
}
