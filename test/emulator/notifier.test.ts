import { graphLimits } from "../../provider/limits";
import { call, messagesSubscription, minutesFromNow, type Harness, withHarnessAndToken } from "./support";

/**
 * The emulator as a sender of notifications: change notifications on request, lifecycle notifications on
 * request, on a clock move into the expiry window and on removal behind the app's back, each shaped as
 * Graph's pages show, and delivered to the real webhook receiver.
 */
describe("the emulator's notifications", () => {
  let harness: Harness;
  let token: string;
  withHarnessAndToken((started, issued) => {
    harness = started;
    token = issued;
  });

  const lifecycleUrl = () => `${harness.receiver.url}/lifecycle`;
  async function create(overrides: Record<string, unknown> = {}): Promise<string> {
    const created = await call(harness.emulator, "POST", "/v1.0/subscriptions", {
      token,
      body: messagesSubscription(harness, { lifecycleNotificationUrl: lifecycleUrl(), ...overrides }),
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }
  /** What the receiver got for one subscription, oldest first: the items of each posted collection. */
  const receivedFor = (id: string) =>
    harness.receiver.notifications.flatMap((notification) =>
      ((notification.body as { value?: Array<Record<string, unknown>> }).value ?? [])
        .filter((item) => item.subscriptionId === id)
        .map((item) => ({ path: notification.path, item })),
    );
  const admin = (method: string, path: string, body?: unknown) => call(harness.emulator, method, `/_emulator${path}`, { body });

  test("posts a change notification shaped as the webhook delivery page's example, and reports the receiver's 202", async () => {
    const id = await create();
    const answer = await admin("POST", `/subscriptions/${id}/notify`, { changeType: "updated", itemId: "AAMkAD1" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ kind: "change", subscriptionId: id, event: "updated", url: harness.webhook, status: 202 });
    const subscription = harness.emulator.admin.getSubscription(id)!;
    expect(receivedFor(id)).toEqual([{
      path: "/notifications",
      item: {
        id: expect.any(String),
        subscriptionId: id,
        subscriptionExpirationDateTime: subscription.expirationDateTime,
        clientState: "secret-client-state",
        changeType: "updated",
        resource: "users/alice@contoso.com/messages/AAMkAD1",
        tenantId: subscription.tenantId,
        resourceData: { "@odata.type": "#Microsoft.Graph.Message", "@odata.id": "users/alice@contoso.com/messages/AAMkAD1", id: "AAMkAD1" },
      },
    }]);
  });

  test.each(["reauthorizationRequired", "missed", "subscriptionRemoved"] as const)(
    "posts %s to the lifecycleNotificationUrl with exactly the lifecycle page's properties",
    async (lifecycleEvent) => {
      const id = await create();
      const before = harness.emulator.admin.getSubscription(id)!;
      const answer = await admin("POST", `/subscriptions/${id}/lifecycle`, { lifecycleEvent });
      expect(answer.body).toMatchObject({ kind: "lifecycle", event: lifecycleEvent, url: lifecycleUrl(), status: 202 });
      expect(receivedFor(id)).toEqual([{
        path: "/lifecycle",
        item: {
          subscriptionId: id,
          subscriptionExpirationDateTime: before.expirationDateTime,
          tenantId: before.tenantId,
          clientState: "secret-client-state",
          lifecycleEvent,
        },
      }]);
      // Graph sends subscriptionRemoved once it has removed the subscription.
      expect(harness.emulator.admin.getSubscription(id) === undefined).toBe(lifecycleEvent === "subscriptionRemoved");
    },
  );

  test(`sends reauthorizationRequired once per expiry when the clock moves within ${graphLimits.expiryWarningMinutes} minutes of it`, async () => {
    const id = await create({ expirationDateTime: minutesFromNow(harness.emulator, 300) });
    const events = () => receivedFor(id).map(({ item }) => item.lifecycleEvent);
    harness.emulator.admin.advanceClock(100); // 200 minutes left: outside the window
    await harness.emulator.admin.notificationsSettled();
    expect(events()).toEqual([]);
    harness.emulator.admin.advanceClock(30); // 170 left
    await harness.emulator.admin.notificationsSettled();
    expect(events()).toEqual(["reauthorizationRequired"]);
    harness.emulator.admin.advanceClock(10); // same expiry: warned already
    await harness.emulator.admin.notificationsSettled();
    expect(events()).toEqual(["reauthorizationRequired"]);

    const renewed = await call(harness.emulator, "PATCH", `/v1.0/subscriptions/${id}`, { token, body: { expirationDateTime: minutesFromNow(harness.emulator, 240) } });
    expect(renewed.status).toBe(200);
    harness.emulator.admin.advanceClock(70); // 170 left of the new expiry
    const deliveries = await harness.emulator.admin.notificationsSettled();
    expect(events()).toEqual(["reauthorizationRequired", "reauthorizationRequired"]);
    expect(deliveries.map((delivery) => [delivery.event, delivery.status])).toEqual([
      ["reauthorizationRequired", 202],
      ["reauthorizationRequired", 202],
    ]);
  });

  test.each([
    ["an Outlook message subscription gets subscriptionRemoved", { resource: "users/alice@contoso.com/messages", changeType: "created,updated" }, ["subscriptionRemoved"]],
    ["a directory subscription does not (the lifecycle page lists it for Outlook and Teams chat messages only)", { resource: "users", changeType: "updated" }, []],
  ])("on removal behind the app's back, %s", async (_title, overrides, expected) => {
    const id = await create(overrides);
    expect((await admin("DELETE", `/subscriptions/${id}`)).status).toBe(204);
    await harness.emulator.admin.notificationsSettled();
    expect(receivedFor(id).map(({ item }) => item.lifecycleEvent)).toEqual(expected);
  });

  test.each([
    ["a subscription without a lifecycleNotificationUrl", { lifecycleNotificationUrl: undefined }, { lifecycleEvent: "missed" }, /has no lifecycleNotificationUrl/],
    ["missed for a directory subscription", { resource: "users", changeType: "updated" }, { lifecycleEvent: "missed" }, /only for message, event, contact subscriptions, not user/],
    ["an event Graph does not have", {}, { lifecycleEvent: "expired" }, /lifecycleEvent must be one of reauthorizationRequired, subscriptionRemoved, missed/],
  ])("refuses a lifecycle notification Graph would not send: %s", async (_title, overrides, request, reason) => {
    const id = await create(overrides);
    const answer = await admin("POST", `/subscriptions/${id}/lifecycle`, request);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(reason);
    expect(harness.emulator.admin.getSubscription(id)).toBeDefined();
    expect(receivedFor(id)).toEqual([]);
  });

  test("refuses a change notification of a change type the subscription is not for", async () => {
    const id = await create();
    const answer = await admin("POST", `/subscriptions/${id}/notify`, { changeType: "deleted" });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/is for 'created,updated'; Graph sends no 'deleted' notifications/);
  });

  test("reports an endpoint that does not answer 2xx, and lists every delivery over HTTP", async () => {
    const id = await create();
    // Moved behind Graph's back, so no handshake stands in the way.
    harness.emulator.admin.updateSubscription(id, { notificationUrl: "https://localhost:1/nothing-listens" });
    const delivery = await harness.emulator.admin.sendChangeNotification(id);
    expect(delivery).toMatchObject({ status: null, error: expect.any(String) });
    const listed = await admin("GET", "/notifications");
    expect(listed.body.value).toEqual([expect.objectContaining({ subscriptionId: id, status: null })]);
  });
});
