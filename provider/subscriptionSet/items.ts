import { itemMarkFor } from "../ownership";
import { secretInputNames } from "../subscription/inputs";

/**
 * How a SubscriptionSet's state holds its subscriptions, and how each one is seen as a Subscription so that the
 * Subscription's own operations (check, diff, create, read, update, delete) run on it unchanged.
 *
 * The set stores its inputs once, secrets included (clientState and the connection's secret, kept secret by the
 * fronts as top-level properties), and per subscription only the Subscription state without them: `items`,
 * keyed by resource path. `subscriptionIds` is the same map reduced to Graph's ids, for programs to read.
 */
export interface SetState extends Record<string, unknown> {
  resources: string[];
  items: Record<string, ItemState>;
  subscriptionIds: Record<string, string>;
}

/** One subscription's state in the set: the Subscription state with its id, without the shared secrets. */
export type ItemState = Record<string, unknown> & { id: string; resource: string };

/** The set's own properties, which no single subscription has. */
const setOnly = ["__provider", "resources", "items", "subscriptionIds"] as const;
/** Kept once for the whole set, never per subscription: secrets must stay top-level to stay secret. */
const sharedOnly: readonly string[] = [...secretInputNames, "connection"];

/** The inputs every subscription of the set shares. */
export function sharedInputs(set: Record<string, unknown>): Record<string, unknown> {
  const shared = { ...set };
  for (const name of setOnly) delete shared[name];
  return shared;
}

/** One subscription's inputs, as a Subscription resource of the set's inputs with this resource would have them. */
export function itemInputs(set: Record<string, unknown>, resource: string): Record<string, unknown> {
  const shared = sharedInputs(set);
  const mark = typeof shared.ownerMark === "string" ? itemMarkFor(shared.ownerMark, resource) : undefined;
  return { ...shared, resource, ...(mark ? { ownerMark: mark } : {}) };
}

/** One subscription's stored state, as the Subscription's operations read it: the shared inputs under its own. */
export function itemProps(set: Record<string, unknown>, item: ItemState): Record<string, unknown> {
  const { id: _id, ...own } = item;
  return { ...sharedInputs(set), ...own };
}

/** What the set keeps of one subscription's state. */
export function storedItem(id: string, state: Record<string, unknown>): ItemState {
  const { __provider: _provider, ...rest } = state;
  for (const name of sharedOnly) delete rest[name];
  return { ...rest, id, resource: String(state.resource) };
}

/** The set's state: its inputs, its subscriptions in the order of `resources`, and their ids. */
export function setState(inputs: Record<string, unknown>, items: Map<string, ItemState>): SetState {
  const resources = [...items.keys()];
  const ordered = Object.fromEntries(resources.map((resource) => [resource, items.get(resource)!]));
  return {
    ...sharedInputs(inputs),
    resources,
    items: ordered,
    subscriptionIds: Object.fromEntries(resources.map((resource) => [resource, items.get(resource)!.id])),
  };
}

export function itemsOf(state: Record<string, unknown>): Map<string, ItemState> {
  const items = (state.items ?? {}) as Record<string, ItemState>;
  return new Map(Object.entries(items));
}
