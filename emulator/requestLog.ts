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

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    // A long-running emulator must not grow without bound.
    if (this.entries.length > maxEntries) this.entries.splice(0, this.entries.length - maxEntries);
  }

  list(): RequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }
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
