/**
 * Every Graph and sign-in request the emulator answered, for tests to assert on what the provider sent.
 * Secrets never enter the log: clientState and client_secret are replaced.
 */

export interface RequestLogEntry {
  /** Emulated time the request arrived, ISO 8601. */
  time: string;
  method: string;
  /** Path with the query string. */
  path: string;
  requestId: string;
  /** Parsed JSON or form body with secrets redacted; "(unparsed, N bytes)" when neither (never the raw text); null when empty. */
  requestBody: unknown;
  /** The request's Content-Type header, null when none was sent. */
  contentType: string | null;
  /** 0 when an injected "reset" fault closed the connection without an answer. */
  status: number;
  /** True when an injected fault produced the response. */
  injectedFault: boolean;
  /**
   * True when the request came before an injected fault's Retry-After had passed, so it was answered
   * 429 again: the client did not honour Retry-After.
   */
  earlyRetry: boolean;
  /** Injected latency waited before answering (at least this many ms), 0 when none. */
  latencyMs: number;
  durationMs: number;
}

export const redacted = "(redacted)";
const secretNames = new Set(["clientstate", "client_secret", "client_assertion"]);
const maxEntries = 5000;

/** Arrivals in milliseconds since the epoch. */
export interface RequestSpan {
  firstMs: number;
  lastMs: number;
}

/** What a request was, for counting: Graph's subscription requests by the throttle's classes, and sign-ins. */
export type RequestKind = "list" | "getById" | "write" | "reauthorize" | "token" | "other";

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  /** Every request since the last clear, by kind: a fleet's one command sends more than the entries kept. */
  private tally = new Map<RequestKind, number>();
  /** When the first and the last request of each kind arrived, on the machine's clock (not Graph's, which tests move). */
  private spans = new Map<RequestKind, RequestSpan>();

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    // A long-running emulator must not grow without bound.
    if (this.entries.length > maxEntries) this.entries.splice(0, this.entries.length - maxEntries);
    const kind = requestKind(entry.method, entry.path);
    this.tally.set(kind, (this.tally.get(kind) ?? 0) + 1);
    const now = Date.now();
    const span = this.spans.get(kind);
    if (span) span.lastMs = now;
    else this.spans.set(kind, { firstMs: now, lastMs: now });
  }

  list(): RequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  counts(): Record<RequestKind, number> {
    return { list: 0, getById: 0, write: 0, reauthorize: 0, token: 0, other: 0, ...Object.fromEntries(this.tally) };
  }

  /** The first and the last arrival of each kind since the last clear: where a command's time went. */
  timeline(): Partial<Record<RequestKind, RequestSpan>> {
    return Object.fromEntries([...this.spans].map(([kind, span]) => [kind, { ...span }]));
  }

  clear(): void {
    this.entries = [];
    this.tally.clear();
    this.spans.clear();
  }
}

export function requestKind(method: string, path: string): RequestKind {
  const bare = path.split("?")[0]!;
  if (/\/oauth2\/v2\.0\/token$/.test(bare)) return "token";
  const subscription = /^\/(v1\.0|beta)\/subscriptions(\/[^/]+)?(\/reauthorize)?$/.exec(bare);
  if (!subscription) return "other";
  if (subscription[3]) return "reauthorize";
  if (method !== "GET") return "write";
  return subscription[2] ? "getById" : "list";
}

/**
 * The body as it may be logged: parsed JSON or form fields with secrets redacted. A body that parses as
 * neither is never stored raw, since it may hold a secret the redaction cannot find; only its size is kept.
 */
export function redactBody(rawBody: string, contentType: string | undefined): unknown {
  if (rawBody.length === 0) return null;
  if ((contentType ?? "").toLowerCase().includes("application/x-www-form-urlencoded")) {
    const form = parseForm(rawBody);
    if (form) return form;
    return unparsed(rawBody);
  }
  try {
    return redactValue(JSON.parse(rawBody));
  } catch {
    return unparsed(rawBody);
  }
}

/** Form fields with secrets redacted; undefined when the text is not a plausible form (e.g. JSON sent as a form). */
function parseForm(rawBody: string): Record<string, string> | undefined {
  const form: Record<string, string> = {};
  for (const part of rawBody.split("&")) {
    if (part === "") continue;
    const [rawName, ...rest] = part.split("=");
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, " "));
      value = decodeURIComponent(rest.join("=").replace(/\+/g, " "));
    } catch {
      return undefined;
    }
    if (!/^[\w.\-[\]]+$/.test(name)) return undefined;
    form[name] = secretNames.has(name.toLowerCase()) ? redacted : value;
  }
  return form;
}

function unparsed(rawBody: string): string {
  return `(unparsed, ${Buffer.byteLength(rawBody, "utf8")} bytes)`;
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, inner]) => [name, secretNames.has(name.toLowerCase()) ? redacted : redactValue(inner)]),
  );
}
