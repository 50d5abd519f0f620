import { createEncryptionCertificate } from "../../emulator";
import { call, messagesSubscription, minutesFromNow, startHarness, tokenFor, type Harness } from "./support";
import { closeAll, serverHookTimeoutMs } from "../hooks";

/** A self-signed P-256 (EC) certificate, base64 DER, made with openssl: Graph takes only RSA keys. */
const ecCertificate =
  "MIIBejCCASGgAwIBAgIULSQV/Q6KSapnUL6EKmapzYw76y0wCgYIKoZIzj0EAwIwEjEQMA4GA1UEAwwHZWMtdGVzdDAgFw0yNjExMjIyMzM1MzVaGA8yMTI2MTAy"
  + "OTIzMzUzNVowEjEQMA4GA1UEAwwHZWMtdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABO/GQg96MbOC9bXb95ssBK2yDZ5kSwFRPrOAiuEYtLHh6BlZPJa9"
  + "WVQjwG0cWsudLOnOg+Y2iSW7GeFJ3Bfl/cujUzBRMB0GA1UdDgQWBBRuX19Pkef1NxDRL8FjmIIayDLeaDAfBgNVHSMEGDAWgBRuX19Pkef1NxDRL8FjmIIayDLe"
  + "aDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIGTssZxCWhZWIpDMwY7AWdcZZ6pNz6f7WLhVZxVRopSAAiBdsw58FbM8de8HA0vhLXb4kW9WZ9iQ"
  + "fye0HDak9d9D1A==";
/**
 * Real RSA certificates, made in beforeAll before the emulator starts: node-forge signs in JavaScript, which
 * blocks this process for a while with large keys, and must not stall the emulator's sockets.
 */
let rsaCertificate = "";
let rsa4096Certificate = "";
let rsa1024Certificate = "";
let rsa4104Certificate = "";

const sevenDigitDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

