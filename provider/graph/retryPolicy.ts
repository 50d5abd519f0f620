/**
 * How long the provider keeps trying, and how it spaces its attempts. The defaults suit an unattended
 * pipeline: a throttled run waits as long as Graph asks (bounded only by the operation's deadline),
 * while a failing service is given a handful of spaced attempts and then a clear error.
 */
export interface RetryPolicy {
  /** Attempts after the first for 5xx answers, timeouts and broken connections (429s do not count). */
  maxRetries: number;
  /** The whole operation, waits included. */
  operationTimeoutMs: number;
  /** One HTTP attempt; a slower answer is abandoned and retried. */
  requestTimeoutMs: number;
  /** Exponential backoff: base * 2^attempt, capped, with full jitter. */
  backoffBaseMs: number;
  backoffCapMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 6,
  operationTimeoutMs: 600_000,
  requestTimeoutMs: 60_000,
  backoffBaseMs: 1_000,
  backoffCapMs: 30_000,
};

/**
 * "Full jitter" (AWS architecture blog, Exponential Backoff and Jitter): a uniform wait up to the
 * exponential bound, so that clients that failed together do not retry together.
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const bound = Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** retry);
  return Math.round(random() * bound);
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
