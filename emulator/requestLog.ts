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
  /** Parsed JSON or form body with secrets redacted; raw text when neither; null when empty. */
  requestBody: unknown;
  status: number;
  /** True when an injected fault produced the response. */
  injectedFault: boolean;
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

export function redactBody(rawBody: string, contentType: string | undefined): unknown {
  if (rawBody.length === 0) return null;
  if ((contentType ?? "").includes("application/x-www-form-urlencoded")) {
    const form: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(rawBody)) form[name] = secretNames.has(name.toLowerCase()) ? redacted : value;
    return form;
  }
  try {
    return redactValue(JSON.parse(rawBody));
  } catch {
    return rawBody;
  }
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, inner]) => [name, secretNames.has(name.toLowerCase()) ? redacted : redactValue(inner)]),
  );
}
