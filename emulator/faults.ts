import { GraphError } from "./graphErrors";
import { seededRandom } from "./random";

/**
 * Injected failures and latency, so tests can watch the provider retry and time out. They apply to
 * Graph API requests only: the sign-in endpoints and the admin API are never disturbed.
 *
 * A fault is count-based (the next `count` matching requests) or rate-based (each matching request with
 * probability `rate`, drawn from a generator seeded with `seed`, so a run can be repeated). It answers in
 * one of three ways (`kind`): an HTTP error ("status"), a connection closed without any answer ("reset"),
 * or an answer held back for `delayMs` ("slow"), longer than a client's timeout, so the client gives up
 * and retries. With `afterApply` (or, for a rate-based fault, `afterApplyRate`: the fraction of its
 * faults that do so) the request is carried out first: the client's retry then meets the result of its
 * first attempt, as behind a gateway that timed out after Graph had done the work.
 *
 * Retry-After is enforced, as Graph's throttling does: once a status fault with a Retry-After has been
 * served, matching requests that arrive before the wait is over get 429 again (with the remaining
 * Retry-After), are flagged as early retries, and do not use up the fault. A client that ignores
 * Retry-After never gets through early. The wait is measured on the emulated clock, which moves with real
 * time (and jumps when a test advances it).
 */

export type FaultKind = "status" | "reset" | "slow" | "garbled";
const faultKinds: readonly FaultKind[] = ["status", "reset", "slow", "garbled"];

export interface FaultSpec {
  /** How the fault answers; default "status". */
  kind?: FaultKind;
  /** kind "status" only, and required there: 429, 500 or 503 (any 4xx/5xx is accepted). */
  status?: number;
  /** kind "status" only. Sent as Retry-After. For 429 it defaults to 1, as Graph always sends one when throttling. */
  retryAfterSeconds?: number;
  /** How many faults this spec serves; default 1, or no limit for a rate-based fault. */
  count?: number;
  /** 0..1: the chance that a matching request is faulted. Without it, every matching request is (until count runs out). */
  rate?: number;
  /** Seed of the rate's generator (an unsigned 32-bit integer); default 1. */
  seed?: number;
  /** Only requests with this method (any case). */
  method?: string;
  /** Only requests whose path (without query) contains this text (any case). */
  path?: string;
  /** Carry every faulted request out before answering (reset: before closing; slow: before waiting). */
  afterApply?: boolean;
  /** Rate-based faults: the fraction (0..1) of served faults that carry the request out first. */
  afterApplyRate?: number;
  /**
   * kind "slow" only, and required there: milliseconds (real time) before the answer. The request is
   * carried out after the wait, unless afterApply says before; either way the answer is the real one.
   */
  delayMs?: number;
  /**
   * kind "garbled" only: what a proxy, a truncating gateway or a broken deployment answers instead of
   * Graph: this status (default 502), content type and body, sent as they are.
   */
  garbled?: { status?: number; contentType?: string; body: string };
}

export interface ActiveFault extends Omit<FaultSpec, "count"> {
  id: number;
  kind: FaultKind;
  /** Faults it may still serve; null for a rate-based fault without a count (no limit). */
  count: number | null;
  /** Faults it has served so far. */
  served: number;
  /** After the fault was last served with a Retry-After: the emulated time before which matching requests get 429. */
  notBefore?: string;
}

/** What the server does with a request a fault applies to. */
export type ServedFault =
  | { kind: "status"; error: GraphError; /** Came before the Retry-After of an earlier response had passed. */ earlyRetry: boolean; afterApply: boolean }
  | { kind: "reset"; afterApply: boolean }
  | { kind: "slow"; delayMs: number; afterApply: boolean }
  | { kind: "garbled"; status: number; contentType: string | undefined; body: string; afterApply: boolean };

/** How many faults were served since the last reset, for a report of what a run went through. */
export interface FaultStats {
  /** Faults served, by kind (early-retry 429s not included). */
  served: Record<FaultKind, number>;
  /** Status faults served, by HTTP status ("503": 4). */
  byStatus: Record<string, number>;
  /** Served faults whose request was carried out before the fault answered. */
  afterApply: number;
  /** Requests answered 429 because they came before a served Retry-After had passed. */
  earlyRetries: number;
}

