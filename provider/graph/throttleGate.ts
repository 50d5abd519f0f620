/**
 * One per Graph host in a provider process. Graph throttles per app and tenant, not per request: when
 * any request is told to wait (429, or 503 with Retry-After), every request to that host waits the same
 * time, instead of each finding out for itself and all of them retrying at once when their own waits end.
 */
export class ThrottleGate {
  private openAtMs = 0;
  private pauses = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Graph asked for `seconds` of quiet; a later, longer request for quiet wins. */
  pause(seconds: number): void {
    this.pauses++;
    this.openAtMs = Math.max(this.openAtMs, this.now() + seconds * 1000);
  }

  /** Milliseconds until requests may go again; 0 when the gate is open. */
  remainingMs(): number {
    return Math.max(0, this.openAtMs - this.now());
  }

  /** How many times Graph asked this process to wait. */
  get pauseCount(): number {
    return this.pauses;
  }

  /** Resolves once the gate is open (re-checked, since another answer may have extended the pause). */
  async opened(signal?: AbortSignal): Promise<void> {
    for (let wait = this.remainingMs(); wait > 0; wait = this.remainingMs()) {
      await sleep(wait, signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
