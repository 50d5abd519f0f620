import { Faults, type FaultSpec } from "../../emulator/faults";
import { seededRandom } from "../../emulator/random";
import { call, messagesSubscription, type Harness, withHarnessAndToken } from "./support";

/** Which of `requests` matching requests a fresh Faults with `spec` faults (true) or lets through. */
function pattern(spec: FaultSpec, requests: number): boolean[] {
  const faults = new Faults(() => 0);
  faults.inject(spec);
  return Array.from({ length: requests }, () => faults.take("GET", "/v1.0/subscriptions") !== undefined);
}

/** Waits for `check` to hold, up to 10 s; what it waited for is in the failure message. */
async function eventually(check: () => boolean, waitingFor: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after 10s waiting for ${waitingFor}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("random faults", () => {
  test("fault the same requests for the same seed, and other requests for another", () => {
    const spec = { status: 503, rate: 0.3, seed: 42 };
    expect(pattern(spec, 200)).toEqual(pattern(spec, 200));
    expect(pattern(spec, 200)).not.toEqual(pattern({ ...spec, seed: 43 }, 200));
  });

  test("fault about `rate` of the matching requests", () => {
    const faulted = pattern({ status: 503, rate: 0.25, seed: 7 }, 4000).filter(Boolean).length;
    expect(faulted / 4000).toBeGreaterThan(0.2);
    expect(faulted / 4000).toBeLessThan(0.3);
  });

  test.each([
    [0, false],
    [1, true],
  ])("with rate %d fault %s request", (rate, expected) => {
    expect(new Set(pattern({ status: 500, rate, seed: 1 }, 50))).toEqual(new Set([expected]));
  });

  test("stop after `count` faults when given one", () => {
    expect(pattern({ status: 500, rate: 1, count: 3 }, 5)).toEqual([true, true, true, false, false]);
  });

  test("carry out about `afterApplyRate` of their faulted requests first", () => {
    const faults = new Faults(() => 0);
    faults.inject({ kind: "reset", rate: 1, seed: 9, afterApplyRate: 0.5 });
    const applied = Array.from({ length: 1000 }, () => faults.take("POST", "/v1.0/subscriptions")!.afterApply).filter(Boolean).length;
    expect(applied).toBeGreaterThan(400);
    expect(applied).toBeLessThan(600);
    expect(faults.stats()).toEqual({ served: { status: 0, reset: 1000, slow: 0, garbled: 0 }, byStatus: {}, afterApply: applied, earlyRetries: 0 });
  });

  test("draw from a small seeded generator that repeats and stays in [0, 1)", () => {
    const first = seededRandom(123);
    const second = seededRandom(123);
    const draws = Array.from({ length: 1000 }, () => first());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => second()));
    expect(draws.every((draw) => draw >= 0 && draw < 1)).toBe(true);
  });

  test.each([
    [{ status: 503, rate: 1.5 }, "rate must be a fraction between 0 and 1, got 1.5"],
    [{ status: 503, seed: 3 }, "seed and afterApplyRate need a rate; a count-based fault uses afterApply"],
    [{ status: 503, rate: 0.5, afterApply: true, afterApplyRate: 0.5 }, "give afterApply (every fault) or afterApplyRate (a fraction of them), not both"],
    [{ kind: "slow" }, 'a "slow" fault needs delayMs, a number of milliseconds >= 0, got undefined'],
    [{ kind: "reset", status: 503 }, 'status and retryAfterSeconds apply to kind "status" only; a "reset" fault sends no status'],
    [{ kind: "hang" }, "fault kind must be one of status, reset, slow, garbled, got hang"],
  ])("refuse the spec %j, saying why", (spec, message) => {
    expect(() => new Faults().inject(spec as FaultSpec)).toThrow(message);
  });
});

