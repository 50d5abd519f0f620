import { graphLimits, type SubscriptionRequestClass } from "../limits";
import { sleep } from "./throttleGate";

const { windowSeconds, requestsPerWindow } = graphLimits.subscriptionThrottle;

/**
 * Graph's documented allowance per request class (graphLimits.subscriptionThrottle: 500 writes, 500 GETs by id,
 * 25 lists per 20 s per app and tenant), kept on this side. One per client, and so per app and tenant in a process.
 *
 * Without it a fleet learns the allowance from 429s: 64 requests in flight meet the full window together, the
 * throttle gate (throttleGate.ts) holds every request for a Retry-After of whole seconds, and they all go again at
 * once. At 5,000 renewals that was 1,148 throttled answers and about 30 s over the 180 s the allowance itself takes
 * (BENCHMARKS.md). Here a request that would be the allowance's next one in the window waits until the request that
 * many before it is a window old, and goes then. Other apps' requests and other processes are not seen, so a 429 can
 * still come, and the gate still answers it.
 *
 * A request's time is when it was sent until its answer comes, and then the answer's time. Graph counts a request
 * when it arrives, which is somewhere between the two: a request held up on its way (a busy event loop, a slow
 * connection) arrives late, and the one an allowance after it, sent a window after it was sent, could arrive within
 * the same window. A few such 429s at 5,000 renewals each shut the gate for a Retry-After of whole seconds, and cost
 * 15 s (BENCHMARKS.md); counting from the answer costs the latency once a window.
 */
export class Pace {
  /**
   * The last `allowance` requests of each class in the order they were sent, each with the latest time Graph can have
   * counted it by: its send time and the margin while it is on its way, its answer's time once that has come.
   */
  private readonly sent = new Map<SubscriptionRequestClass, Array<{ countedBy: number }>>();
  /** The last turn of each class: turns are taken in the order they were asked for. */
  private readonly turns = new Map<SubscriptionRequestClass, Promise<void>>();
  /** Turns asked for and not yet taken, per class: they go before a request asked for now. */
  private readonly waiting = new Map<SubscriptionRequestClass, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void> = sleep,
    private readonly allowances: Readonly<Record<SubscriptionRequestClass, number>> = requestsPerWindow,
  ) {}

  /**
   * Resolves when a request of `requestClass` may be sent within the allowance, with the function to call when its
   * answer (or its failure) has come; rejects when `signal` aborts first, or with what `ready` rejects with. The turn
   * counts as waiting from the moment it is asked for, and is taken once `ready` (Graph's Retry-After,
   * throttleGate.ts) has resolved: a refresh choosing between a GET and a list page sees the requests already on
   * their way (listedReads.ts).
   */
  turn(requestClass: SubscriptionRequestClass, signal?: AbortSignal, ready?: () => Promise<void>): Promise<() => void> {
    this.waiting.set(requestClass, (this.waiting.get(requestClass) ?? 0) + 1);
    let counted = true;
    const taken = () => {
      if (!counted) return;
      counted = false;
      this.waiting.set(requestClass, this.waiting.get(requestClass)! - 1);
    };
    const mine = (this.turns.get(requestClass) ?? Promise.resolve()).then(() => this.take(requestClass, signal, ready, taken)).finally(taken);
    this.turns.set(requestClass, mine.then(() => undefined, () => undefined));
    return mine;
  }

  /**
   * Milliseconds a request of `requestClass` asked for now would wait, behind the turns already waiting: for a
   * deadline's sake, and for a refresh to choose between a GET by id and a list page (listedReads.ts).
   */
  waitMs(requestClass: SubscriptionRequestClass): number {
    return this.waitBehind(requestClass, this.waiting.get(requestClass) ?? 0);
  }

  /**
   * A request goes when the one an allowance before it is a window old. When that one is still waiting too, it
   * goes a window after that one's own turn, and so on back to one already sent, or to one that may go now.
   */
  private waitBehind(requestClass: SubscriptionRequestClass, ahead: number): number {
    const times = this.sent.get(requestClass) ?? [];
    const allowance = this.allowances[requestClass];
    const step = windowMs + marginMs;
    let before = times.length + ahead - allowance;
    let windows = 1;
    for (; before >= times.length; before -= allowance) windows++;
    const from = times[before];
    const goesAt = Math.max(this.now() + (windows - 1) * step, from ? from.countedBy + windowMs + (windows - 1) * step : 0);
    return Math.max(0, goesAt - this.now());
  }

  private async take(requestClass: SubscriptionRequestClass, signal: AbortSignal | undefined, ready: (() => Promise<void>) | undefined, taken: () => void): Promise<() => void> {
    // Every earlier turn has been taken: none is ahead of this one. Graph's Retry-After is looked at again after
    // every wait for the window, since a 429 may come while this turn waits.
    for (;;) {
      await ready?.();
      const ms = this.waitBehind(requestClass, 0);
      if (ms <= 0) break;
      await this.wait(ms, signal);
    }
    const times = this.sent.get(requestClass) ?? [];
    const request = { countedBy: this.now() + marginMs };
    times.push(request);
    taken();
    if (times.length > this.allowances[requestClass]) times.shift();
    this.sent.set(requestClass, times);
    // An answer comes after Graph counted the request, so only a request still on its way needs the margin.
    return () => {
      request.countedBy = this.now() + answeredMarginMs;
    };
  }
}

const windowMs = windowSeconds * 1000;
/**
 * Graph counts a request when it arrives, not when it was sent: a request that met more delay on its way than the
 * one an allowance later would otherwise land inside the earlier one's window.
 */
const marginMs = 500;
/** After an answer, Graph has counted the request already; this much is for the rounding of either clock. */
const answeredMarginMs = 100;
