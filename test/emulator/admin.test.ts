import { latencyHeader } from "../../emulator";
import { call, messagesSubscription, minutesFromNow, startHarness, tokenFor, type Harness } from "./support";
import { closeAll, serverHookTimeoutMs } from "../hooks";

describe("the emulator's admin controls", () => {
  let harness: Harness;
  let token: string;
  beforeAll(async () => {
    harness = await startHarness();
    token = await tokenFor(harness.emulator);
    harness.emulator.admin.clearRequestLog();
  }, serverHookTimeoutMs);
  afterAll(() => closeAll(harness), serverHookTimeoutMs);
  afterEach(() => harness.emulator.admin.reset());

  const create = (overrides: Record<string, unknown> = {}) =>
    call(harness.emulator, "POST", "/v1.0/subscriptions", { token, body: messagesSubscription(harness, overrides) });

  /** Moves the emulated clock past a Retry-After without waiting. A second more than the wait, so rounding never lands short. */
  const skipSeconds = (seconds: number) => harness.emulator.admin.advanceClock((seconds + 1) / 60);
  const list = () => call(harness.emulator, "GET", "/v1.0/subscriptions", { token });

  test("injects 429 with Retry-After for the given count, then recovers", async () => {
    const { emulator } = harness;
    emulator.admin.injectFault({ status: 429, retryAfterSeconds: 7, count: 2 });
    const first = await list();
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("7");
    expect(first.body.error.code).toBe("TooManyRequests");
    skipSeconds(7);
    expect((await list()).status).toBe(429);
    skipSeconds(7);
    expect((await list()).status).toBe(200);
    expect(emulator.admin.requestLog().map((entry) => [entry.status, entry.injectedFault, entry.earlyRetry])).toEqual([
      [429, true, false],
      [429, true, false],
      [200, false, false],
    ]);
  });

  test("enforces Retry-After: an immediate retry gets 429 again, flagged, without using up the fault", async () => {
    const { emulator } = harness;
    emulator.admin.injectFault({ status: 429, retryAfterSeconds: 30, count: 1 });
    expect((await list()).status).toBe(429);
    const early = await list();
    expect(early.status).toBe(429);
    expect(early.body.error.code).toBe("TooManyRequests");
    const remaining = Number(early.headers.get("retry-after"));
    expect(remaining).toBeGreaterThanOrEqual(1);
    expect(remaining).toBeLessThanOrEqual(30);
    expect(emulator.admin.listFaults()).toEqual([expect.objectContaining({ count: 0, notBefore: expect.any(String) })]);
    expect(emulator.admin.requestLog().at(-1)).toMatchObject({ status: 429, injectedFault: true, earlyRetry: true });

    skipSeconds(30);
    expect((await list()).status).toBe(200);
    expect(emulator.admin.listFaults()).toEqual([]);
  });

  test("lets a client that waits out Retry-After in real time through", async () => {
    const { emulator } = harness;
    emulator.admin.injectFault({ status: 503, retryAfterSeconds: 1, count: 1 });
    const first = await list();
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("1");
    expect((await list()).status).toBe(429);
    const notBefore = Date.parse(emulator.admin.listFaults()[0].notBefore!);
    // Waits on the emulator's own clock, as a client honouring Retry-After would.
    while (emulator.admin.now().getTime() < notBefore) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, notBefore - emulator.admin.now().getTime())));
    }
    expect((await list()).status).toBe(200);
    expect(emulator.admin.requestLog().map((entry) => [entry.status, entry.earlyRetry])).toEqual([[503, false], [429, true], [200, false]]);
  });

  test("does not hold back requests the fault does not match", async () => {
    harness.emulator.admin.injectFault({ status: 429, retryAfterSeconds: 30, method: "POST" });
    expect((await create()).status).toBe(429);
    expect((await list()).status).toBe(200);
    expect((await create()).status).toBe(429);
  });

  test.each([
    [{ status: 503, method: "POST" }, "POST", 503],
    [{ status: 503, method: "POST" }, "GET", 200],
    [{ status: 500, path: "/reauthorize" }, "GET", 200],
  ])("applies a fault %j only to matching requests (%s -> %d)", async (fault, method, expected) => {
    harness.emulator.admin.injectFault(fault);
    const result = method === "POST" ? await create() : await call(harness.emulator, "GET", "/v1.0/subscriptions", { token });
    expect(result.status).toBe(expected);
  });

  test("never disturbs the sign-in endpoints", async () => {
    harness.emulator.admin.injectFault({ status: 503, count: 5 });
    await expect(tokenFor(harness.emulator)).resolves.toEqual(expect.any(String));
  });

  test("delays responses by the injected latency", async () => {
    harness.emulator.admin.setLatency(300);
    const { headers } = await list();
    expect(headers.get(latencyHeader)).toBe("300");
    const [entry] = harness.emulator.admin.requestLog();
    expect(entry).toMatchObject({ path: "/v1.0/subscriptions", latencyMs: 300 });
    // The emulator's own record: it waited at least the latency before answering.
    expect(entry.durationMs).toBeGreaterThanOrEqual(300);
  });

  test("logs a body it cannot parse by its size only, never raw", async () => {
    const { emulator } = harness;
    const malformed = '{"clientState": "leaky-client-state", "resource": ';
    const { status } = await call(emulator, "POST", "/v1.0/subscriptions", { token, body: malformed });
    expect(status).toBe(400);
    const response = await fetch(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: '{"client_secret": "leaky-form-secret"}',
    });
    expect(response.status).toBe(400);
    const log = emulator.admin.requestLog();
    expect(log.map((entry) => entry.requestBody)).toEqual([
      `(unparsed, ${Buffer.byteLength(malformed)} bytes)`,
      `(unparsed, ${Buffer.byteLength('{"client_secret": "leaky-form-secret"}')} bytes)`,
    ]);
    expect(JSON.stringify(log)).not.toContain("leaky");
  });

  test("logs requests with clientState and client secrets redacted", async () => {
    const { emulator } = harness;
    emulator.admin.clearRequestLog();
    await tokenFor(emulator);
    const { body: created } = await create();
    const log = emulator.admin.requestLog();
    const tokenEntry = log.find((entry) => entry.path.includes("/oauth2/v2.0/token"));
    expect(tokenEntry?.requestBody).toMatchObject({ client_secret: "(redacted)", grant_type: "client_credentials" });
    const createEntry = log.find((entry) => entry.method === "POST" && entry.path === "/v1.0/subscriptions");
    expect(createEntry).toMatchObject({ status: 201, injectedFault: false, requestBody: { clientState: "(redacted)" } });
    expect(JSON.stringify(log)).not.toContain("secret-client-state");
    expect(JSON.stringify(log)).not.toContain(emulator.clients[0].clientSecret);
    expect(created.clientState).toBe("secret-client-state");
    emulator.admin.clearRequestLog();
    expect(emulator.admin.requestLog()).toEqual([]);
  });

  test("changes a subscription out of band, so the next read sees drift", async () => {
    const { emulator } = harness;
    const { body: created } = await create();
    emulator.admin.updateSubscription(created.id, { notificationUrl: "https://localhost:1/elsewhere" });
    const got = await call(emulator, "GET", `/v1.0/subscriptions/${created.id}`, { token });
    expect(got.body.notificationUrl).toBe("https://localhost:1/elsewhere");
  });

  test("expires a subscription at once", async () => {
    const { emulator } = harness;
    const { body: created } = await create();
    expect(emulator.admin.expireSubscription(created.id)).toBe(true);
    expect((await call(emulator, "GET", `/v1.0/subscriptions/${created.id}`, { token })).status).toBe(404);
  });

  describe("over HTTPS under /_emulator", () => {
    test("lists subscriptions with clientState", async () => {
      const { body: created } = await create();
      const { status, body } = await call(harness.emulator, "GET", "/_emulator/subscriptions");
      expect(status).toBe(200);
      expect(body.value).toEqual([expect.objectContaining({ id: created.id, clientState: "secret-client-state", apiVersion: "v1.0" })]);
    });

    test("advances the clock so a subscription expires", async () => {
      const { emulator } = harness;
      const { body: created } = await create({ expirationDateTime: minutesFromNow(emulator, 50) });
      const before = emulator.admin.now().getTime();
      const advanced = await call(emulator, "POST", "/_emulator/clock", { body: { advanceMinutes: 51 } });
      expect(Date.parse(advanced.body.now) - before).toBeGreaterThanOrEqual(51 * 60_000);
      expect((await call(emulator, "GET", `/_emulator/subscriptions/${created.id}`)).status).toBe(404);
    });

    test("patches, expires and deletes subscriptions", async () => {
      const { emulator } = harness;
      const { body: first } = await create();
      const { body: second } = await create({ resource: "users/bob@contoso.com/messages" });
      const later = minutesFromNow(emulator, 300);
      const patched = await call(emulator, "PATCH", `/_emulator/subscriptions/${first.id}`, { body: { expirationDateTime: later } });
      expect(Date.parse(patched.body.expirationDateTime)).toBe(Date.parse(later));
      expect((await call(emulator, "POST", `/_emulator/subscriptions/${first.id}/expire`)).status).toBe(204);
      expect((await call(emulator, "DELETE", `/_emulator/subscriptions/${second.id}`)).status).toBe(204);
      expect(emulator.admin.listSubscriptions()).toEqual([]);
    });

    test("injects faults and latency, reads the request log, and resets", async () => {
      const { emulator } = harness;
      expect((await call(emulator, "POST", "/_emulator/faults", { body: { status: 429, retryAfterSeconds: 3 } })).status).toBe(201);
      expect((await call(emulator, "PUT", "/_emulator/latency", { body: { ms: 10 } })).body).toEqual({ ms: 10 });
      const throttled = await call(emulator, "GET", "/v1.0/subscriptions", { token });
      expect(throttled.headers.get("retry-after")).toBe("3");
      const log = await call(emulator, "GET", "/_emulator/requests");
      expect(log.body.value.at(-1)).toMatchObject({ path: "/v1.0/subscriptions", status: 429, injectedFault: true, earlyRetry: false, latencyMs: 10 });
      expect((await call(emulator, "POST", "/_emulator/reset")).status).toBe(204);
      expect((await call(emulator, "GET", "/_emulator/requests")).body.value).toEqual([]);
      expect((await call(emulator, "GET", "/_emulator/latency")).body).toEqual({ ms: 0 });
    });

    test("answers 400 with a reason for bad input and 404 for unknown routes", async () => {
      expect((await call(harness.emulator, "POST", "/_emulator/faults", { body: { status: 200 } })).status).toBe(400);
      expect((await call(harness.emulator, "GET", "/_emulator/nothing")).status).toBe(404);
    });
  });
});