describe("the subscriptions API", () => {
  let harness: Harness;
  let token: string;
  beforeAll(async () => {
    [rsaCertificate, rsa4096Certificate, rsa1024Certificate, rsa4104Certificate] = await Promise.all(
      [2048, 4096, 1024, 4104].map(async (modulusLength) => (await createEncryptionCertificate({ modulusLength })).certificate),
    );
    harness = await startHarness();
    token = await tokenFor(harness.emulator);
  }, serverHookTimeoutMs);
  afterAll(() => closeAll(harness), serverHookTimeoutMs);
  afterEach(() => harness.emulator.admin.reset());

  /** Overrides may be functions, called at request time: test tables are built before beforeAll runs. */
  const create = (overrides: Record<string, unknown> = {}, version = "v1.0") => {
    const resolved = Object.fromEntries(Object.entries(overrides).map(([name, value]) => [name, typeof value === "function" ? value() : value]));
    return call(harness.emulator, "POST", `/${version}/subscriptions`, { token, body: messagesSubscription(harness, resolved) });
  };
  const theRsaCertificate = () => rsaCertificate;
  /**
   * Outlook rich notifications need $select in the resource (rich-notifications page, Outlook rows), so
   * every rich message subscription here names the properties it wants.
   */
  const richMessages = { resource: "users/alice@contoso.com/messages?$select=subject,from", includeResourceData: true, encryptionCertificateId: "key-1" };

  test("creates a subscription with 201 and Graph's shape", async () => {
    const { emulator } = harness;
    const expiration = minutesFromNow(emulator, 120);
    const validationsBefore = harness.receiver.validations.length;
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
    expect(harness.receiver.validations.slice(validationsBefore).map((validation) => validation.path)).toEqual(["/notifications"]);
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
    const { emulator } = harness;
    emulator.admin.advanceClock(24 * 60);
    const before = emulator.admin.now().getTime();
    const { headers } = await call(emulator, "GET", "/v1.0/subscriptions", { token });
    const after = emulator.admin.now().getTime();
    const date = Date.parse(headers.get("date")!);
    // The Date header has whole seconds.
    expect(date).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(date).toBeLessThanOrEqual(after);
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
    const before = emulator.admin.now().getTime();
    const { status, body } = await create({ expirationDateTime: minutesFromNow(emulator, 5) });
    const after = emulator.admin.now().getTime();
    expect(status).toBe(201);
    const expiry = Date.parse(body.expirationDateTime);
    expect(expiry).toBeGreaterThanOrEqual(before + 45 * 60_000);
    expect(expiry).toBeLessThanOrEqual(after + 45 * 60_000);
  });

  test.each([
    ["Outlook messages, basic", {}, 10080],
    ["Outlook messages with resource data", { ...richMessages, encryptionCertificate: theRsaCertificate }, 1440],
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
    const before = harness.receiver.validations.length;
    const accepted = await create({ ...teams, lifecycleNotificationUrl: `${harness.receiver.url}/lifecycle` });
    expect(accepted.status).toBe(201);
    expect(harness.receiver.validations.slice(before).map((validation) => validation.path)).toEqual(["/notifications", "/lifecycle"]);
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
    ["includeResourceData without a certificate id", { includeResourceData: true, encryptionCertificate: theRsaCertificate }, /encryptionCertificateId are required/],
    ["includeResourceData on a basic-only resource", { resource: "users", changeType: "updated", includeResourceData: true }, /not supported/],
    ["a clientState over 128 characters", { clientState: "x".repeat(129) }, /at most 128/],
    ["an unparseable expirationDateTime", { expirationDateTime: "tomorrow" }, /Could not process subscription creation payload/],
    ["an expirationDateTime without a UTC offset", { expirationDateTime: "2030-01-01T00:00:00" }, /Could not process subscription creation payload/],
    ["an expirationDateTime with a date only", { expirationDateTime: "2030-01-01" }, /Could not process subscription creation payload/],
  ])("answers 400 for %s", async (_case, overrides, message) => {
    const { status, body } = await create(overrides);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(message);
    expect(body.error.innerError).toEqual(expect.objectContaining({ date: expect.any(String), "request-id": expect.any(String) }));
  });

  test("accepts an expirationDateTime with a numeric UTC offset", async () => {
    const instant = Date.parse(minutesFromNow(harness.emulator, 120));
    const withOffset = new Date(instant + 2 * 60 * 60_000).toISOString().replace(/Z$/, "+02:00");
    const { status, body } = await create({ expirationDateTime: withOffset });
    expect(status).toBe(201);
    expect(Date.parse(body.expirationDateTime)).toBe(instant);
  });

  describe("Outlook rich notifications and $select (the rule the validator enforces, from the same row)", () => {
    test.each([
      ["messages with resource data and $select", 201, { ...richMessages }],
      ["events with resource data and $select", 201, { ...richMessages, resource: "users/alice@contoso.com/events?$select=subject" }],
      ["messages with resource data, no $select", 400, { ...richMessages, resource: "users/alice@contoso.com/messages" }],
      ["contacts in a folder with resource data, no $select", 400, { ...richMessages, resource: "users/alice@contoso.com/contactFolders/f1/contacts" }],
      ["messages without resource data, no $select", 201, { resource: "users/alice@contoso.com/messages" }],
    ])("%s: answers %i", async (_case, status, overrides) => {
      const answer = await create({ encryptionCertificate: theRsaCertificate, ...overrides, expirationDateTime: minutesFromNow(harness.emulator, 60) });
      expect(answer.status).toBe(status);
      if (status === 400) {
        expect(answer.body.error).toMatchObject({ code: "InvalidRequest", message: expect.stringMatching(/^resource: \w+ notifications with resource data .* require \$select in the resource/) });
        expect(harness.emulator.admin.listSubscriptions()).toEqual([]);
      }
    });
  });

  describe("Outlook's query options refused with resource data (the rule the validator enforces, from the same row)", () => {
    test.each([
      ["$orderby", 400, "users/alice@contoso.com/messages?$select=subject&$orderby=receivedDateTime", /^resource: \$orderby is not allowed/],
      ["$top", 400, "users/alice@contoso.com/messages?$select=subject&$top=5", /^resource: \$top is not allowed/],
      ["$select=Body", 400, "users/alice@contoso.com/messages?$select=subject,body", /^resource: \$select=body is not allowed/],
      ["$expand of attachments", 400, "users/alice@contoso.com/messages?$select=subject&$expand=attachments", /^resource: \$expand is not allowed/],
      ["$expand of extended properties", 201, "users/alice@contoso.com/messages?$select=subject&$expand=singleValueExtendedProperties($filter=id eq 'x')", undefined],
    ])("%s: answers %i", async (_case, status, resource, message) => {
      const answer = await create({ ...richMessages, encryptionCertificate: theRsaCertificate, resource, expirationDateTime: minutesFromNow(harness.emulator, 60) });
      expect(answer.status).toBe(status);
      if (message) expect(answer.body.error).toMatchObject({ code: "InvalidRequest", message: expect.stringMatching(message) });
    });

    test("basic notifications take any of them", async () => {
      const answer = await create({ resource: "users/alice@contoso.com/messages?$orderby=receivedDateTime&$top=5", expirationDateTime: minutesFromNow(harness.emulator, 60) });
      expect(answer.status).toBe(201);
    });
  });

  test("refuses basic notifications where Graph sends only rich ones (emergency call events)", async () => {
    const resource = "communications/calls/getEmergencyEventsByPolicy(policyName='Emergency')";
    const basic = await create({ resource, changeType: "updated", expirationDateTime: minutesFromNow(harness.emulator, 60) });
    expect(basic).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("supports only notifications with resource data") } } });
    const rich = await create({ resource, changeType: "updated", includeResourceData: true, encryptionCertificate: theRsaCertificate, encryptionCertificateId: "key-1", expirationDateTime: minutesFromNow(harness.emulator, 60) });
    expect(rich.status).toBe(201);
  });

  describe("encryptionCertificate", () => {
    const withCertificate = (encryptionCertificate: string, encryptionCertificateId = "key-1") =>
      create({ ...richMessages, encryptionCertificate, encryptionCertificateId, expirationDateTime: minutesFromNow(harness.emulator, 60) });

    test.each([
      ["2048 bits", () => rsaCertificate],
      ["4096 bits", () => rsa4096Certificate],
    ])("accepts an RSA certificate of %s", async (_case, certificate) => {
      const { status, body } = await withCertificate(certificate());
      expect(status).toBe(201);
      expect(body).toMatchObject({ includeResourceData: true, encryptionCertificateId: "key-1" });
    });

    test.each([
      ["text that is not Base64", () => "not base64!", /Base64-encoded X\.509 certificate/],
      ["Base64 that is not a certificate", () => "MIIB", /Base64-encoded X\.509 certificate/],
      ["a PEM certificate instead of Base64 DER", () => Buffer.from(`-----BEGIN CERTIFICATE-----\n${rsaCertificate}\n-----END CERTIFICATE-----\n`).toString("base64"), /Base64-encoded X\.509 certificate/],
      ["an EC key", () => ecCertificate, /The key must be of type RSA/],
      ["an RSA key under 2048 bits", () => rsa1024Certificate, /between 2,048 bits and 4,096 bits/],
      ["an RSA key over 4096 bits", () => rsa4104Certificate, /between 2,048 bits and 4,096 bits/],
    ])("refuses %s with 400", async (_case, certificate, message) => {
      const { status, body } = await withCertificate(certificate());
      expect(status).toBe(400);
      expect(body.error.message).toMatch(message);
      expect(harness.emulator.admin.listSubscriptions()).toEqual([]);
    });

    test("refuses an encryptionCertificateId over 128 characters, and takes one of 128", async () => {
      const over = await withCertificate(rsaCertificate, "x".repeat(129));
      expect(over.status).toBe(400);
      expect(over.body.error.message).toMatch(/up to 128 characters/);
      expect((await withCertificate(rsaCertificate, "x".repeat(128))).status).toBe(201);
    });
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
      ["an expirationDateTime without a UTC offset", { expirationDateTime: "2030-01-01T00:00:00" }, /Could not process subscription creation payload/],
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
      const before = emulator.admin.now().getTime();
      const under = await call(emulator, "PATCH", path, { token, body: { expirationDateTime: minutesFromNow(emulator, 1) } });
      const after = emulator.admin.now().getTime();
      expect(under.status).toBe(200);
      const expiry = Date.parse(under.body.expirationDateTime);
      expect(expiry).toBeGreaterThanOrEqual(before + 45 * 60_000);
      expect(expiry).toBeLessThanOrEqual(after + 45 * 60_000);
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
