import type { IncomingMessage } from "node:http";

/** What a route handler answers; the server adds the Date, request-id and logging. */
export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON, strings as they are, undefined as an empty body. */
  body?: unknown;
}

export interface EmulatorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path with the query string, as received. */
  target: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  rawBody: string;
}

const maxBodyBytes = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new BodyTooLargeError(`request body over ${maxBodyBytes} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, body, headers: { "Content-Type": "application/json; charset=utf-8", ...headers } };
}

export function header(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Resolves once at least ms have passed by Date.now (timers may fire a millisecond early, so it waits
 * again for any remainder), or at once when the signal aborts, so a closing server never waits on a
 * pending delay.
 */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  const until = Date.now() + ms;
  return new Promise((resolve) => {
    let timer = setTimeout(tick, ms);
    function tick() {
      const remaining = until - Date.now();
      if (remaining > 0) {
        timer = setTimeout(tick, remaining);
        return;
      }
      done();
    }
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Only loopback hosts: the emulator never calls anything off this machine. */
export function isLoopbackHost(hostname: string): boolean {
  return ["localhost", "127.0.0.1", "[::1]", "::1"].includes(hostname.toLowerCase());
}
