import { graphLimits } from "../../provider/limits";
import { GraphError } from "../../emulator/graphErrors";
import { Throttle } from "../../emulator/throttle";
import { call, messagesSubscription, startHarness, tokenFor, type Harness, withHarnessAndToken } from "./support";
import { serverHookTimeoutMs } from "../hooks";

const { windowSeconds, requestsPerWindow } = graphLimits.subscriptionThrottle;
const app = { tenantId: "tenant-a", applicationId: "app-a" };

/** A throttle on a clock the test moves by hand. */
function throttleAt(options: ConstructorParameters<typeof Throttle>[1] = true) {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const throttle = new Throttle(() => now, options);
  return { throttle, advanceSeconds: (seconds: number) => (now += seconds * 1000) };
}

/** The 429 admit threw, or undefined when the request was admitted. */
function refusal(admit: () => void): GraphError | undefined {
  try {
    admit();
    return undefined;
  } catch (error) {
    if (error instanceof GraphError) return error;
    throw error;
  }
}

describe("Graph's subscription-API throttle", () => {
  test("takes Graph's documented allowances per app per tenant: 500 writes, 1,000 reauthorizes, 500 gets, 25 lists per 20 s", () => {
    expect(windowSeconds).toBe(20);
    expect(requestsPerWindow).toEqual({ write: 500, reauthorize: 1000, getById: 500, list: 25 });
    expect(throttleAt().throttle.state()).toMatchObject({ enabled: true, windowSeconds: 20, requestsPerWindow, throttled: 0 });
  });

  test("admits the allowance, then answers 429 with the whole seconds until the oldest request leaves the window", () => {
    const { throttle, advanceSeconds } = throttleAt({ requestsPerWindow: { list: 3 } });
    throttle.admit(app, "list");
    advanceSeconds(5);
    throttle.admit(app, "list");
    throttle.admit(app, "list");
    advanceSeconds(2.5);
    const refused = refusal(() => throttle.admit(app, "list"));
    expect(refused).toMatchObject({ status: 429, code: "TooManyRequests", message: "Please retry again later.", headers: { "Retry-After": "13" } });
    advanceSeconds(12.5);
    expect(refusal(() => throttle.admit(app, "list"))).toBeUndefined();
  });

  test("slides the window: a slot frees as each request turns 20 seconds old, never all at once", () => {
    const { throttle, advanceSeconds } = throttleAt({ requestsPerWindow: { write: 2 } });
    throttle.admit(app, "write");
    advanceSeconds(10);
    throttle.admit(app, "write");
    advanceSeconds(10);
    expect(refusal(() => throttle.admit(app, "write"))).toBeUndefined();
    expect(refusal(() => throttle.admit(app, "write"))?.headers["Retry-After"]).toBe("10");
  });

  test("never asks for less than one second", () => {
    const { throttle, advanceSeconds } = throttleAt({ requestsPerWindow: { getById: 1 } });
    throttle.admit(app, "getById");
    advanceSeconds(windowSeconds - 0.2);
    expect(refusal(() => throttle.admit(app, "getById"))?.headers["Retry-After"]).toBe("1");
  });

  test("does not count throttled requests, so a client that keeps retrying early is not held back longer", () => {
    const { throttle, advanceSeconds } = throttleAt({ requestsPerWindow: { list: 1 } });
    throttle.admit(app, "list");
    for (let i = 0; i < 10; i++) expect(refusal(() => throttle.admit(app, "list"))).toBeDefined();
    advanceSeconds(windowSeconds);
    expect(refusal(() => throttle.admit(app, "list"))).toBeUndefined();
    expect(throttle.state().throttled).toBe(10);
  });

  test("keeps one window per tenant, app and request class", () => {
    const { throttle } = throttleAt({ requestsPerWindow: { list: 1, getById: 1 } });
    throttle.admit(app, "list");
    expect(refusal(() => throttle.admit(app, "getById"))).toBeUndefined();
    expect(refusal(() => throttle.admit({ ...app, applicationId: "app-b" }, "list"))).toBeUndefined();
    expect(refusal(() => throttle.admit({ ...app, tenantId: "tenant-b" }, "list"))).toBeUndefined();
    expect(refusal(() => throttle.admit(app, "list"))).toBeDefined();
  });

  test("is off unless switched on, counts nothing while off, and reset returns to the start-up setting", () => {
    const { throttle } = throttleAt(false);
    for (let i = 0; i <= requestsPerWindow.list; i++) throttle.admit(app, "list");
    throttle.configure({ enabled: true, requestsPerWindow: { list: 1 } });
    expect(refusal(() => throttle.admit(app, "list"))).toBeUndefined();
    expect(refusal(() => throttle.admit(app, "list"))).toBeDefined();
    throttle.reset();
    expect(throttle.state()).toMatchObject({ enabled: false, requestsPerWindow, throttled: 0 });
  });

  test("names the request classes when asked for one it does not have", () => {
    expect(() => throttleAt().throttle.configure({ requestsPerWindow: { put: 3 } as never })).toThrow(
      "no request class 'put'; the throttle counts write, reauthorize, getById, list",
    );
  });

  describe("in the emulator", () => {
    let harness: Harness;
    let token: string;
    withHarnessAndToken((started, issued) => {
      harness = started;
      token = issued;
    });

    const list = () => call(harness.emulator, "GET", "/v1.0/subscriptions", { token });
    const create = (resource: string) =>
      call(harness.emulator, "POST", "/v1.0/subscriptions", { token, body: messagesSubscription(harness, { resource }) });

    test("is off by default", async () => {
      const statuses = [];
      for (let i = 0; i <= requestsPerWindow.list; i++) statuses.push((await list()).status);
      expect(new Set(statuses)).toEqual(new Set([200]));
      expect(harness.emulator.admin.throttleState()).toMatchObject({ enabled: false, throttled: 0 });
    });

    test("switched on over the admin API, answers the 26th list in 20 seconds with Graph's 429, and lets it through once the window moves", async () => {
      const { emulator } = harness;
      const switched = await call(emulator, "PUT", "/_emulator/throttle", { body: { enabled: true } });
      expect(switched.body).toEqual({ enabled: true, windowSeconds: 20, requestsPerWindow, throttled: 0 });
      for (let i = 0; i < requestsPerWindow.list; i++) expect((await list()).status).toBe(200);

      const throttled = await list();
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(throttled.headers.get("retry-after"))).toBeLessThanOrEqual(windowSeconds);
      expect(throttled.body).toEqual({
        error: {
          code: "TooManyRequests",
          message: "Please retry again later.",
          innerError: { date: expect.any(String), "request-id": throttled.headers.get("request-id"), "client-request-id": expect.any(String) },
        },
      });
      expect((await call(emulator, "GET", "/_emulator/stats")).body.throttled).toBe(1);

      emulator.admin.advanceClock((windowSeconds + 1) / 60);
      expect((await list()).status).toBe(200);
    });

    test("does not carry out a throttled write", async () => {
      const { emulator } = harness;
      emulator.admin.setThrottle({ requestsPerWindow: { write: 2 } });
      expect((await create("users/a@contoso.com/messages")).status).toBe(201);
      expect((await create("users/b@contoso.com/messages")).status).toBe(201);
      expect((await create("users/c@contoso.com/messages")).status).toBe(429);
      expect(emulator.admin.listSubscriptions().map((subscription) => subscription.resource).sort()).toEqual([
        "users/a@contoso.com/messages",
        "users/b@contoso.com/messages",
      ]);
      expect(emulator.admin.stats().throttled).toBe(1);
    });

    test("counts reauthorize apart from writes", async () => {
      const { emulator } = harness;
      const { body: created } = await create("users/a@contoso.com/messages");
      emulator.admin.setThrottle({ requestsPerWindow: { write: 1, reauthorize: 1 } });
      expect((await call(emulator, "POST", `/v1.0/subscriptions/${created.id}/reauthorize`, { token })).status).toBe(204);
      expect((await call(emulator, "DELETE", `/v1.0/subscriptions/${created.id}`, { token })).status).toBe(204);
    });

    test("starts switched on with the throttle option", async () => {
      const other = await startHarness({ throttle: { requestsPerWindow: { list: 1 } } });
      try {
        const otherToken = await tokenFor(other.emulator);
        expect((await call(other.emulator, "GET", "/v1.0/subscriptions", { token: otherToken })).status).toBe(200);
        expect((await call(other.emulator, "GET", "/v1.0/subscriptions", { token: otherToken })).status).toBe(429);
      } finally {
        await other.close();
      }
    }, serverHookTimeoutMs);
  });
});
