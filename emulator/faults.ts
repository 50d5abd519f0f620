import { GraphError } from "./graphErrors";

/**
 * Injected failures and latency, so tests can watch the provider retry and time out. They apply to
 * Graph API requests only: the sign-in endpoints and the admin API are never disturbed.
 *
 * Retry-After is enforced, as Graph's throttling does: once a fault with a Retry-After has been served,
 * matching requests that arrive before the wait is over get 429 again (with the remaining Retry-After),
 * are flagged as early retries, and do not use up the fault. A client that ignores Retry-After never
 * gets through early. The wait is measured on the emulated clock, which moves with real time (and
 * jumps when a test advances it).
 */

export interface FaultSpec {
  /** 429, 500 or 503 (any 4xx/5xx is accepted). */
  status: number;
  /** Sent as Retry-After. For 429 it defaults to 1, as Graph always sends one when throttling. */
  retryAfterSeconds?: number;
  /** How many matching requests fail; default 1. */
  count?: number;
  /** Only requests with this method (any case). */
  method?: string;
  /** Only requests whose path (without query) contains this text (any case). */
  path?: string;
  /**
   * Carry the request out, then answer with the fault: a gateway that timed out after Graph had done
   * the work, so a client's retry meets the result of its first attempt (a 409 after a POST).
   */
  afterApply?: boolean;
}

export interface ActiveFault extends Required<Pick<FaultSpec, "status" | "count">>, Omit<FaultSpec, "status" | "count"> {
  id: number;
  /** After the fault was last served with a Retry-After: the emulated time before which matching requests get 429. */
  notBefore?: string;
}

/** What the server answers with when a fault applies. */
export interface ServedFault {
  error: GraphError;
  /** The request came before the Retry-After of an earlier response had passed. */
  earlyRetry: boolean;
  /** Answer with the error only after carrying the request out. */
  afterApply: boolean;
}

const faultCodes: Record<number, [string, string]> = {
  429: ["TooManyRequests", "Please retry again later."],
  500: ["InternalServerError", "An internal server error occurred."],
  503: ["ServiceUnavailable", "The service is temporarily unavailable. Please retry later."],
  504: ["GatewayTimeout", "The gateway did not receive a response in time."],
};

interface FaultState extends ActiveFault {
  notBeforeMs?: number;
}

export class Faults {
  private active: FaultState[] = [];
  private nextId = 1;
  latencyMs = 0;

  /** `now` is the emulated clock in epoch milliseconds. */
  constructor(private readonly now: () => number = () => Date.now()) {}

  inject(spec: FaultSpec): ActiveFault {
    if (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599) {
      throw new Error(`fault status must be an HTTP error status (400-599), got ${String(spec.status)}`);
    }
    if (spec.retryAfterSeconds !== undefined && (!Number.isFinite(spec.retryAfterSeconds) || spec.retryAfterSeconds < 0)) {
      throw new Error(`retryAfterSeconds must be a number of seconds >= 0, got ${String(spec.retryAfterSeconds)}`);
    }
    const fault: FaultState = {
      ...spec,
      id: this.nextId++,
      count: spec.count ?? 1,
      retryAfterSeconds: spec.retryAfterSeconds ?? (spec.status === 429 ? 1 : undefined),
    };
    this.active.push(fault);
    return view(fault);
  }

  /** Faults with uses left, and used-up ones whose Retry-After has not yet passed (count 0). */
  list(): ActiveFault[] {
    this.dropFinished(this.now());
    return this.active.map(view);
  }

  clear(): void {
    this.active = [];
    this.latencyMs = 0;
  }

  /**
   * The error to answer a Graph request with, if a fault matches. An early retry (before the fault's
   * notBefore) gets 429 with the remaining Retry-After and uses nothing up; otherwise one use is consumed
   * and, when the fault has a Retry-After, notBefore is set from now.
   */
  take(method: string, path: string): ServedFault | undefined {
    const now = this.now();
    this.dropFinished(now);
    const fault = this.active.find(
      (candidate) =>
        (!candidate.method || candidate.method.toUpperCase() === method.toUpperCase())
        && (!candidate.path || path.toLowerCase().includes(candidate.path.toLowerCase())),
    );
    if (!fault) return undefined;
    if (fault.notBeforeMs !== undefined && now < fault.notBeforeMs) {
      const remaining = Math.max(1, Math.ceil((fault.notBeforeMs - now) / 1000));
      const [code, message] = faultCodes[429];
      return { error: new GraphError(429, code, message, { "Retry-After": String(remaining) }), earlyRetry: true, afterApply: false };
    }
    fault.count -= 1;
    if (fault.retryAfterSeconds !== undefined && fault.retryAfterSeconds > 0) {
      fault.notBeforeMs = now + fault.retryAfterSeconds * 1000;
      fault.notBefore = new Date(fault.notBeforeMs).toISOString();
    } else {
      fault.notBeforeMs = undefined;
      fault.notBefore = undefined;
    }
    this.dropFinished(now);
    const [code, message] = faultCodes[fault.status] ?? ["InjectedFault", `Injected ${fault.status} response.`];
    const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { "Retry-After": String(fault.retryAfterSeconds) };
    return { error: new GraphError(fault.status, code, message, headers), earlyRetry: false, afterApply: fault.afterApply === true };
  }

  /** A used-up fault stays only while its Retry-After is still running. */
  private dropFinished(now: number): void {
    this.active = this.active.filter((fault) => fault.count > 0 || (fault.notBeforeMs !== undefined && now < fault.notBeforeMs));
  }
}

function view(fault: FaultState): ActiveFault {
  const { notBeforeMs: _internal, ...rest } = fault;
  return { ...rest };
}
