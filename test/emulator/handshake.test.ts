import { call, messagesSubscription, startHarness, tokenFor, type Harness } from "./support";
import { closeAll, serverHookTimeoutMs } from "../hooks";

describe("the notification endpoint validation handshake", () => {
  let harness: Harness;
  let token: string;
  beforeAll(async () => {
    harness = await startHarness({ validationTimeoutMs: 1000 });
    token = await tokenFor(harness.emulator);
  }, serverHookTimeoutMs);
  afterAll(() => closeAll(harness), serverHookTimeoutMs);
  afterEach(() => harness.emulator.admin.reset());

  const create = (overrides: Record<string, unknown>) =>
    call(harness.emulator, "POST", "/v1.0/subscriptions", { token, body: messagesSubscription(harness, overrides) });

  test("sends an opaque token that needs URL-decoding, and creates on an exact echo", async () => {
    const before = harness.receiver.validations.length;
    const { status } = await create({ notificationUrl: `${harness.receiver.url}/hooks?tenant=contoso` });
    expect(status).toBe(201);
    const validations = harness.receiver.validations.slice(before);
    expect(validations).toHaveLength(1);
    const [validation] = validations;
    expect(validation.path).toBe("/hooks");
    expect(validation.token).toMatch(/^Validation: Testing client application reachability for subscription Request-Id: /);
    // Graph's handshake: a POST with a text/plain body type and the token URL-encoded in the query.
    expect(validation.method).toBe("POST");
    expect(validation.contentType).toBe("text/plain; charset=utf-8");
    const rawToken = /[?&]validationToken=([^&]*)/.exec(validation.rawQuery)?.[1];
    expect(rawToken).toMatch(/^[A-Za-z0-9%+._~*-]+$/);
    expect(rawToken).not.toBe(validation.token);
    expect(decodeURIComponent(rawToken!.replace(/\+/g, " "))).toBe(validation.token);
    expect(validation.rawQuery.startsWith("?tenant=contoso&")).toBe(true);
  });

  test.each([
    ["answers 500", "/reject", "ValidationError", "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request."],
    ["echoes another body", "/wrong-token", "ValidationError", "Subscription validation request failed. Response must exactly match validationToken query parameter."],
    ["echoes the token still URL-encoded", "/encoded-token", "ValidationError", "Subscription validation request failed. Response must exactly match validationToken query parameter."],
    ["answers with another content type", "/wrong-content-type", "ValidationError", "Subscription validation request failed. Response must exactly match validationToken query parameter."],
    ["answers after the timeout", "/slow", "InvalidRequest", "Subscription validation request timed out."],
  ])("refuses with 400 when the endpoint %s", async (_case, path, code, message) => {
    const { status, body } = await create({ notificationUrl: `${harness.receiver.url}${path}` });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code, message });
    expect(harness.emulator.admin.listSubscriptions()).toEqual([]);
  });

  test("refuses when nothing listens at the endpoint", async () => {
    const { status, body } = await create({ notificationUrl: "https://localhost:1/nothing" });
    expect(status).toBe(400);
    expect(body.error.code).toBe("ValidationError");
  });

  test("validates lifecycleNotificationUrl too", async () => {
    const { status, body } = await create({ lifecycleNotificationUrl: `${harness.receiver.url}/reject` });
    expect(status).toBe(400);
    expect(body.error.code).toBe("ValidationError");
  });

  test("never calls a host off this machine", async () => {
    const { status, body } = await create({ notificationUrl: "https://example.com/hooks" });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/loopback/);
  });

  test.each([
    ["EventHub", "EventHub:https://myvault.vault.azure.net/secrets/hub?tenantId=contoso.com"],
    ["EventGrid", "EventGrid:?azuresubscriptionid=sub&resourcegroup=rg&partnertopic=topic&location=westus"],
  ])("skips the handshake for %s addresses", async (_case, notificationUrl) => {
    const before = harness.receiver.validations.length;
    const { status, body } = await create({ notificationUrl });
    expect(status).toBe(201);
    expect(body.notificationUrl).toBe(notificationUrl);
    expect(harness.receiver.validations.length).toBe(before);
  });
});
