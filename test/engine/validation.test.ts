/**
 * Issue 3 §3, promise 9, through the real Pulumi CLI: input that breaks Graph's documented rules fails at
 * preview with the rule's message naming the property, and nothing reaches Graph.
 */
import { expectExit, startWorld, type SubscriptionSpecs, type World } from "./harness";

let world: World;
beforeAll(async () => {
  // Presence subscriptions need delegated permissions: a signed-in user's token.
  world = await startWorld({ clients: [{ permissionType: "delegated-work" }] });
});
afterAll(async () => {
  await world?.close();
});

const presence = "communications/presences/7a3f9d52-1c4b-4f0e-9a8d-2b6c5e4f3a21";

it.each([
  ["lifetimeMinutes", { lifetimeMinutes: 120 }],
  ["expirationDateTime", { expirationDateTime: "in two hours" }],
])("9. a presence subscription for two hours (%s) fails preview with the rule message, and no request reaches the emulator", async (property, lifetime) => {
  const stack = world.stack(`invalid-${property}`, { config: { "msgraph:permissionType": "delegated-work" } });
  const twoHours = { ...lifetime } as Record<string, unknown>;
  if (twoHours.expirationDateTime) twoHours.expirationDateTime = new Date(world.admin.now().getTime() + 120 * 60_000).toISOString();
  const specs: SubscriptionSpecs = {
    presence: { resource: presence, changeType: "updated", notificationUrl: world.webhook("presence"), ...twoHours },
  };
  world.admin.clearRequestLog();
  const preview = await stack.preview(specs);
  expect(preview.code).not.toBe(0);
  expect(preview.code).not.toBe(7);
  // Pulumi prints check failures as "property <name> value <v> has a problem: <reason>".
  expect(preview.output).toMatch(new RegExp(`property ${property} value .* has a problem: .*60`));
  expect(world.admin.requestLog().map((r) => `${r.method} ${r.path}`)).toEqual([]);

  // up refuses the same way and creates nothing.
  const up = await stack.up(specs);
  expect(up.code).not.toBe(0);
  expect(up.output).toMatch(new RegExp(`property ${property}`));
  expect(world.admin.listSubscriptions()).toEqual([]);
  expect(world.subscriptionRequests()).toEqual([]);
});

it.each([
  ["written in the program", (value: string) => ({ plainClientState: value })],
  ["a secret from the stack's config", (value: string) => ({ clientState: value })],
])("a clientState too long for Graph (%s) fails preview naming clientState and its rule, and never prints the value", async (_title, given) => {
  const value = `cs-${"7Kq9".repeat(60)}`; // 243 characters; Graph v1.0 takes at most 128
  const stack = world.stack(`long-client-state-${_title.split(" ")[0]}`, { config: { "msgraph:permissionType": "delegated-work" } });
  const specs: SubscriptionSpecs = {
    mail: { resource: "me/messages", changeType: "created", notificationUrl: world.webhook("mail"), lifetimeMinutes: 60, ...given(value) },
  };
  world.admin.clearRequestLog();
  const preview = await stack.preview(specs);
  expect(preview.code).not.toBe(0);
  expect(preview.output).toMatch(/clientState.*243 characters; Graph v1\.0 accepts at most 128/);
  expect(preview.output).not.toContain(value.slice(0, 40));
  expect(world.subscriptionRequests()).toEqual([]);
});
