import type { IncomingMessage, ServerResponse } from "node:http";
import { lifecycleNotificationHandler } from "../../provider";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { issueServerCertificate } from "../../emulator/certificates";
import { listenOnLoopback, type LoopbackServer } from "../../emulator/server";
import { call, minutesFromNow, stateDir, tokenFor, trustCertificateAuthority } from "../emulator/support";
import { closeAll, serverHookTimeoutMs } from "../hooks";
import { watchSecrets } from "../secretWatch";

/**
 * lifecycleNotificationHandler served over real HTTPS on loopback, against the real emulator: Graph's
 * handshake at creation, notifications the emulator sends (on request, on a clock move, on removal), and the
 * Graph calls the handler makes in answer, read from the emulator's request log.
 */
const clientState = "handler-secret-7c2e41";
const otherClientState = "other-secret-90ab13";

type Listener = (request: IncomingMessage, response: ServerResponse) => void;
type Handler = ReturnType<typeof lifecycleNotificationHandler>;

let emulator: RunningEmulator;
let server: LoopbackServer;
let token: string;
/** What the loopback server runs; tests swap it for other ways of mounting the handler. */
let listener: Listener;
let handler: Handler;
let appUrl: string;
/** Callbacks as they were called, in order: [callback, subscriptionId]. */
const seen: Array<[string, string]> = [];
const handed: unknown[] = [];
const logged: string[] = [];
const logger = {
  info: (message: string) => void logged.push(`info ${message}`),
  warn: (message: string) => void logged.push(`warn ${message}`),
  error: (message: string) => void logged.push(`error ${message}`),
};

function handlerFor(overrides: Partial<Parameters<typeof lifecycleNotificationHandler>[0]> = {}): Handler {
  const client = emulator.clients[0]!;
  return lifecycleNotificationHandler({
    clientState,
    settings: { endpoint: emulator.url, authorityHost: emulator.url, tenantId: client.tenantId, clientId: client.clientId, clientSecret: client.clientSecret },
    logger,
    onSubscriptionRemoved: (notification) => {
      seen.push(["onSubscriptionRemoved", notification.subscriptionId]);
      handed.push(notification);
    },
    onMissed: (notification) => {
      seen.push(["onMissed", notification.subscriptionId]);
      handed.push(notification);
    },
    onChangeNotification: (notification) => {
      seen.push(["onChangeNotification", notification.subscriptionId]);
      handed.push(notification);
    },
    ...overrides,
  });
}

beforeAll(async () => {
  emulator = await startEmulator({ stateDir, validationTimeoutMs: 5_000 });
  try {
    trustCertificateAuthority(emulator.caPem);
    const tls = await issueServerCertificate(stateDir);
    server = await listenOnLoopback({ key: tls.key, cert: tls.cert }, (request, response) => listener(request, response), 0);
    appUrl = `https://localhost:${server.port}`;
    token = await tokenFor(emulator);
  } catch (error) {
    await closeAll(server, emulator);
    throw error;
  }
  watchSecrets(clientState, otherClientState, ...emulator.clients.map((client) => client.clientSecret));
}, serverHookTimeoutMs);
afterAll(() => closeAll(server, emulator), serverHookTimeoutMs);

beforeEach(() => {
  handler ??= handlerFor();
  listener = handler;
  seen.length = 0;
  handed.length = 0;
  logged.length = 0;
});
afterEach(async () => {
  await emulator.admin.notificationsSettled();
  await handler.settled();
  // Whatever a test did, the handler never printed a secret and never created a subscription.
  for (const line of logged) for (const secret of [clientState, otherClientState, emulator.clients[0]!.clientSecret]) expect(line).not.toContain(secret);
  expect(graphRequests()).not.toContain("POST /v1.0/subscriptions");
  emulator.admin.reset();
});

