import { itemMarkFor } from "../ownership";
import { secretInputNames } from "../subscription/inputs";

/**
 * How a SubscriptionSet's state holds its subscriptions, and how each one is seen as a Subscription so that the
 * Subscription's own operations (check, diff, create, read, update, delete) run on it unchanged.
 *
 * The set stores its inputs once, secrets included (clientState and the connection's secret, kept secret by the
 * fronts as top-level properties), and per subscription only the Subscription state without them: `items`,
 * keyed by resource path. `subscriptionIds` is the same map reduced to Graph's ids, for programs to read.
 *
 * What every subscription's state has alike (the shared inputs as stored, Graph's applicationId, the rule, the
 * state version) is kept once, in `itemDefaults`, and each item keeps its id and what is its own: the owner mark
 * and the expiries. The engine handles, compares and writes every property of the state at every step, so 17
 * properties per subscription made a set of 5,000 a state of 85,000 properties and 4.3 MB; a compact item has
 * about 5. An item stored so says `stateVersion: 2`, which a release that stored items whole refuses as state from
 * a newer release (state.ts) rather than reading the defaults as missing.
 */
export interface SetState extends Record<string, unknown> {
  resources: string[];
  itemDefaults: Record<string, unknown>;
  items: Record<string, StoredItem>;
  subscriptionIds: Record<string, string>;
}

/** An item as the state holds it: whole (sets stored before `itemDefaults`), or compact. */
type StoredItem = Record<string, unknown> & { id: string };

/** The stateVersion of a compact item: what it has in common with the others is in `itemDefaults`. */
export const compactItemVersion = 2;

/** One subscription's state in the set: the Subscription state with its id, without the shared secrets. */
export type ItemState = Record<string, unknown> & { id: string; resource: string };

/** The set's own properties, which no single subscription has. */
const setOnly = ["__provider", "resources", "itemDefaults", "items", "subscriptionIds"] as const;
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

/** The set's state: its inputs, its subscriptions in the order of `resources` (compact), and their ids. */
export function setState(inputs: Record<string, unknown>, items: Map<string, ItemState>): SetState {
  const resources = [...items.keys()];
  const itemDefaults = commonFields([...items.values()]);
  return {
    ...sharedInputs(inputs),
    resources,
    itemDefaults,
    items: Object.fromEntries(resources.map((resource) => [resource, compact(items.get(resource)!, itemDefaults)])),
    subscriptionIds: Object.fromEntries(resources.map((resource) => [resource, items.get(resource)!.id])),
  };
}

/** Each subscription's state whole, keyed by resource path, from compact items or from whole ones. */
export function itemsOf(state: Record<string, unknown>): Map<string, ItemState> {
  const items = (state.items ?? {}) as Record<string, StoredItem>;
  const defaults = (state.itemDefaults ?? {}) as Record<string, unknown>;
  return new Map(
    Object.entries(items).map(([resource, stored]): [string, ItemState] => {
      if (stored.stateVersion !== compactItemVersion) return [resource, stored as ItemState];
      const { stateVersion: _layout, ...own } = stored;
      return [resource, { ...defaults, ...own, resource }];
    }),
  );
}

/** The fields (but the path and the id) that every item has, with the same value. */
function commonFields(items: ItemState[]): Record<string, unknown> {
  const [first, ...rest] = items;
  if (!first) return {};
  const { id: _id, resource: _resource, ...candidates } = first;
  return Object.fromEntries(Object.entries(candidates).filter(([name, value]) => rest.every((item) => storedAlike(item[name], value))));
}

/** The item without what `defaults` holds, and without its path (the key it is stored under). */
function compact(item: ItemState, defaults: Record<string, unknown>): StoredItem {
  const own = Object.fromEntries(Object.entries(item).filter(([name, value]) => name !== "resource" && !(name in defaults && storedAlike(value, defaults[name]))));
  return { ...own, id: item.id, stateVersion: compactItemVersion };
}

/** Equal as stored: unlike compare.ts's sameValue, an absent field is not a null one, so the rebuilt item is exact. */
function storedAlike(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === "object" && a !== null && typeof b === "object" && b !== null && JSON.stringify(a) === JSON.stringify(b));
}