describe("transport faults and fault counters in the emulator", () => {
  let harness: Harness;
  let token: string;
  withHarnessAndToken((started, issued) => {
    harness = started;
    token = issued;
  });

  const create = () => call(harness.emulator, "POST", "/v1.0/subscriptions", { token, body: messagesSubscription(harness) });
  /** A Graph request that gives up after `timeoutMs`, as a client with a timeout does. */
  const request = (method: string, path: string, timeoutMs: number) =>
    fetch(`${harness.emulator.url}${path}`, { method, headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });

  test("a rate-based fault over HTTP fails the requests its seed picks", async () => {
    const { emulator } = harness;
    const injected = await call(emulator, "POST", "/_emulator/faults", { body: { status: 503, rate: 0.5, seed: 11, method: "GET" } });
    expect(injected.body).toMatchObject({ kind: "status", status: 503, rate: 0.5, seed: 11, count: null, served: 0 });
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await call(emulator, "GET", "/v1.0/subscriptions", { token })).status);
    expect(statuses).toEqual(pattern({ status: 503, rate: 0.5, seed: 11 }, 12).map((faulted) => (faulted ? 503 : 200)));
    expect(emulator.admin.listFaults()[0].served).toBe(statuses.filter((status) => status === 503).length);
  });

  test("a reset closes the connection without an answer, and with afterApply the retry meets the first attempt's subscription", async () => {
    const { emulator } = harness;
    emulator.admin.injectFault({ kind: "reset", method: "POST", afterApply: true });
    await expect(create()).rejects.toThrow();
    expect(emulator.admin.listSubscriptions()).toHaveLength(1);
    const retry = await create();
    expect(retry.status).toBe(409);
    expect(emulator.admin.requestLog().map((entry) => [entry.method, entry.status, entry.injectedFault])).toEqual(
      expect.arrayContaining([["POST", 0, true], ["POST", 409, false]]),
    );
  });

  test("a reset without afterApply leaves nothing behind", async () => {
    const { emulator } = harness;
    emulator.admin.injectFault({ kind: "reset", method: "POST" });
    await expect(create()).rejects.toThrow();
    expect(emulator.admin.listSubscriptions()).toEqual([]);
    expect((await create()).status).toBe(201);
  });

  test("a slow fault with afterApply carries the request out at once and holds the answer past the client's timeout", async () => {
    const { emulator } = harness;
    const { body: created } = await create();
    emulator.admin.injectFault({ kind: "slow", delayMs: 60_000, method: "DELETE", afterApply: true });
    await expect(request("DELETE", `/v1.0/subscriptions/${created.id}`, 2_000)).rejects.toThrow(/aborted|timeout/i);
    await eventually(() => emulator.admin.getSubscription(created.id) === undefined, "the held DELETE to be carried out");
    expect(emulator.admin.stats().faults.served.slow).toBe(1);
  });

  test("a slow fault without afterApply carries the request out only after the delay", async () => {
    const { emulator } = harness;
    const { body: created } = await create();
    emulator.admin.injectFault({ kind: "slow", delayMs: 60_000, method: "DELETE" });
    await expect(request("DELETE", `/v1.0/subscriptions/${created.id}`, 2_000)).rejects.toThrow(/aborted|timeout/i);
    await eventually(() => emulator.admin.stats().faults.served.slow === 1, "the slow fault to be served");
    expect(emulator.admin.getSubscription(created.id)).toBeDefined();
  });

  test("counts the faults served by kind and status, early retries apart", async () => {
    const { emulator } = harness;
    emulator.admin.injectFault({ status: 503, retryAfterSeconds: 30, method: "GET" });
    emulator.admin.injectFault({ kind: "reset", method: "POST" });
    expect((await call(emulator, "GET", "/v1.0/subscriptions", { token })).status).toBe(503);
    expect((await call(emulator, "GET", "/v1.0/subscriptions", { token })).status).toBe(429);
    await expect(create()).rejects.toThrow();

    const stats = await call(emulator, "GET", "/_emulator/stats");
    expect(stats.body).toEqual({
      faults: { served: { status: 1, reset: 1, slow: 0, garbled: 0 }, byStatus: { "503": 1 }, afterApply: 0, earlyRetries: 1 },
      throttled: 0,
    });
    expect((await call(emulator, "DELETE", "/_emulator/stats")).status).toBe(204);
    expect(emulator.admin.stats().faults.served).toEqual({ status: 0, reset: 0, slow: 0, garbled: 0 });
  });
});
