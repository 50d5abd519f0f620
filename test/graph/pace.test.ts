import { Pace } from "../../provider/graph/pace";

/** A clock that moves only when the pace waits, so the times it sends at are exact. */
function pacedClock() {
  const clock = { time: 0 };
  const wait = async (ms: number) => {
    clock.time += ms;
  };
  return { clock, now: () => clock.time, wait };
}

describe("the pace of Graph's documented allowances", () => {
  it("sends the allowance at once, then each request when the one an allowance before it is a window (and a margin) old", async () => {
    const { now, wait } = pacedClock();
    const pace = new Pace(now, wait, { write: 3, reauthorize: 3, getById: 3, list: 3 });
    const sentAt: number[] = [];
    await Promise.all(Array.from({ length: 7 }, () => pace.turn("write").then(() => sentAt.push(now()))));
    expect(sentAt).toEqual([0, 0, 0, 20_500, 20_500, 20_500, 41_000]);
  });

  it("counts a request from its answer once it has come, so one held up on its way cannot share a window with the one an allowance later", async () => {
    const { clock, now, wait } = pacedClock();
    const pace = new Pace(now, wait, { write: 2, reauthorize: 2, getById: 2, list: 2 });
    const first = await pace.turn("write");
    const second = await pace.turn("write");
    // The first answer comes 1.5 s after it was sent (Graph may have counted it as late as that); the second's never comes.
    clock.time += 1_500;
    first();
    const sentAt: number[] = [];
    await Promise.all([pace.turn("write"), pace.turn("write")].map((turn) => turn.then(() => sentAt.push(now()))));
    // A window after the first's answer (with a rounding's margin, not the margin for a request on its way).
    expect(sentAt).toEqual([21_600, 21_600]);
    second();
    expect(pace.waitMs("write")).toBeGreaterThanOrEqual(20_100);
  });

  it("keeps each request class's allowance apart", async () => {
    const { now, wait } = pacedClock();
    const pace = new Pace(now, wait, { write: 1, reauthorize: 1, getById: 1, list: 1 });
    await pace.turn("write");
    expect(pace.waitMs("write")).toBe(20_500);
    expect(pace.waitMs("list")).toBe(0);
    await pace.turn("list");
    expect(now()).toBe(0);
  });

  it("takes Graph's documented allowances by default: 25 lists per 20 s", async () => {
    const { now, wait } = pacedClock();
    const pace = new Pace(now, wait);
    for (let i = 0; i < 25; i++) await pace.turn("list");
    expect(now()).toBe(0);
    await pace.turn("list");
    expect(now()).toBe(20_500);
  });

  it("counts the turns still waiting: a request asked for behind a full allowance of them waits a window", async () => {
    const { now, wait } = pacedClock();
    const pace = new Pace(now, wait, { write: 2, reauthorize: 2, getById: 2, list: 2 });
    const asked = [pace.turn("getById"), pace.turn("getById")];
    expect(pace.waitMs("getById")).toBe(20_500);
    asked.push(pace.turn("getById"), pace.turn("getById"));
    expect(pace.waitMs("getById")).toBe(41_000);
    await Promise.all(asked);
    expect(pace.waitMs("getById")).toBe(20_500);
  });

  it("counts back through waiting turns to the ones sent: a full window sent and a full allowance waiting is two windows from the first", async () => {
    const { clock, now, wait } = pacedClock();
    const pace = new Pace(now, wait, { write: 2, reauthorize: 2, getById: 2, list: 2 });
    await Promise.all([pace.turn("write"), pace.turn("write")]);
    clock.time = 1_000;
    const waiting = [pace.turn("write"), pace.turn("write")];
    expect(pace.waitMs("write")).toBe(40_000);
    await Promise.all(waiting);
  });

  it("lets the next turn go when one's readiness fails, and no longer counts it as waiting", async () => {
    const { now, wait } = pacedClock();
    const pace = new Pace(now, wait, { write: 1, reauthorize: 1, getById: 1, list: 1 });
    const refused = pace.turn("list", undefined, () => Promise.reject(new Error("gave up waiting for Retry-After")));
    const next = pace.turn("list");
    await expect(refused).rejects.toThrow("Retry-After");
    await next;
    expect(now()).toBe(0);
    expect(pace.waitMs("list")).toBe(20_500);
  });

  it("looks at Graph's Retry-After again after waiting for the window", async () => {
    const { now, wait } = pacedClock();
    const pace = new Pace(now, wait, { write: 1, reauthorize: 1, getById: 1, list: 1 });
    await pace.turn("write");
    let looked = 0;
    await pace.turn("write", undefined, async () => {
      looked++;
    });
    expect(looked).toBe(2);
    expect(now()).toBe(20_500);
  });

  it("gives up a turn when the operation's deadline passes while it waits", async () => {
    const pace = new Pace(Date.now, undefined, { write: 1, reauthorize: 1, getById: 1, list: 1 });
    await pace.turn("write");
    const deadline = AbortSignal.timeout(10);
    await expect(pace.turn("write", deadline)).rejects.toBeDefined();
  });
});
