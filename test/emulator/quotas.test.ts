import { subscriptionQuotas } from "../../provider/limits";
import { ruleTable } from "../../provider/rules/ruleTable";
import { GraphError } from "../../emulator/graphErrors";
import { Quotas, type QuotaSubject } from "../../emulator/quotas";
import { call, messagesSubscription, minutesFromNow, startHarness, tokenFor, type Harness } from "./support";
import { closeAll, serverHookTimeoutMs } from "../hooks";

const subject = (resource: string, resourceType: string, overrides: Partial<QuotaSubject> = {}): QuotaSubject => ({
  tenantId: "tenant-a",
  applicationId: "app-a",
  creatorId: "user-object-id",
  resource,
  resourceType,
  ...overrides,
});

/** The quota that refuses `candidate` next to `live`, or undefined when it is allowed. */
function refusedBy(quotas: Quotas, candidate: QuotaSubject, live: QuotaSubject[]): string | undefined {
  try {
    quotas.check(candidate, live);
    return undefined;
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    return /quota '([^']+)'/.exec(error.message)?.[1];
  }
}

describe("subscription quotas", () => {
  test("every quota names resource types the rule table has, a positive limit and its source", () => {
    const known = new Set(ruleTable.map((rule) => rule.resourceType));
    for (const quota of subscriptionQuotas) {
      expect(quota.resourceTypes.filter((type) => !known.has(type))).toEqual([]);
      expect(quota.limit).toBeGreaterThan(0);
      expect(quota.source).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    }
    expect(new Set(subscriptionQuotas.map((quota) => quota.id)).size).toBe(subscriptionQuotas.length);
  });

  test.each([
    ["two directory subscriptions of one app, at a limit of 2", { "directory-per-app-tenant": 2 }, subject("users/u3", "user"), [subject("users/u1", "user"), subject("groups/g1", "group")], "directory-per-app-tenant"],
    ["another app's directory subscriptions", { "directory-per-app-tenant": 2 }, subject("users/u3", "user"), [subject("users/u1", "user", { applicationId: "app-b" }), subject("groups/g1", "group", { applicationId: "app-b" })], undefined],
    ["every app's directory subscriptions in the tenant", { "directory-per-tenant": 2 }, subject("users/u3", "user"), [subject("users/u1", "user", { applicationId: "app-b" }), subject("groups/g1", "group", { applicationId: "app-c" })], "directory-per-tenant"],
    ["another tenant's directory subscriptions", { "directory-per-tenant": 1 }, subject("users/u3", "user"), [subject("users/u1", "user", { tenantId: "tenant-b" })], undefined],
    ["a mailbox named as me/ and as users/{id}/", { "outlook-per-mailbox": 1 }, subject("me/events", "event"), [subject("users/USER-OBJECT-ID/messages", "message", { applicationId: "app-b" })], "outlook-per-mailbox"],
    ["a mailbox named with key syntax", { "outlook-per-mailbox": 1 }, subject("users('alice@contoso.com')/contacts", "contact"), [subject("users/alice@contoso.com/messages", "message")], "outlook-per-mailbox"],
    ["another mailbox", { "outlook-per-mailbox": 1 }, subject("users/bob@contoso.com/messages", "message"), [subject("users/alice@contoso.com/messages", "message")], undefined],
    ["a second subscription of one app to a chat", {}, subject("chats/19:a@thread.v2", "chat"), [subject("chats/19:a@thread.v2", "chat")], "chat-per-app-chat"],
    ["another app's subscription to the chat", {}, subject("chats/19:a@thread.v2", "chat"), [subject("chats/19:a@thread.v2", "chat", { applicationId: "app-b" })], undefined],
    ["a chat subscription beside one to the chat's messages", {}, subject("chats/19:a@thread.v2", "chat"), [subject("chats/19:a@thread.v2/messages", "chatMessage")], undefined],
    ["a second subscription to one channel's messages", {}, subject("teams/t1/channels/c1/messages", "chatMessage"), [subject("teams/t1/channels/c1/messages?$filter=x", "chatMessage")], "chatMessage-per-app-channel"],
    ["a second subscription to one team's members", {}, subject("teams/t1/channels/getAllMembers", "conversationMember"), [subject("teams/t1/members", "conversationMember")], "conversationMember-per-app-team"],
    ["tenant-wide Teams paths, which name no one chat, channel or team", {}, subject("chats/getAllMessages", "chatMessage"), [subject("chats/getAllMessages?model=B", "chatMessage")], undefined],
    ["the Teams organization's shared allowance", { "teams-per-organization": 2 }, subject("teams/t2", "team"), [subject("chats/c1", "chat", { applicationId: "app-b" }), subject("communications/onlineMeetings/getAllRecordings", "callRecording")], "teams-per-organization"],
    ["resources without a documented quota", { "directory-per-tenant": 0 }, subject("sites/s1/lists/l1", "list"), [subject("sites/s1/lists/l1", "list")], undefined],
  ])("counts %s", (_name, limits: Record<string, number>, candidate: QuotaSubject, live: QuotaSubject[], expected) => {
    expect(refusedBy(new Quotas(limits), candidate, live)).toBe(expected);
  });

  test("names the quotas when asked to change one it does not have", () => {
    expect(() => new Quotas({ "per-app-everything": 1 })).toThrow(/^no quota 'per-app-everything'; the quotas are directory-per-app-tenant, /);
  });

  describe("in the emulator", () => {
    let harness: Harness;
    let token: string;
    beforeAll(async () => {
      harness = await startHarness({ quotas: { "directory-per-app-tenant": 2 } });
      token = await tokenFor(harness.emulator);
    }, serverHookTimeoutMs);
    afterAll(() => closeAll(harness), serverHookTimeoutMs);
    afterEach(() => harness.emulator.admin.reset());

    const create = (overrides: Record<string, unknown>) =>
      call(harness.emulator, "POST", "/v1.0/subscriptions", { token, body: messagesSubscription(harness, overrides) });

    test("refuses the subscription over a quota with 403 naming the limit, and takes it once a DELETE frees a slot", async () => {
      const { emulator } = harness;
      const first = await create({ resource: "users/u1", changeType: "updated" });
      expect(first.status).toBe(201);
      expect((await create({ resource: "groups/g1", changeType: "updated" })).status).toBe(201);

      const refused = await create({ resource: "users/u2", changeType: "updated" });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({
        code: "Forbidden",
        message: "Maximum number of subscriptions has been reached: 2 user and group subscriptions per app and tenant (quota 'directory-per-app-tenant').",
      });
      expect(emulator.admin.listSubscriptions()).toHaveLength(2);

      expect((await call(emulator, "DELETE", `/v1.0/subscriptions/${first.body.id}`, { token })).status).toBe(204);
      expect((await create({ resource: "users/u2", changeType: "updated" })).status).toBe(201);
    });

    test("frees a slot when a subscription expires", async () => {
      const { emulator } = harness;
      await create({ resource: "users/u1", changeType: "updated", expirationDateTime: minutesFromNow(emulator, 50) });
      await create({ resource: "users/u2", changeType: "updated", expirationDateTime: minutesFromNow(emulator, 500) });
      expect((await create({ resource: "users/u3", changeType: "updated" })).status).toBe(403);
      emulator.admin.advanceClock(51);
      expect((await create({ resource: "users/u3", changeType: "updated" })).status).toBe(201);
    });

    test("allows one subscription per app and chat, where the duplicate rule would allow another change type", async () => {
      const chat = { resource: "chats/19:meeting@thread.v2", expirationDateTime: minutesFromNow(harness.emulator, 50) };
      expect((await create({ ...chat, changeType: "updated" })).status).toBe(201);
      const second = await create({ ...chat, changeType: "created" });
      expect(second.status).toBe(403);
      expect(second.body.error.message).toBe(
        "Maximum number of subscriptions has been reached: 1 chat subscription per app and chat (quota 'chat-per-app-chat').",
      );
    });

    test("lowers a quota over the admin API, and reset restores the start-up limits", async () => {
      const { emulator } = harness;
      const lowered = await call(emulator, "PUT", "/_emulator/quotas", { body: { "outlook-per-mailbox": 1 } });
      expect(lowered.body.value).toContainEqual(expect.objectContaining({ id: "outlook-per-mailbox", limit: 1, documentedLimit: 1000 }));
      expect((await create({ changeType: "created" })).status).toBe(201);
      expect((await create({ changeType: "updated" })).status).toBe(403);
      expect((await create({ resource: "users/bob@contoso.com/messages" })).status).toBe(201);

      emulator.admin.reset();
      const limits = Object.fromEntries(emulator.admin.listQuotas().map((quota) => [quota.id, quota.limit]));
      expect(limits).toMatchObject({ "outlook-per-mailbox": 1000, "directory-per-app-tenant": 2 });
      expect((await call(emulator, "PUT", "/_emulator/quotas", { body: { "outlook-per-mailbox": -1 } })).status).toBe(400);
    });
  });
});
