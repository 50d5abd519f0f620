import { GraphError } from "./graphErrors";

/**
 * Injected failures and latency, so tests can watch the provider retry and time out. They apply to
 * Graph API requests only: the sign-in endpoints and the admin API are never disturbed.
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
}

export interface ActiveFault extends Required<Pick<FaultSpec, "status" | "count">>, Omit<FaultSpec, "status" | "count"> {
  id: number;
}

const faultCodes: Record<number, [string, string]> = {
  429: ["TooManyRequests", "Please retry again later."],
  500: ["InternalServerError", "An internal server error occurred."],
  503: ["ServiceUnavailable", "The service is temporarily unavailable. Please retry later."],
};

export class Faults {
  private active: ActiveFault[] = [];
  private nextId = 1;
  latencyMs = 0;

  inject(spec: FaultSpec): ActiveFault {
    if (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599) {
      throw new Error(`fault status must be an HTTP error status (400-599), got ${String(spec.status)}`);
    }
    const fault: ActiveFault = {
      ...spec,
      id: this.nextId++,
      count: spec.count ?? 1,
      retryAfterSeconds: spec.retryAfterSeconds ?? (spec.status === 429 ? 1 : undefined),
    };
    this.active.push(fault);
    return fault;
  }

  list(): ActiveFault[] {
    return this.active.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.active = [];
    this.latencyMs = 0;
  }

  /** Consumes one use of the first matching fault and returns the error to answer with. */
  take(method: string, path: string): GraphError | undefined {
    const fault = this.active.find(
      (candidate) =>
        (!candidate.method || candidate.method.toUpperCase() === method.toUpperCase())
        && (!candidate.path || path.toLowerCase().includes(candidate.path.toLowerCase())),
    );
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.active = this.active.filter((candidate) => candidate !== fault);
    const [code, message] = faultCodes[fault.status] ?? ["InjectedFault", `Injected ${fault.status} response.`];
    const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { "Retry-After": String(fault.retryAfterSeconds) };
    return new GraphError(fault.status, code, message, headers);
  }
}