const faultCodes: Record<number, [string, string]> = {
  429: ["TooManyRequests", "Please retry again later."],
  500: ["InternalServerError", "An internal server error occurred."],
  503: ["ServiceUnavailable", "The service is temporarily unavailable. Please retry later."],
  504: ["GatewayTimeout", "The gateway did not receive a response in time."],
};

const defaultSeed = 1;

interface FaultState extends ActiveFault {
  notBeforeMs?: number;
  random?: () => number;
}

export class Faults {
  private active: FaultState[] = [];
  private nextId = 1;
  private counters = emptyStats();
  latencyMs = 0;

  /** `now` is the emulated clock in epoch milliseconds. */
  constructor(private readonly now: () => number = () => Date.now()) {}

  inject(spec: FaultSpec): ActiveFault {
    const kind = checkSpec(spec);
    const rateBased = spec.rate !== undefined;
    const fault: FaultState = {
      ...spec,
      id: this.nextId++,
      kind,
      count: spec.count ?? (rateBased ? null : 1),
      served: 0,
      ...(kind === "status" ? { retryAfterSeconds: spec.retryAfterSeconds ?? (spec.status === 429 ? 1 : undefined) } : {}),
      ...(rateBased ? { seed: spec.seed ?? defaultSeed, random: seededRandom(spec.seed ?? defaultSeed) } : {}),
    };
    this.active.push(fault);
    return view(fault);
  }

  /** Faults with uses left, and used-up ones whose Retry-After has not yet passed (count 0). */
  list(): ActiveFault[] {
    this.dropFinished(this.now());
    return this.active.map(view);
  }

  stats(): FaultStats {
    return structuredClone(this.counters);
  }

  /** Removes faults and latency; the counters stay until resetStats. */
  clear(): void {
    this.active = [];
    this.latencyMs = 0;
  }

  resetStats(): void {
    this.counters = emptyStats();
  }

  /**
   * The fault for a Graph request, if one applies. The first matching fault decides: an early retry
   * (before its notBefore) gets 429 with the remaining Retry-After and uses nothing up; a rate-based fault
   * that does not fire this time passes the request on to the next matching fault; otherwise one use is
   * consumed and, when the fault has a Retry-After, notBefore is set from now.
   */
  take(method: string, path: string): ServedFault | undefined {
    const now = this.now();
    this.dropFinished(now);
    const matching = this.active.filter(
      (candidate) =>
        (!candidate.method || candidate.method.toUpperCase() === method.toUpperCase())
        && (!candidate.path || path.toLowerCase().includes(candidate.path.toLowerCase())),
    );
    for (const fault of matching) {
      if (fault.notBeforeMs !== undefined && now < fault.notBeforeMs) {
        this.counters.earlyRetries += 1;
        const remaining = Math.max(1, Math.ceil((fault.notBeforeMs - now) / 1000));
        const [code, message] = faultCodes[429];
        const error = new GraphError(429, code, message, { "Retry-After": String(remaining) });
        return { kind: "status", error, earlyRetry: true, afterApply: false };
      }
      if (fault.count === 0) continue;
      if (fault.random && fault.random() >= fault.rate!) continue;
      const served = this.serve(fault, now);
      this.dropFinished(now);
      return served;
    }
    return undefined;
  }

