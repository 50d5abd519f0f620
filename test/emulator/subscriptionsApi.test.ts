import { call, messagesSubscription, minutesFromNow, startHarness, tokenFor, type Harness } from "./support";

const sevenDigitDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

describe("the subscriptions API", () => {
  let harness: Harness;
  let token: string;
  beforeAll(async () => {
    harness = await startHarness();
    token = await tokenFor(harness.emulator);
  });
  afterAll(() => harness.close());
  afterEach(() => harness.emulator.admin.reset());

  const create = (overrides: Record<string, unknown> = {}, version = "v1.0") =>
    call(harness.emulator, "POST", `/${version}/subscriptions`, { token, body: messagesSubscription(harness, overrides) });

  test("creates a subscription with 201 and Graph's shape", async () => {
    const { emulator } = harness;
    const expiration = minutesFromNow(emulator, 120);
    const { status, body, headers } = await create({ expirationDateTime: expiration });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      "@odata.context": `${emulator.url}/v1.0/$metadata#subscriptions/$entity`,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      resource: "users/alice@contoso.com/messages",
      changeType: "created,updated",
      clientState: "secret-client-state",
      notificationUrl: harness.webhook,
      lifecycleNotificationUrl: null,
      applicationId: emulator.clients[0].clientId,
      creatorId: emulator.clients[0].objectId,
      includeResourceData: false,
      latestSupportedTlsVersion: "v1_2",
      notificationContentType: "application/json",
      encryptionCertificate: null,
      encryptionCertificateId: null,
    });
    expect(body.expirationDateTime).toMatch(sevenDigitDate);
    expect(Date.parse(body.expirationDateTime)).toBe(Date.parse(expiration));
    expect(headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(harness.receiver.validations.at(-1)?.path).toBe("/notifications");
  });

  test("gets, lists (without clientState), renews, reauthorizes and deletes", async () => {
    const { emulator } = harness;
    const { body: created } = await create();
    const path = `/v1.0/subscriptions/${created.id}`;

    const got = await call(emulator, "GET", path, { token });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: created.id, clientState: "secret-client-state" });

    const list = await call(emulator, "GET", "/v1.0/subscriptions", { token });
    expect(list.status).toBe(200);
    expect(list.body["@odata.context"]).toBe(`${emulator.url}/v1.0/$metadata#subscriptions`);
    expect(list.body.value).toEqual([expect.objectContaining({ id: created.id, clientState: null })]);

    const renewed = minutesFromNow(emulator, 600);
    const patched = await call(emulator, "PATCH", path, { token, body: { expirationDateTime: renewed } });
    expect(patched.status).toBe(200);
    expect(Date.parse(patched.body.expirationDateTime)).toBe(Date.parse(renewed));

    const reauthorized = await call(emulator, "POST", `${path}/reauthorize`, { token });
    expect(reauthorized.status).toBe(204);
    expect(emulator.admin.getSubscription(created.id)?.lastReauthorizedDateTime).toMatch(sevenDigitDate);

    expect((await call(emulator, "DELETE", path, { token })).status).toBe(204);
    const gone = await call(emulator, "GET", path, { token });
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({ code: "ResourceNotFound", innerError: { "request-id": expect.any(String) } });
  });

  test("serves the same store under /beta", async () => {
    const { body: created } = await create({}, "beta");
    const got = await call(harness.emulator, "GET", `/v1.0/subscriptions/${created.id}`, { token });
    expect(got.status).toBe(200);
    expect(created["@odata.context"]).toContain("/beta/$metadata");
  });

  test("dates every response by the emulated clock", async () => {
    harness.emulator.admin.advanceClock(24 * 60);
    const { headers } = await call(harness.emulator, "GET", "/v1.0/subscriptions", { token });
    const skew = Date.parse(headers.get("date")!) - Date.now();
    expect(skew).toBeGreaterThan(23.9 * 60 * 60_000);
    expect(skew).toBeLessThan(24.1 * 60 * 60_000);
  });

  test("lets expired subscriptions vanish: 404 everywhere and absent from the list", async () => {
    const { emulator } = harness;
    const { body: created } = await create({ expirationDateTime: minutesFromNow(emulator, 60) });
    emulator.admin.advanceClock(61);
    const path = `/v1.0/subscriptions/${created.id}`;
    const statuses = await Promise.all([
      call(emulator, "GET", path, { token }),
      call(emulator, "PATCH", path, { token, body: { expirationDateTime: minutesFromNow(emulator, 120) } }),
      call(emulator, "POST", `${path}/reauthorize`, { token }),
      call(emulator, "DELETE", path, { token }),
    ]);
    expect(statuses.map((result) => result.status)).toEqual([404, 404, 404, 404]);
    expect((await call(emulator, "GET", "/v1.0/subscriptions", { token })).body.value).toEqual([]);
  });

  test("raises an expiration under 45 minutes to 45 minutes from now", async () => {
    const { emulator } = harness;
    const { status, body } = await create({ expirationDateTime: minutesFromNow(emulator, 5) });
    expect(status).toBe(201);
    const minutes = (Date.parse(body.expirationDateTime) - emulator.admin.now().getTime()) / 60_000;
    expect(minutes).toBeGreaterThan(44.9);
    expect(minutes).toBeLessThanOrEqual(45);
  });

  test.each([
    ["Outlook messages, basic", {}, 10080],
    ["Outlook messages with resource data", { includeResourceData: true, encryptionCertificate: "MIIB", encryptionCertificateId: "key-1" }, 1440],
    ["users", { resource: "users", changeType: "updated" }, 41760],
  ])("refuses an expiration over the maximum for %s", async (_case, overrides, maximum) => {
    const { emulator } = harness;
    const over = await create({ ...overrides, expirationDateTime: minutesFromNow(emulator, maximum + 1) });
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({
      code: "ExtensionError",
      message: `Subscription expiration can only be ${maximum} minutes in the future.`,
    });
    const at = await create({ ...overrides, expirationDateTime: minutesFromNow(emulator, maximum - 1) });
    expect(at.status).toBe(201);
  });

  test("answers 409 for the same changeType and resource, ignoring model=", async () => {
    const first = await create({ resource: "chats/getAllMessages", changeType: "created", expirationDateTime: minutesFromNow(harness.emulator, 50) });
    expect(first.status).toBe(201);
    const again = await create({ resource: "chats/getAllMessages?model=B", changeType: "created", expirationDateTime: minutesFromNow(harness.emulator, 50) });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(`Subscription Id ${first.body.id} already exists for the requested combination`);
    const otherChange = await create({ resource: "chats/getAllMessages", changeType: "created,updated", expirationDateTime: minutesFromNow(harness.emulator, 50) });
    expect(otherChange.status).toBe(201);
  });

  test("requires lifecycleNotificationUrl for Teams resources above one hour", async () => {
    const teams = { resource: "chats/getAllMessages", changeType: "created", expirationDateTime: minutesFromNow(harness.emulator, 61) };
    const refused = await create(teams);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/^lifecycleNotificationUrl is a required property/);
    const accepted = await create({ ...teams, lifecycleNotificationUrl: `${harness.receiver.url}/lifecycle` });
    expect(accepted.status).toBe(201);
    expect(harness.receiver.validations.map((validation) => validation.path)).toEqual(
      expect.arrayContaining(["/notifications", "/lifecycle"]),
    );
  });

  test.each([
    ["changeType missing", { changeType: undefined }, /'changeType' is a required property/],
    ["notificationUrl missing", { notificationUrl: undefined }, /'notificationUrl' is a required property/],
    ["resource missing", { resource: undefined }, /'resource' is a required property/],
    ["expirationDateTime missing", { expirationDateTime: undefined }, /'expirationDateTime' is a required property/],
    ["an unknown resource", { resource: "users/alice/unknownThings" }, /Resource not found for the segment 'users'/],
    ["an unknown property", { lifetimeMinutes: 60 }, /The property 'lifetimeMinutes' does not exist/],
    ["an unknown change type", { changeType: "created,renamed" }, /not a valid changeType/],
    ["a change type the resource lacks", { resource: "users", changeType: "created" }, /not supported for this resource/],
    ["an http notificationUrl", { notificationUrl: "http://localhost:1/x" }, /must use HTTPS/],
    ["includeResourceData without a certificate", { includeResourceData: true }, /encryptionCertificate and encryptionCertificateId are required/],
    ["includeResourceData without a certificate id", { includeResourceData: true, encryptionCertificate: "MIIB" }, /encryptionCertificateId are required/],
    ["includeResourceData on a basic-only resource", { resource: "users", changeType: "updated", includeResourceData: true }, /not supported/],
    ["a clientState over 128 characters", { clientState: "x".repeat(129) }, /at most 128/],
    ["an unparseable expirationDateTime", { expirationDateTime: "tomorrow" }, /Could not process subscription creation payload/],
  ])("answers 400 for %s", async (_case, overrides, message) => {
    const { status, body } = await create(overrides);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(message);
    expect(body.error.innerError).toEqual(expect.objectContaining({ date: expect.any(String), "request-id": expect.any(String) }));
  });

  test("answers 400 for a body that is not JSON", async () => {
    const { status, body } = await call(harness.emulator, "POST", "/v1.0/subscriptions", { token, body: "{not json" });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/Unable to read JSON request payload/);
  });

  describe("PATCH", () => {
    test.each([
      ["another property", { expirationDateTime: "2030-01-01T00:00:00Z", clientState: "new" }, /Only expirationDateTime and notificationUrl/],
      ["lifecycleNotificationUrl", { lifecycleNotificationUrl: "https://localhost:1/x" }, /Only expirationDateTime and notificationUrl/],
      ["neither updatable property", {}, /must contain either the expirationDateTime or notificationUrl/],
    ])("refuses a body with %s", async (_case, patch, message) => {
      const { body: created } = await create();
      const { status, body } = await call(harness.emulator, "PATCH", `/v1.0/subscriptions/${created.id}`, { token, body: patch });
      expect(status).toBe(400);
      expect(body.error.message).toMatch(message);
    });

    test("applies the lifetime rules: over the maximum refused, under 45 minutes raised", async () => {
      const { emulator } = harness;
      const { body: created } = await create();
      const path = `/v1.0/subscriptions/${created.id}`;
      const over = await call(emulator, "PATCH", path, { token, body: { expirationDateTime: minutesFromNow(emulator, 10081) } });
      expect(over.status).toBe(400);
      expect(over.body.error.code).toBe("ExtensionError");
      const under = await call(emulator, "PATCH", path, { token, body: { expirationDateTime: minutesFromNow(emulator, 1) } });
      expect(under.status).toBe(200);
      expect((Date.parse(under.body.expirationDateTime) - emulator.admin.now().getTime()) / 60_000).toBeCloseTo(45, 0);
    });

    test("validates a new notificationUrl with the handshake", async () => {
      const { body: created } = await create();
      const path = `/v1.0/subscriptions/${created.id}`;
      const refused = await call(harness.emulator, "PATCH", path, { token, body: { notificationUrl: `${harness.receiver.url}/reject` } });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe("ValidationError");
      const moved = await call(harness.emulator, "PATCH", path, { token, body: { notificationUrl: `${harness.receiver.url}/moved?tenant=a` } });
      expect(moved.status).toBe(200);
      expect(moved.body.notificationUrl).toBe(`${harness.receiver.url}/moved?tenant=a`);
    });
  });
});
