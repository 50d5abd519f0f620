/**
 * Issue 3 §3, promises 3 and 4, through the real Pulumi CLI: drift made behind Pulumi's back in the
 * emulator is reported by `preview --refresh --expect-no-changes` (exit 7) and repaired in place by
 * `up --refresh`; subscriptions deleted or expired out of band leave the state on refresh and come back
 * on the next up.
 */
import { describeRequests, expectExit, startWorld, type SubscriptionSpecs, type World } from "./harness";

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

it("3. an out-of-band notificationUrl change: preview --refresh --expect-no-changes exits 7 naming it; up --refresh restores it with one PATCH", async () => {
  const stack = world.stack("drift");
  const specs: SubscriptionSpecs = {
    watched: { resource: "groups", changeType: "updated,deleted", notificationUrl: world.webhook("groups"), clientState: "drift-1" },
    untouched: { resource: "users", changeType: "updated", notificationUrl: world.webhook("users") },
  };
  expectExit(await stack.up(specs), 0);
  const ids = await stack.stateIds();

  world.admin.updateSubscription(ids.watched, { notificationUrl: world.webhook("somewhere-else") });
  world.admin.clearRequestLog();
  const preview = await stack.preview(specs, { refresh: true, expectNoChanges: true, diff: true });
  expectExit(preview, 7);
  expect(preview.output).toMatch(/notificationUrl/);
  expect(preview.output).toMatch(/no changes were expected/);
  expect(world.subscriptionRequests().filter((r) => r.method !== "GET")).toEqual([]);
  expect(world.admin.getSubscription(ids.watched)?.notificationUrl).toBe(world.webhook("somewhere-else"));

  world.admin.clearRequestLog();
  expectExit(await stack.up(specs, { refresh: true }), 0);
  const writes = world.subscriptionRequests().filter((r) => r.method !== "GET");
  expect(describeRequests(writes)).toEqual([`PATCH /v1.0/subscriptions/${ids.watched} -> 200`]);
  expect(writes[0].requestBody).toEqual({ notificationUrl: world.webhook("groups") });
  expect(world.admin.getSubscription(ids.watched)?.notificationUrl).toBe(world.webhook("groups"));
  expect(await stack.stateIds()).toEqual(ids);

  expectExit(await stack.preview(specs, { refresh: true, expectNoChanges: true }), 0);
  expectExit(await stack.destroy(), 0);
});

it("4. subscriptions deleted or expired out of band leave the state on refresh; the next up recreates them", async () => {
  const stack = world.stack("vanished");
  const specs: SubscriptionSpecs = {
    deleted: { resource: "groups", changeType: "updated", notificationUrl: world.webhook("deleted") },
    expired: { resource: "users", changeType: "updated,deleted", notificationUrl: world.webhook("expired") },
    kept: { resource: "users/6b0e8c1d-2a3f-4e5d-9c7b-1a2b3c4d5e6f/messages", changeType: "created", notificationUrl: world.webhook("kept") },
  };
  expectExit(await stack.up(specs), 0);
  const ids = await stack.stateIds();
  expect(Object.keys(ids).sort()).toEqual(["deleted", "expired", "kept"]);

  expect(world.admin.deleteSubscription(ids.deleted)).toBe(true);
  expect(world.admin.expireSubscription(ids.expired)).toBe(true);
  world.admin.clearRequestLog();
  const refresh = await stack.refresh();
  expectExit(refresh, 0);
  expect(await stack.stateIds()).toEqual({ kept: ids.kept });
  expect(world.subscriptionRequests().filter((r) => r.method !== "GET")).toEqual([]);

  world.admin.clearRequestLog();
  expectExit(await stack.up(specs), 0);
  const writes = world.subscriptionRequests().filter((r) => r.method !== "GET");
  expect(describeRequests(writes)).toEqual(["POST /v1.0/subscriptions -> 201", "POST /v1.0/subscriptions -> 201"]);
  const after = await stack.stateIds();
  expect(after.kept).toBe(ids.kept);
  expect(after.deleted).not.toBe(ids.deleted);
  expect(after.expired).not.toBe(ids.expired);
  expect(world.admin.getSubscription(after.deleted)?.resource).toBe("groups");
  expect(world.admin.getSubscription(after.expired)?.resource).toBe("users");
  expect(world.admin.listSubscriptions().map((s) => s.id).sort()).toEqual(Object.values(after).sort());

  expectExit(await stack.destroy(), 0);
});
