import * as path from "node:path";
import * as tls from "node:tls";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { DeadlineError, GraphApiError, TransportError } from "../../provider/errors";
import { SubscriptionsClient } from "../../provider/graph/client";
import { resolveSettings } from "../../provider/graph/settings";
import { closeAll, serverHookTimeoutMs } from "../hooks";
import { watchSecrets } from "../secretWatch";
import { emulatorConfig } from "../emulator/support";

/**
 * The Graph client against the emulator over real HTTPS: how it waits, retries, gives up and reports.
 * Waits are Graph's (Retry-After: 1) or the backoff's, kept short by the settings; no assertion is on
 * elapsed time, only on what the emulator saw and what the client said.
 */
const stateDir = process.env.MSGRAPH_EMULATOR_STATE_DIR ?? path.join(__dirname, "..", "..", ".emulator", "test");
let emulator: RunningEmulator;
const secretState = "client-test-secret-9f3a";

beforeAll(async () => {
  emulator = await startEmulator({ stateDir, clients: [{ permissions: ["Mail.Read", "User.Read.All", "Group.Read.All"] }] });
  tls.setDefaultCACertificates([...tls.getCACertificates("default"), emulator.caPem]);
  watchSecrets(secretState, ...emulator.clients.map((c) => c.clientSecret));
}, serverHookTimeoutMs);
afterAll(() => closeAll(emulator), serverHookTimeoutMs);
beforeEach(() => emulator.admin.reset());

function connect(overrides: Record<string, string> = {}): Promise<SubscriptionsClient> {
  const config = emulatorConfig(emulator, { "msgraph:requestTimeoutSeconds": "2", ...overrides });
  return SubscriptionsClient.connect(resolveSettings((key) => config[key], {}));
}