/** An Outlook mail subscription whose notifications and lifecycle events go to the handler; Graph's handshakes pass through it. */
async function create(lifetimeMinutes: number, paths = { notifications: "/notifications", lifecycle: "/lifecycle" }): Promise<string> {
  const created = await call(emulator, "POST", "/v1.0/subscriptions", {
    token,
    body: {
      resource: "users/alice@contoso.com/messages",
      changeType: "created,updated",
      notificationUrl: `${appUrl}${paths.notifications}`,
      lifecycleNotificationUrl: `${appUrl}${paths.lifecycle}`,
      expirationDateTime: minutesFromNow(emulator, lifetimeMinutes),
      clientState,
    },
  });
  expect(created.status).toBe(201);
  emulator.admin.clearRequestLog();
  return created.body.id as string;
}

/** The Graph requests the emulator answered since the last clear: "METHOD /v1.0/path" (sign-in requests left out). */
function graphRequests(): string[] {
  return emulator.admin.requestLog().filter((entry) => entry.path.startsWith("/v1.0/")).map((entry) => `${entry.method} ${entry.path}`);
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(`${appUrl}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, contentType: response.headers.get("content-type"), text: await response.text() };
}

/** Waits for what the emulator sent to be answered, then for the handler to finish processing it. */
async function settle() {
  const deliveries = await emulator.admin.notificationsSettled();
  await handler.settled();
  return deliveries;
}

describe("the validation handshake", () => {
  test.each([
    ["Graph's own shape: spaces and colons", "Validation: Testing client application reachability for subscription Request-Id: 3b1c0f6e-7d84-4d1a-9d2b-0c7f2a1e5b44"],
    ["reserved characters", "a+b=c&d/e?f#g;h"],
    ["non-ASCII text", "jeton ✓ ünïcode"],
    ["a literal percent sign", "100% %41"],
  ])("echoes a token with %s, decoded exactly, as 200 text/plain", async (_title, validationToken) => {
    const answer = await post(`/lifecycle?validationToken=${encodeURIComponent(validationToken)}`, "", { "Content-Type": "text/plain; charset=utf-8" });
    expect(answer).toEqual({ status: 200, contentType: "text/plain; charset=utf-8", text: validationToken });
  });

  test("reads + as a space, as form-encoded query strings (and Graph's) write it", async () => {
    expect((await post("/lifecycle?validationToken=Validation:+a+b", "")).text).toBe("Validation: a b");
  });

  test("passes Graph's own handshakes for notificationUrl and lifecycleNotificationUrl when the subscription is created", async () => {
    const id = await create(1000);
    expect(emulator.admin.getSubscription(id)).toMatchObject({ notificationUrl: `${appUrl}/notifications`, lifecycleNotificationUrl: `${appUrl}/lifecycle` });
  });
});

describe("the clientState check", () => {
  const forged: Array<[string, unknown]> = [
    ["another subscription's secret", otherClientState],
    ["the secret with a character more", `${clientState}x`],
    ["a prefix of the secret", clientState.slice(0, 8)],
    ["the secret in another case", clientState.toUpperCase()],
    ["no clientState at all", undefined],
    ["a number instead of text", 42],
  ];

  test.each(forged)("answers 403 to a notification carrying %s, acts on nothing and names no secret", async (_title, received) => {
    const id = await create(1000);
    const answer = await post("/lifecycle", { value: [{ subscriptionId: id, clientState: received, lifecycleEvent: "reauthorizationRequired", tenantId: emulator.tenantId }] });
    await handler.settled();
    expect(answer.status).toBe(403);
    expect(graphRequests()).toEqual([]);
    expect(seen).toEqual([]);
    expect(logged).toEqual([expect.stringMatching(new RegExp(`^warn msgraph lifecycle: dropped 1 notification\\(s\\) for subscription\\(s\\) ${id}: clientState does not match \\(value hidden\\)`))]);
  });

  test("compares in constant time: timingSafeEqual over two SHA-256 digests of equal length", async () => {
    // The module object itself: an `import * as` binding would be a copy that the handler never calls through.
    const spy = jest.spyOn(require("node:crypto") as typeof import("node:crypto"), "timingSafeEqual");
    try {
      const id = await create(1000);
      await post("/lifecycle", { value: [{ subscriptionId: id, clientState: "short", lifecycleEvent: "missed" }] });
      expect(spy).toHaveBeenCalled();
      for (const [a, b] of spy.mock.calls as Array<[Buffer, Buffer]>) expect([a.length, b.length]).toEqual([32, 32]);
    } finally {
      spy.mockRestore();
    }
  });

  test("in a batch, processes the notifications that match and drops the rest (202)", async () => {
    const id = await create(1000);
    const answer = await post("/lifecycle", {
      value: [
        { subscriptionId: id, clientState: "forged-value", lifecycleEvent: "missed" },
        { subscriptionId: id, clientState, lifecycleEvent: "missed" },
      ],
    });
    await handler.settled();
    expect(answer.status).toBe(202);
    expect(seen).toEqual([["onMissed", id]]);
  });

  test.each([
    ["a map from subscription id", (id: string) => ({ [id]: clientState })],
    ["a Map", (id: string) => new Map([[id, clientState]])],
    ["an async function of the subscription id", (id: string) => async (subscriptionId: string) => (subscriptionId === id ? clientState : undefined)],
  ])("takes the expected value from %s, and an id it does not know never matches", async (_title, expectedFor) => {
    const id = await create(1000);
    handler = handlerFor({ clientState: expectedFor(id) });
    listener = handler;
    try {
      const known = await post("/lifecycle", { value: [{ subscriptionId: id, clientState, lifecycleEvent: "missed" }] });
      const unknown = await post("/lifecycle", { value: [{ subscriptionId: "constructor", clientState, lifecycleEvent: "missed" }] });
      await handler.settled();
      expect([known.status, unknown.status]).toEqual([202, 403]);
      expect(seen).toEqual([["onMissed", id]]);
    } finally {
      handler = handlerFor();
    }
  });
});

describe("lifecycle events and change notifications from the emulator", () => {
  interface Case {
    behaviour: string;
    lifetimeMinutes: number;
    send(id: string): unknown;
    graphRequests(id: string): string[];
    callbacks(id: string): Array<[string, string]>;
    logged: RegExp;
    also?(id: string, before: { expirationDateTime: string }): void;
  }
  const cases: Case[] = [
    {
      behaviour: "reauthorizationRequired far from expiry: POST /subscriptions/{id}/reauthorize, expiry left to pulumi up",
      lifetimeMinutes: 1000,
      send: (id) => emulator.admin.sendLifecycleNotification(id, "reauthorizationRequired"),
      graphRequests: (id) => [`GET /v1.0/subscriptions/${id}`, `POST /v1.0/subscriptions/${id}/reauthorize`],
      callbacks: () => [],
      logged: /^info msgraph lifecycle: reauthorizationRequired for subscription \S+ \(users\/alice@contoso.com\/messages\): reauthorized; it still expires at .*, and pulumi up renews it$/,
      also: (id, before) => {
        const after = emulator.admin.getSubscription(id)!;
        expect(after.expirationDateTime).toBe(before.expirationDateTime);
        expect(after.lastReauthorizedDateTime).not.toBeNull();
      },
    },
    {
      behaviour: "reauthorizationRequired near expiry (the clock moved into Graph's warning window): a PATCH renewal that keeps the ownership mark",
      lifetimeMinutes: 300,
      send: () => emulator.admin.advanceClock(150),
      graphRequests: (id) => [`GET /v1.0/subscriptions/${id}`, `PATCH /v1.0/subscriptions/${id}`],
      callbacks: () => [],
      logged: /^info msgraph lifecycle: reauthorizationRequired for subscription \S+ \(users\/alice@contoso.com\/messages\): renewed until \S+ \(it was to expire at \S+\); a renewal also reauthorizes$/,
      also: (id, before) => {
        const after = emulator.admin.getSubscription(id)!;
        // Outlook messages live at most 10,080 minutes; the renewal asks for that less the provider's one-minute margin,
        // to the second, and the ownership mark then fills the sub-second digits: up to a second past 10,079 minutes.
        // (Bounding it at 10,079 failed whenever the second turned between the create and the renewal.)
        const minutesAhead = (Date.parse(after.expirationDateTime) - emulator.admin.now().getTime()) / 60_000;
        expect(minutesAhead).toBeGreaterThan(10_077);
        expect(minutesAhead).toBeLessThan(10_079 + 1 / 60);
        expect(after.expirationDateTime.slice(-8)).toBe(before.expirationDateTime.slice(-8));
      },
    },
    {
      behaviour: "subscriptionRemoved (removed behind the app's back): onSubscriptionRemoved, and nothing asked of Graph",
      lifetimeMinutes: 1000,
      send: (id) => emulator.admin.deleteSubscription(id),
      graphRequests: () => [],
      callbacks: (id) => [["onSubscriptionRemoved", id]],
      logged: /^warn msgraph lifecycle: subscriptionRemoved: Graph removed subscription \S+ in tenant \S+\. No notifications arrive for it until it exists again: run pulumi up --refresh to create it \(this handler never creates subscriptions\)/,
    },
    {
      behaviour: "missed: onMissed, and nothing asked of Graph",
      lifetimeMinutes: 1000,
      send: (id) => emulator.admin.sendLifecycleNotification(id, "missed"),
      graphRequests: () => [],
      callbacks: (id) => [["onMissed", id]],
      logged: /^warn msgraph lifecycle: missed: Graph could not deliver some change notifications for subscription \S+ in tenant \S+; resync the resource/,
    },
    {
      behaviour: "a change notification: onChangeNotification",
      lifetimeMinutes: 1000,
      send: (id) => emulator.admin.sendChangeNotification(id, { changeType: "created", itemId: "AAMkAGI2" }),
      graphRequests: () => [],
      callbacks: (id) => [["onChangeNotification", id]],
      logged: /^$/,
    },
  ];

  test.each(cases)("$behaviour", async (example) => {
    const id = await create(example.lifetimeMinutes);
    const before = emulator.admin.getSubscription(id)!;
    await example.send(id);
    const deliveries = await settle();
    expect(deliveries.map((delivery) => [delivery.subscriptionId, delivery.status])).toEqual([[id, 202]]);
    expect(graphRequests()).toEqual(example.graphRequests(id));
    expect(seen).toEqual(example.callbacks(id));
    expect(logged.length > 0 ? logged : [""]).toEqual([expect.stringMatching(example.logged)]);
    example.also?.(id, before);
  });

  test("answers 202 before processing, so a slow callback never holds up Graph's delivery", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    handler = handlerFor({ onMissed: async (notification) => {
      await gate;
      seen.push(["onMissed", notification.subscriptionId]);
    } });
    listener = handler;
    try {
      const id = await create(1000);
      const delivery = await emulator.admin.sendLifecycleNotification(id, "missed");
      expect([delivery.status, seen]).toEqual([202, []]);
      release();
      await handler.settled();
      expect(seen).toEqual([["onMissed", id]]);
    } finally {
      handler = handlerFor();
    }
  });

  test("hands callbacks the notification without its clientState", async () => {
    const id = await create(1000);
    await emulator.admin.sendChangeNotification(id, { changeType: "updated", itemId: "AAMkAGI3" });
    await emulator.admin.sendLifecycleNotification(id, "missed");
    await settle();
    expect(handed).toEqual([
      expect.objectContaining({ subscriptionId: id, changeType: "updated", resource: "users/alice@contoso.com/messages/AAMkAGI3", tenantId: emulator.tenantId }),
      { subscriptionId: id, lifecycleEvent: "missed", tenantId: emulator.tenantId, subscriptionExpirationDateTime: expect.any(String) },
    ]);
    for (const notification of handed) expect(notification).not.toHaveProperty("clientState");
  });

  test("answers a second reauthorizationRequired within ten minutes with nothing, as Graph asks", async () => {
    const id = await create(1000);
    await emulator.admin.sendLifecycleNotification(id, "reauthorizationRequired");
    await settle();
    await emulator.admin.sendLifecycleNotification(id, "reauthorizationRequired");
    await settle();
    expect(graphRequests()).toEqual([`GET /v1.0/subscriptions/${id}`, `POST /v1.0/subscriptions/${id}/reauthorize`, `GET /v1.0/subscriptions/${id}`]);
    expect(logged.at(-1)).toMatch(/already answered at .*; Graph asks for no second reauthorize or renewal within 10 minutes$/);
  });

  test("does not recreate a subscription Graph no longer has when asked to reauthorize it", async () => {
    const answer = await handler.respond({
      method: "POST",
      url: "/lifecycle",
      body: { value: [{ subscriptionId: "6f1d2c8e-0000-4000-8000-00000000dead", clientState, lifecycleEvent: "reauthorizationRequired" }] },
    });
    await answer.processed;
    expect(answer.status).toBe(202);
    expect(graphRequests()).toEqual(["GET /v1.0/subscriptions/6f1d2c8e-0000-4000-8000-00000000dead"]);
    expect(logged).toEqual([expect.stringMatching(/Graph no longer has it \(deleted or expired\), so there is nothing to reauthorize\. pulumi up creates it again; this handler never creates subscriptions$/)]);
  });
});

describe("requests that are not notifications", () => {
  test.each([
    ["a GET", 405, "GET", undefined],
    ["a body that is not JSON", 400, "POST", "{not json"],
    ["JSON without a value array", 400, "POST", JSON.stringify({ values: [] })],
    ["an item without a subscriptionId", 400, "POST", JSON.stringify({ value: [{ clientState }] })],
  ])("answers %s with %i", async (_title, status, method, body) => {
    const response = await fetch(`${appUrl}/lifecycle`, { method, body, signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(status);
    expect(seen).toEqual([]);
  });

  test("answers 413 to a body over maxBodyBytes", async () => {
    listener = handlerFor({ maxBodyBytes: 1024 });
    const answer = await post("/lifecycle", { value: [{ subscriptionId: "x", clientState, padding: "x".repeat(4096) }] });
    expect(answer.status).toBe(413);
  });
});

describe("mounted in other frameworks", () => {
  /** What express.json(), express.text() and express.raw() leave: the stream read, req.body set, req.query parsed. */
  const bodyParsers: Array<[string, (raw: Buffer) => unknown]> = [
    ["express.json() (an object)", (raw) => (raw.length ? JSON.parse(raw.toString("utf8")) : {})],
    ["express.text() (a string)", (raw) => raw.toString("utf8")],
    ["express.raw() (a Buffer)", (raw) => raw],
  ];

  test.each(bodyParsers)("works behind %s", async (_title, parse) => {
    listener = (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const url = new URL(request.url ?? "/", "https://localhost");
        Object.assign(request, { body: parse(Buffer.concat(chunks)), query: Object.fromEntries(url.searchParams) });
        handler(request, response);
      });
    };
    const id = await create(1000); // Graph's handshakes, through the parser
    await emulator.admin.sendLifecycleNotification(id, "missed");
    await settle();
    expect(seen).toEqual([["onMissed", id]]);
  });

  test("answers Azure Functions' shapes through respond(): v4 (URLSearchParams, text body) and v3 (parsed query and body)", async () => {
    const id = await create(1000);
    const handshake = await handler.respond({ method: "POST", query: new URLSearchParams("validationToken=Validation%3A+a+b"), body: "" });
    expect(handshake).toMatchObject({ status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: "Validation: a b" });
    const v3Handshake = await handler.respond({ method: "POST", query: { validationToken: "Validation: c" }, body: {} });
    expect(v3Handshake.body).toBe("Validation: c");

    const notification = { value: [{ subscriptionId: id, clientState, lifecycleEvent: "missed", tenantId: emulator.tenantId }] };
    const v4 = await handler.respond({ method: "POST", query: new URLSearchParams(), body: JSON.stringify(notification) });
    await v4.processed;
    const v3 = await handler.respond({ method: "POST", query: {}, body: notification });
    await v3.processed;
    expect([v4.status, v3.status]).toEqual([202, 202]);
    expect(seen).toEqual([["onMissed", id], ["onMissed", id]]);
  });
});

describe("the example webhook app (examples/webhook-app)", () => {
  test("answers Graph's handshakes on its routes, logs changes, reauthorizes, and starts the pipeline when a subscription is removed", async () => {
    // The example imports the package by name, as a user's app does: the built entry in dist/.
    const { webhookApp } = require("../../examples/webhook-app/app") as typeof import("../../examples/webhook-app/app");
    const pipelineRuns: unknown[] = [];
    const client = emulator.clients[0]!;
    const app = webhookApp({
      clientState,
      settings: { endpoint: emulator.url, authorityHost: emulator.url, tenantId: client.tenantId, clientId: client.clientId, clientSecret: client.clientSecret },
      logger,
      runPipeline: async (reason) => void pipelineRuns.push(reason),
    });
    listener = app;
    const id = await create(1000, { notifications: "/api/notifications", lifecycle: "/api/lifecycle" });
    const health = await fetch(`${appUrl}/healthz`, { signal: AbortSignal.timeout(10_000) });
    expect([health.status, await health.text()]).toEqual([200, "ok"]);

    await emulator.admin.sendChangeNotification(id, { changeType: "created", itemId: "AAMkAGI4" });
    await emulator.admin.sendLifecycleNotification(id, "reauthorizationRequired");
    await emulator.admin.notificationsSettled();
    await app.settled();
    await emulator.admin.sendLifecycleNotification(id, "subscriptionRemoved");
    const deliveries = await emulator.admin.notificationsSettled();
    await app.settled();

    expect(deliveries.map((delivery) => delivery.status)).toEqual([202, 202, 202]);
    expect(graphRequests()).toEqual([`GET /v1.0/subscriptions/${id}`, `POST /v1.0/subscriptions/${id}/reauthorize`]);
    expect(pipelineRuns).toEqual([{ subscriptionId: id, lifecycleEvent: "subscriptionRemoved" }]);
    expect(logged).toEqual([
      `info change: created users/alice@contoso.com/messages/AAMkAGI4 (subscription ${id})`,
      expect.stringMatching(/reauthorizationRequired for subscription .*: reauthorized/),
      expect.stringMatching(/subscriptionRemoved: Graph removed subscription/),
    ]);
  });
});

describe("the package entry", () => {
  test("loads the handler's modules only when lifecycleNotificationHandler is first called, so a Pulumi program never pays for them", () => {
    // The built package, in a fresh process, as a program and a webhook app load it.
    const script = `
      const entry = require("pulumi-msgraph-subscriptions");
      const loaded = () => Object.keys(require.cache).some((file) => file.includes("notifications"));
      const before = loaded();
      entry.lifecycleNotificationHandler({ clientState: "x", settings: { tenantId: "t" } });
      console.log(JSON.stringify([before, loaded()]));`;
    const output = require("node:child_process").execFileSync(process.execPath, ["-e", script], { cwd: __dirname, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
    expect(JSON.parse(output)).toEqual([false, true]);
  });
});
