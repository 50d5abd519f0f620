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
 */
export class Pace {
  /** Send times of the last `allowance` requests of each class, oldest first. */
  private readonly sent = new Map<SubscriptionRequestClass, number[]>();
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
   * Resolves when a request of `requestClass` may be sent within the allowance; rejects when `signal` aborts first,
   * or with what `ready` rejects with. The turn counts as waiting from the moment it is asked for, and is taken once
   * `ready` (Graph's Retry-After, throttleGate.ts) has resolved: a refresh choosing between a GET and a list page
   * sees the requests already on their way (listedReads.ts).
   */
  turn(requestClass: SubscriptionRequestClass, signal?: AbortSignal, ready?: () => Promise<void>): Promise<void> {
    this.waiting.set(requestClass, (this.waiting.get(requestClass) ?? 0) + 1);
    const mine = (this.turns.get(requestClass) ?? Promise.resolve())
      .then(async () => {
        await ready?.();
        await this.take(requestClass, signal);
      })
      .finally(() => this.waiting.set(requestClass, this.waiting.get(requestClass)! - 1));
    this.turns.set(requestClass, mine.catch(() => undefined));
    return mine;
  }

  /**
   * Milliseconds a request of `requestClass` asked for now would wait, behind the turns already waiting: for a
   * deadline's sake, and for a refresh to choose between a GET by id and a list page (listedReads.ts).
   */
  waitMs(requestClass: SubscriptionRequestClass): number {
    return this.waitBehind(requestClass, this.waiting.get(requestClass) ?? 0);
  }

  private waitBehind(requestClass: SubscriptionRequestClass, ahead: number): number {
    const times = this.sent.get(requestClass) ?? [];
    const allowance = this.allowances[requestClass];
    const index = times.length + ahead - allowance;
    if (index < 0) return 0;
    if (index < times.length) return Math.max(0, times[index]! + windowMs + marginMs - this.now());
    // The one an allowance before it has not gone yet either: a window for every allowance still ahead of it.
    return (Math.floor((index - times.length) / allowance) + 1) * (windowMs + marginMs);
  }

  private async take(requestClass: SubscriptionRequestClass, signal?: AbortSignal): Promise<void> {
    // Every earlier turn has been taken: none is ahead of this one.
    const ms = this.waitBehind(requestClass, 0);
    if (ms > 0) await this.wait(ms, signal);
    const times = this.sent.get(requestClass) ?? [];
    times.push(this.now());
    if (times.length > this.allowances[requestClass]) times.shift();
    this.sent.set(requestClass, times);
  }
}

const windowMs = windowSeconds * 1000;
/**
 * Graph counts a request when it arrives, not when it was sent: a request that met more delay on its way than the
 * one an allowance later would otherwise land inside the earlier one's window.
 */
const marginMs = 500;