  private serve(fault: FaultState, now: number): ServedFault {
    if (fault.count !== null) fault.count -= 1;
    fault.served += 1;
    const afterApply = fault.afterApply === true
      || (fault.afterApplyRate !== undefined && fault.random !== undefined && fault.random() < fault.afterApplyRate);
    this.counters.served[fault.kind] += 1;
    if (afterApply) this.counters.afterApply += 1;
    if (fault.kind === "reset") return { kind: "reset", afterApply };
    if (fault.kind === "slow") return { kind: "slow", delayMs: fault.delayMs!, afterApply };
    if (fault.kind === "garbled") {
      const { status = 502, contentType, body } = fault.garbled!;
      return { kind: "garbled", status, contentType, body, afterApply };
    }

    const status = fault.status!;
    this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
    if (fault.retryAfterSeconds !== undefined && fault.retryAfterSeconds > 0) {
      fault.notBeforeMs = now + fault.retryAfterSeconds * 1000;
      fault.notBefore = new Date(fault.notBeforeMs).toISOString();
    } else {
      fault.notBeforeMs = undefined;
      fault.notBefore = undefined;
    }
    const [code, message] = faultCodes[status] ?? ["InjectedFault", `Injected ${status} response.`];
    const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { "Retry-After": String(fault.retryAfterSeconds) };
    return { kind: "status", error: new GraphError(status, code, message, headers), earlyRetry: false, afterApply };
  }

  /** A used-up fault stays only while its Retry-After is still running. */
  private dropFinished(now: number): void {
    this.active = this.active.filter((fault) => fault.count !== 0 || (fault.notBeforeMs !== undefined && now < fault.notBeforeMs));
  }
}

/** The spec's kind, or an error naming the field at fault and what it accepts. */
function checkSpec(spec: FaultSpec): FaultKind {
  const kind = spec.kind ?? "status";
  if (!faultKinds.includes(kind)) throw new Error(`fault kind must be one of ${faultKinds.join(", ")}, got ${String(spec.kind)}`);
  if (kind === "status") {
    if (!Number.isInteger(spec.status) || spec.status! < 400 || spec.status! > 599) {
      throw new Error(`fault status must be an HTTP error status (400-599), got ${String(spec.status)}`);
    }
  } else if (spec.status !== undefined || spec.retryAfterSeconds !== undefined) {
    throw new Error(`status and retryAfterSeconds apply to kind "status" only; a "${kind}" fault sends no status`);
  }
  if (spec.retryAfterSeconds !== undefined && (!Number.isFinite(spec.retryAfterSeconds) || spec.retryAfterSeconds < 0)) {
    throw new Error(`retryAfterSeconds must be a number of seconds >= 0, got ${String(spec.retryAfterSeconds)}`);
  }
  if ((kind === "garbled") !== (spec.garbled !== undefined && typeof spec.garbled.body === "string")) {
    throw new Error(`a "garbled" fault needs garbled: {status?, contentType?, body}, and only it takes one`);
  }
  if (kind === "slow" ? !(Number.isFinite(spec.delayMs) && spec.delayMs! >= 0) : spec.delayMs !== undefined) {
    throw new Error(kind === "slow"
      ? `a "slow" fault needs delayMs, a number of milliseconds >= 0, got ${String(spec.delayMs)}`
      : `delayMs applies to kind "slow" only`);
  }
  if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0)) {
    throw new Error(`count must be a whole number > 0, got ${String(spec.count)}`);
  }
  for (const name of ["rate", "afterApplyRate"] as const) {
    const value = spec[name];
    if (value !== undefined && !(typeof value === "number" && value >= 0 && value <= 1)) {
      throw new Error(`${name} must be a fraction between 0 and 1, got ${String(value)}`);
    }
  }
  if (spec.seed !== undefined && !(Number.isInteger(spec.seed) && spec.seed >= 0 && spec.seed <= 0xffff_ffff)) {
    throw new Error(`seed must be an unsigned 32-bit integer, got ${String(spec.seed)}`);
  }
  if (spec.rate === undefined && (spec.seed !== undefined || spec.afterApplyRate !== undefined)) {
    throw new Error("seed and afterApplyRate need a rate; a count-based fault uses afterApply");
  }
  if (spec.afterApply !== undefined && spec.afterApplyRate !== undefined) {
    throw new Error("give afterApply (every fault) or afterApplyRate (a fraction of them), not both");
  }
  return kind;
}

function emptyStats(): FaultStats {
  return { served: { status: 0, reset: 0, slow: 0, garbled: 0 }, byStatus: {}, afterApply: 0, earlyRetries: 0 };
}

function view(fault: FaultState): ActiveFault {
  const { notBeforeMs: _internal, random: _generator, ...rest } = fault;
  return { ...rest };
}
