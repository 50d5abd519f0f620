/**
 * Issue 3 §3, promise 7, through the real Pulumi CLI: changes Graph cannot PATCH replace the subscription.
 * When the replacement keeps the same resource and changeType, Graph would answer 409 to a second one, so
 * the old one is deleted first; otherwise the new one is created first, so notifications have no gap.
 */
import { describeRequests, expectExit, startWorld, type LogEntry, type SubscriptionSpecs, type World } from "./harness";

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const writesOf = (entries: LogEntry[]) => entries.filter((r) => r.method !== "GET");

it("7. paymentModel A -> B replaces (new id, old one deleted), deleting before creating; a clientState change too, with no 409", async () => {
  const stack = world.stack("payment-model");
  const specs = (paymentModel: string, clientState: string): SubscriptionSpecs => ({
    all: {
      resource: "teams/getAllMessages",
      changeType: "created,updated",
      notificationUrl: world.webhook("all-messages"),
      lifecycleNotificationUrl: world.webhook("lifecycle"),
      lifetimeMinutes: 50,
      paymentModel,
      clientState,
    },
  });
  expectExit(await stack.up(specs("A", "first-state")), 0);
  const { all: first } = await stack.stateIds();
  expect(world.admin.getSubscription(first)?.resource).toMatch(/model=A/);

  world.admin.clearRequestLog();
  expectExit(await stack.up(specs("B", "first-state")), 0);
  let writes = writesOf(world.subscriptionRequests());
  expect(describeRequests(writes)).toEqual([`DELETE /v1.0/subscriptions/${first} -> 204`, "POST /v1.0/subscriptions -> 201"]);
  const { all: second } = await stack.stateIds();
  expect(second).not.toBe(first);
  expect(world.admin.getSubscription(first)).toBeUndefined();
  expect(world.admin.getSubscription(second)?.resource).toMatch(/model=B/);

  world.admin.clearRequestLog();
  expectExit(await stack.up(specs("B", "second-state")), 0);
  writes = writesOf(world.subscriptionRequests());
  expect(describeRequests(writes)).toEqual([`DELETE /v1.0/subscriptions/${second} -> 204`, "POST /v1.0/subscriptions -> 201"]);
  expect(world.admin.requestLog().filter((r) => r.status === 409)).toEqual([]);
  const { all: third } = await stack.stateIds();
  expect(third).not.toBe(second);
  expect(world.admin.listSubscriptions().map((s) => [s.id, s.clientState])).toEqual([[third, "second-state"]]);

  expectExit(await stack.destroy(), 0);
});

it("7. a replacement that watches a different resource creates the new subscription before deleting the old one", async () => {
  const stack = world.stack("create-first");
  const specs = (resource: string): SubscriptionSpecs => ({
    directory: { resource, changeType: "updated,deleted", notificationUrl: world.webhook("directory") },
  });
  expectExit(await stack.up(specs("groups")), 0);
  const { directory: first } = await stack.stateIds();

  world.admin.clearRequestLog();
  expectExit(await stack.up(specs("users")), 0);
  const writes = writesOf(world.subscriptionRequests());
  expect(describeRequests(writes)).toEqual(["POST /v1.0/subscriptions -> 201", `DELETE /v1.0/subscriptions/${first} -> 204`]);
  const { directory: second } = await stack.stateIds();
  expect(world.admin.listSubscriptions().map((s) => [s.id, s.resource])).toEqual([[second, "users"]]);

  expectExit(await stack.destroy(), 0);
});
