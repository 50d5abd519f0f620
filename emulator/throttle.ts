import { graphLimits, type SubscriptionRequestClass } from "../provider/limits";
import { GraphError } from "./graphErrors";

/**
 * Graph's throttle on the subscription API itself (graphLimits.subscriptionThrottle): per app per tenant,
 * each request class has its own allowance in a sliding window, measured on the emulated clock so tests
 * can move past it. Over the allowance Graph answers 429 with Retry-After; a throttled request is not
 * carried out and does not count. Off unless turned on, because Graph's allowances are far above what a
 * test makes, and a suite that wants 429s asks for them.
 */

export interface ThrottleOptions {
  /** Default true when options are given. */
  enabled?: boolean;
  /** Lower (or raise) allowances, e.g. so a test meets the write limit without 500 requests. */
  requestsPerWindow?: Partial<Record<SubscriptionRequestClass, number>>;
}

export interface ThrottleState {
  enabled: boolean;
  windowSeconds: number;
  requestsPerWindow: Record<SubscriptionRequestClass, number>;
  /** 429 responses the throttle has sent since the last reset. */
  throttled: number;
}

const { windowSeconds, requestsPerWindow: documented } = graphLimits.subscriptionThrottle;
const windowMs = windowSeconds * 1000;
const requestClasses = Object.keys(documented) as SubscriptionRequestClass[];

export class Throttle {
  private enabled = false;
  private allowances: Record<SubscriptionRequestClass, number> = { ...documented };
  private throttledCount = 0;
  /** Emulated arrival times of counted requests, per tenant, app and class. */
  private windows = new Map<string, number[]>();

  /** `now` is the emulated clock in epoch milliseconds; `startup` is what reset returns to. */
  constructor(
    private readonly now: () => number,
    private readonly startup: ThrottleOptions | boolean = false,
  ) {
    this.reset();
  }

  configure(options: ThrottleOptions | boolean): ThrottleState {
    const { enabled = true, requestsPerWindow = {} } = typeof options === "boolean" ? { enabled: options } : options;
    if (typeof enabled !== "boolean") throw new Error(`enabled must be true or false, got ${String(enabled)}`);
    for (const [name, allowance] of Object.entries(requestsPerWindow)) {
      if (!(requestClasses as string[]).includes(name)) {
        throw new Error(`no request class '${name}'; the throttle counts ${requestClasses.join(", ")}`);
      }
      if (!(Number.isInteger(allowance) && allowance! > 0)) throw new Error(`${name} allowance must be a whole number > 0, got ${String(allowance)}`);
    }
    this.enabled = enabled;
    this.allowances = { ...this.allowances, ...requestsPerWindow };
    return this.state();
  }

  state(): ThrottleState {
    return { enabled: this.enabled, windowSeconds, requestsPerWindow: { ...this.allowances }, throttled: this.throttledCount };
  }

  /** Back to the start-up settings: Graph's allowances unless the options changed them, empty windows, counter 0. */
  reset(): void {
    this.enabled = false;
    this.allowances = { ...documented };
    this.windows.clear();
    this.throttledCount = 0;
    this.configure(this.startup);
  }

  clearCount(): void {
    this.throttledCount = 0;
  }

  /** Counts the request in its window, or throws Graph's 429 when the window is full. */
  admit(caller: { tenantId: string; applicationId: string }, requestClass: SubscriptionRequestClass): void {
    if (!this.enabled) return;
    const now = this.now();
    const key = `${caller.tenantId}\n${caller.applicationId}\n${requestClass}`;
    // Arrivals after `now` can only follow a test setting the clock back; they stay counted until they age out.
    const arrivals = (this.windows.get(key) ?? []).filter((arrival) => arrival > now - windowMs);
    this.windows.set(key, arrivals);
    if (arrivals.length < this.allowances[requestClass]) {
      arrivals.push(now);
      return;
    }
    this.throttledCount += 1;
    const oldest = Math.min(...arrivals);
    const seconds = Math.min(windowSeconds, Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)));
    throw new GraphError(429, "TooManyRequests", "Please retry again later.", { "Retry-After": String(seconds) });
  }
}
