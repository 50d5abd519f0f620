import { compactItemVersion, itemProps, itemsOf, setState, type ItemState } from "../../provider/subscriptionSet/items";
import { parseState, stateVersion } from "../../provider/subscription/state";

/** A set's inputs as check leaves them, and its subscriptions' states as create, update and read return them. */
const inputs = { resources: ["users/a/messages", "users/b/messages"], changeType: "created", notificationUrl: "https://hooks.contoso.com/mail", lifetimeMinutes: 600, renewBeforeMinutes: 300, ownerMark: "1234567" };

const item = (resource: string, id: string, expiry: string, extra: Record<string, unknown> = {}): ItemState => ({
  resource,
  changeType: "created",
  notificationUrl: "https://hooks.contoso.com/mail",
  lifetimeMinutes: 600,
  renewBeforeMinutes: 300,
  ownerMark: `mark-${id}`,
  expirationDateTime: expiry,
  lastWrittenExpirationDateTime: expiry,
  graphApiVersion: "v1.0",
  ruleId: "v1.0/message/users/{id}/messages",
  stateVersion,
  applicationId: "a1b2c3d4-0e5f-4a6b-8c7d-e0a1a7014e01",
  creatorId: "41436ce4-2f47-4829-8027-bd5861068617",
  includeResourceData: false,
  id,
  ...extra,
});

const sets: Array<[string, ItemState[]]> = [
  ["two subscriptions that differ only in path, id, mark and expiry", [item("users/a/messages", "1", "2026-12-08T06:00:00.1234567Z"), item("users/b/messages", "2", "2026-12-08T06:00:01.7654321Z")]],
  ["one renewed since (lastPatchedDateTime only on it)", [item("users/a/messages", "1", "2026-12-08T06:00:00Z", { lastPatchedDateTime: "2026-12-07T20:00:00Z" }), item("users/b/messages", "2", "2026-12-08T06:00:01Z")]],
  ["one on another rule and API version", [item("users/a/messages", "1", "2026-12-08T06:00:00Z"), item("users/b/messages", "2", "2026-12-08T06:00:01Z", { graphApiVersion: "beta", ruleId: "beta/message/users/{id}/messages" })]],
  ["a single subscription", [item("users/a/messages", "1", "2026-12-08T06:00:00Z")]],
];

describe("a SubscriptionSet's stored items", () => {
  it.each(sets)("reads back each subscription's whole state: %s", (_name, items) => {
    const stored = setState(inputs, new Map(items.map((i) => [i.resource, i])));
    const read = itemsOf(JSON.parse(JSON.stringify(stored)));
    expect([...read.keys()]).toEqual(items.map((i) => i.resource));
    for (const original of items) expect(read.get(original.resource)).toEqual(original);
  });

  it("keeps once what every subscription has alike, so each stores its id and its own values only", () => {
    const [a, b] = sets[0]![1];
    const stored = setState(inputs, new Map([a!, b!].map((i) => [i.resource, i])));
    expect(stored.itemDefaults).toMatchObject({ applicationId: a!.applicationId, ruleId: a!.ruleId, stateVersion, notificationUrl: a!.notificationUrl });
    expect(Object.keys(stored.items["users/a/messages"]!).sort()).toEqual(["expirationDateTime", "id", "lastWrittenExpirationDateTime", "ownerMark", "stateVersion"]);
    expect(JSON.stringify(stored.items).length).toBeLessThan(JSON.stringify([a, b]).length / 2);
  });

  it("reads a set stored before itemDefaults, whose items are whole", () => {
    const items = sets[1]![1];
    const old = { ...inputs, items: Object.fromEntries(items.map((i) => [i.resource, i])), subscriptionIds: { "users/a/messages": "1", "users/b/messages": "2" } };
    expect([...itemsOf(old).values()]).toEqual(items);
  });

  it("gives each subscription's state with the set's shared inputs, as the Subscription's operations read it", () => {
    const items = sets[0]![1];
    const stored = setState({ ...inputs, clientState: "s3cret-state" }, new Map(items.map((i) => [i.resource, i])));
    const a = itemsOf(stored).get("users/a/messages")!;
    const props = itemProps(stored, a);
    expect(props).toMatchObject({ clientState: "s3cret-state", resource: "users/a/messages", expirationDateTime: "2026-12-08T06:00:00.1234567Z" });
    expect(props).not.toHaveProperty("itemDefaults");
    expect(parseState(props, "v1.0").stateVersion).toBe(stateVersion);
  });

  it("marks a compact item with a state version that a release storing items whole refuses, instead of reading it short", () => {
    const items = sets[0]![1];
    const stored = setState(inputs, new Map(items.map((i) => [i.resource, i])));
    const compactItem = stored.items["users/a/messages"]!;
    expect(compactItem.stateVersion).toBe(compactItemVersion);
    // What such a release does: the shared inputs under the item as stored, then parseState.
    const { itemDefaults: _defaults, items: _items, resources: _resources, subscriptionIds: _ids, ...shared } = stored;
    expect(() => parseState({ ...shared, ...compactItem }, "v1.0")).toThrow(/written by a newer pulumi-msgraph-subscriptions/);
  });
});