const body = (i: number) => ({
  resource: `users/0a1b2c3d-0000-4000-8000-00000000000${i}/messages`,
  changeType: "created",
  notificationUrl: "EventHub:https://ns.servicebus.windows.net/eventhubname/hub?tenantId=contoso.onmicrosoft.com",
  expirationDateTime: new Date(Date.now() + 120 * 60_000).toISOString(),
  clientState: secretState,
});
const graphLog = () => emulator.admin.requestLog().filter((entry) => /^\/(v1\.0|beta)\//.test(entry.path));

describe("throttling", () => {
  it("holds back a request started after another was throttled until Graph's Retry-After has passed", async () => {
    const client = await connect();
    const existing = await client.create(body(1), "v1.0");
    emulator.admin.clearRequestLog();
    emulator.admin.injectFault({ status: 429, retryAfterSeconds: 1, method: "POST", count: 1 });
    const creating = client.create(body(0), "v1.0");
    while (client.gate.remainingMs() === 0) await new Promise((resolve) => setImmediate(resolve));
    const read = await client.get(existing.id, "v1.0"); // not itself throttled: it waits only because of the gate
    await creating;
    const [throttled] = graphLog().filter((entry) => entry.status === 429);
    const get = graphLog().find((entry) => entry.method === "GET")!;
    expect(read).toMatchObject({ id: existing.id });
    expect(Date.parse(get.time) - Date.parse(throttled!.time)).toBeGreaterThanOrEqual(1000);
    expect(graphLog().filter((entry) => entry.earlyRetry)).toEqual([]);
  });

  it("gets every one of a burst of creates through Graph's throttle", async () => {
    const client = await connect();
    emulator.admin.injectFault({ status: 429, retryAfterSeconds: 1, method: "POST", count: 3 });
    const created = await Promise.all([0, 1, 2, 3, 4].map((i) => client.create(body(i), "v1.0")));
    expect(new Set(created.map((s) => s.id)).size).toBe(5);
    expect(emulator.admin.listSubscriptions()).toHaveLength(5);
    expect(client.gate.pauseCount).toBeGreaterThanOrEqual(1);
  });

  it("waits out 429s without counting them as retries, even with no retries allowed", async () => {
    const client = await connect({ "msgraph:maxRetries": "0" });
    emulator.admin.injectFault({ status: 429, retryAfterSeconds: 1, method: "POST", count: 2 });
    await client.create(body(0), "v1.0");
    expect(graphLog().map((entry) => entry.status)).toEqual([429, 429, 201]);
  });
});

describe("transient failures", () => {
  it.each([
    ["a 500", { status: 500 }, "status"],
    ["a 503 without Retry-After", { status: 503 }, "status"],
    ["a reset connection", { kind: "reset" as const }, "reset"],
    ["an answer slower than the request timeout", { kind: "slow" as const, delayMs: 4_000 }, "slow"],
  ] as const)("retries after %s and succeeds", async (_, fault, kind) => {
    const client = await connect();
    emulator.admin.injectFault({ ...fault, method: "GET", count: 2 });
    const created = await client.create(body(0), "v1.0");
    expect(await client.get(created.id, "v1.0")).toMatchObject({ id: created.id });
    // Counted when served: a slow answer's log entry is written only when the emulator finally answers.
    expect(emulator.admin.stats().faults.served[kind]).toBe(2);
  });

  it("gives up after msgraph:maxRetries, saying how many attempts it made", async () => {
    const client = await connect({ "msgraph:maxRetries": "2" });
    emulator.admin.injectFault({ status: 500, method: "POST", count: 10 });
    const failure = await client.create(body(0), "v1.0").catch((error: unknown) => error);
    expect(GraphApiError.is(failure) && failure.statusCode).toBe(500);
    expect(String(failure)).toMatch(/after 3 attempts/);
  });

  it("stops at the operation's deadline and says what it was waiting for", async () => {
    const client = await connect({ "msgraph:operationTimeoutSeconds": "10" });
    emulator.admin.injectFault({ status: 429, retryAfterSeconds: 60, method: "POST" });
    const failure = await client.create(body(0), "v1.0").catch((error: unknown) => error);
    expect(DeadlineError.is(failure)).toBe(true);
    expect(String(failure)).toMatch(/gave up after 10 s and 1 attempt\(s\) \(1 throttled\), waiting for Graph's throttle.*msgraph:operationTimeoutSeconds/);
  });
});

describe("what is sent", () => {
  it("asks the authority for one token for a burst of concurrent first requests", async () => {
    const client = await connect();
    await Promise.all([0, 1, 2, 3, 4, 5].map((i) => client.create(body(i), "v1.0")));
    await client.tokenPermissions();
    const tokenRequests = emulator.admin.requestLog().filter((entry) => /\/oauth2\/v2\.0\/token(\?|$)/.test(entry.path));
    expect(tokenRequests).toHaveLength(1);
    expect(client.credential.requestCount).toBe(1);
  });

  it("reauthorizes with no body and no Content-Type, as the reauthorize page demands", async () => {
    const client = await connect();
    const created = await client.create(body(0), "v1.0");
    await client.reauthorize(created.id, "v1.0");
    const reauthorize = graphLog().find((entry) => entry.path.endsWith("/reauthorize"))!;
    expect(reauthorize).toMatchObject({ status: 204, requestBody: null, contentType: null });
  });
});

describe("hostile answers", () => {
  it.each([
    ["a proxy's HTML error page", { status: 502, contentType: "text/html", body: "<html><title>502 Bad Gateway</title><body>nginx</body></html>" }, /HTML page titled '502 Bad Gateway'.*proxy or gateway/],
    ["plain text", { status: 400, contentType: "text/plain", body: "nope" }, /text\/plain that is not JSON: "nope"/],
    ["JSON that is not a subscription", { status: 201, contentType: "application/json", body: "{\"hello\":1}" }, /not a subscription as documented \(id: /],
    ["a truncated body", { status: 201, contentType: "application/json", body: "{\"id\":\"abc\",\"reso" }, /application\/json that is not JSON/],
    ["a huge body", { status: 400, contentType: "text/plain", body: "x".repeat(3_000_000) }, /text\/plain that is not JSON/],
  ])("turns %s into a clear error", async (_, garbled, message) => {
    const client = await connect({ "msgraph:maxRetries": "0" });
    emulator.admin.injectFault({ kind: "garbled", garbled, method: "POST" });
    const failure = await client.create(body(0), "v1.0").catch((error: unknown) => error);
    expect(GraphApiError.is(failure) || TransportError.is(failure)).toBe(true);
    expect(String(failure)).toMatch(message);
    expect(String(failure).length).toBeLessThan(2_000);
  });

  it("hides the clientState, tokens and query values when Graph quotes them back", async () => {
    const client = await connect({ "msgraph:maxRetries": "0" });
    const quoted = `{"error":{"code":"BadRequest","message":"clientState ${secretState} rejected for https://hooks.example.com/n?code=abc123 with Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop"}}`;
    emulator.admin.injectFault({ kind: "garbled", garbled: { status: 400, contentType: "application/json", body: quoted }, method: "POST" });
    const failure = String(await client.create(body(0), "v1.0").catch((error: unknown) => error));
    expect(failure).toMatch(/BadRequest/);
    for (const secret of [secretState, "abc123", "eyJhbGciOiJIUzI1NiJ9"]) expect(failure).not.toContain(secret);
  });
});

describe("listing", () => {
  const many = (i: number) => ({ ...body(0), resource: `users/0a1b2c3d-0000-4000-8000-${String(i).padStart(12, "0")}/messages` });

  it("follows Graph's @odata.nextLink through every page, and stops early once it has what it wants", async () => {
    const client = await connect();
    const created = [];
    for (let i = 0; i < 230; i += 10) created.push(...(await Promise.all(Array.from({ length: 10 }, (_, k) => client.create(many(i + k), "v1.0")))));
    emulator.admin.clearRequestLog();
    const all = await client.list("v1.0");
    expect(all.map((s) => s.id).sort()).toEqual(created.map((s) => s.id).sort());
    // 100 a page (limits.ts): three pages for 230.
    expect(graphLog().filter((entry) => entry.method === "GET")).toHaveLength(3);
    expect(all.every((s) => s.clientState == null)).toBe(true);
    emulator.admin.clearRequestLog();
    const firstPage = await client.list("v1.0", (soFar) => soFar.length >= 50);
    expect(firstPage).toHaveLength(100);
    expect(graphLog()).toHaveLength(1);
  });

  it("answers a refresh of more reads than Graph's GET allowance from the listing, and each read finds its own", async () => {
    // Two writers, as two processes: each keeps its own pace, so 600 creates need not wait a window. Batches of 50
    // and the default request timeout: a loaded machine must not turn a slow answer into a retried create.
    const patient = { "msgraph:requestTimeoutSeconds": "60" };
    const writers = [await connect(patient), await connect(patient)];
    const created = [];
    for (let i = 0; i < 600; i += 50) created.push(...(await Promise.all(Array.from({ length: 50 }, (_, k) => writers[k % 2]!.create(many(i + k), "v1.0")))));
    const reader = await connect(patient);
    emulator.admin.clearRequestLog();
    const read = await Promise.all(created.map((s) => reader.read(s.id, "v1.0")));
    expect(read.map((s) => s?.id)).toEqual(created.map((s) => s.id));
    expect(read.map((s) => s?.expirationDateTime)).toEqual(created.map((s) => s.expirationDateTime));
    const counts = emulator.admin.requestCounts();
    // Graph allows 500 GETs by id per 20 s: the reads asked for beyond them went to list pages of 100 instead of
    // waiting a window (how many GETs in all depends on how fast Graph answers; listedReads.test.ts counts exactly).
    expect(counts.list).toBeGreaterThanOrEqual(1);
    expect(counts.list).toBeLessThanOrEqual(6);
  }, 120_000);
});
