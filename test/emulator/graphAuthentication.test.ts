import { call, messagesSubscription, minutesFromNow, startHarness, tokenFor, type Harness } from "./support";
import { closeAll, serverHookTimeoutMs } from "../hooks";

describe("Graph's access-token and permission checks", () => {
  let harness: Harness;
  let other: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      clients: [
        {},
        { permissionType: "application", permissions: ["User.Read.All"] },
        { permissionType: "delegated-work", permissions: ["Mail.Read", "Presence.Read.All"] },
        { permissionType: "delegated-personal", permissions: ["Mail.Read", "Presence.Read.All"] },
      ],
    });
    other = await startHarness();
  }, serverHookTimeoutMs);
  afterAll(() => closeAll(harness, other), serverHookTimeoutMs);

  const twoHoursAgo = () => new Date(Date.now() - 2 * 60 * 60_000);
  test.each([
    ["no token", () => undefined, "Access token is empty."],
    ["a malformed token", () => "not-a-jwt", /not well formed/],
    ["a token signed by another emulator", () => other.emulator.admin.issueAccessToken(), /Invalid signature/],
    ["an expired token", () => harness.emulator.admin.issueAccessToken({ issuedAt: twoHoursAgo() }), /token is expired/],
    ["a token for another audience", () => harness.emulator.admin.issueAccessToken({ audience: "https://example.invalid" }), /Invalid audience/],
  ])("answers 401 InvalidAuthenticationToken for %s", async (_case, token, message) => {
    const { status, body, headers } = await call(harness.emulator, "GET", "/v1.0/subscriptions", { token: await token() });
    expect(status).toBe(401);
    expect(body.error.code).toBe("InvalidAuthenticationToken");
    expect(body.error.message).toMatch(message);
    expect(body.error.innerError["request-id"]).toBe(headers.get("request-id"));
    expect(headers.get("www-authenticate")).toMatch(/^Bearer /);
  });

  test.each([
    ["the global Graph audience", "https://graph.microsoft.com"],
    ["Graph's application id", "00000003-0000-0000-c000-000000000000"],
  ])("refuses a token for %s: it is meant for real Graph, not the emulator", async (_case, audience) => {
    const token = await harness.emulator.admin.issueAccessToken({ audience });
    const { status, body } = await call(harness.emulator, "GET", "/v1.0/subscriptions", { token });
    expect(status).toBe(401);
    expect(body.error).toMatchObject({ code: "InvalidAuthenticationToken", message: expect.stringMatching(/Invalid audience/) });
  });

  test.each([
    ["localhost", (url: string) => url],
    ["127.0.0.1", (url: string) => url.replace("localhost", "127.0.0.1")],
  ])("accepts a token for its own origin as %s", async (_case, audience) => {
    const token = await harness.emulator.admin.issueAccessToken({ audience: audience(harness.emulator.url) });
    expect((await call(harness.emulator, "GET", "/v1.0/subscriptions", { token })).status).toBe(200);
  });

  test("answers 403 when the token lacks every permission the resource accepts", async () => {
    const token = await tokenFor(harness.emulator, harness.emulator.clients[1]);
    const { status, body } = await call(harness.emulator, "POST", "/v1.0/subscriptions", { token, body: messagesSubscription(harness) });
    expect(status).toBe(403);
    expect(body.error.code).toBe("Forbidden");
    expect(body.error.message).toContain("Mail.Read");
    expect(body.error.message).not.toContain("secret-client-state");
  });

  test("answers 403 when the resource does not support the permission type", async () => {
    const token = await tokenFor(harness.emulator, harness.emulator.clients[3]);
    const { status, body } = await call(harness.emulator, "POST", "/v1.0/subscriptions", {
      token,
      body: messagesSubscription(harness, { resource: "communications/presences/some-user-id", changeType: "updated", expirationDateTime: minutesFromNow(harness.emulator, 50) }),
    });
    expect(status).toBe(403);
    expect(body.error.message).toMatch(/delegated-personal/);
  });

  test("refuses me/ with an application token", async () => {
    const token = await tokenFor(harness.emulator);
    const { status, body } = await call(harness.emulator, "POST", "/v1.0/subscriptions", {
      token,
      body: messagesSubscription(harness, { resource: "me/messages" }),
    });
    expect(status).toBe(400);
    expect(body.error.message).toBe("/me request is only valid with delegated authentication flow.");
  });

  test("accepts me/ with a delegated token and records the user as creator", async () => {
    const client = harness.emulator.clients[2];
    const token = await tokenFor(harness.emulator, client);
    const { status, body } = await call(harness.emulator, "POST", "/v1.0/subscriptions", {
      token,
      body: messagesSubscription(harness, { resource: "me/mailFolders('Inbox')/messages" }),
    });
    expect(status).toBe(201);
    expect(body.creatorId).toBe(client.objectId);
    expect(body.applicationId).toBe(client.clientId);
  });
});
