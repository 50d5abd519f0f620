import { randomUUID } from "node:crypto";
import * as https from "node:https";

/**
 * Graph's validation request, sent by the provider itself
 * (https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks#notificationurl-validation,
 * graph-rules §6b): POST <url>?validationToken=<token> with Content-Type text/plain; charset=utf-8 and an
 * empty body. Graph wants 200, text/plain and the URL-decoded token back within 10 seconds. This module
 * only carries the exchange out and reports what happened; diagnosis.ts says what is wrong with it.
 */

/** Graph's limit for the whole exchange (the delivery page; an older training module says 5 s). */
export const graphValidationTimeoutMs = 10_000;

/** The endpoint answered, whatever it answered. */
export interface ValidationAnswer {
  kind: "answer";
  status: number;
  contentType: string | undefined;
  /** Where a redirect points, as sent. */
  location: string | undefined;
  body: string;
}

/** No answer: the connection, TLS or DNS failed (Node's error code, e.g. ENOTFOUND, CERT_HAS_EXPIRED). */
export interface ValidationFailure {
  kind: "failure";
  code: string;
  message: string;
}

export type ValidationOutcome = ValidationAnswer | ValidationFailure | { kind: "timeout"; timeoutMs: number };

/**
 * Shaped like Graph's tokens, which hold spaces and colons and so arrive percent-encoded: an endpoint that
 * echoes the raw query value, or decodes it only half-way, fails here as it would fail Graph. The UUID makes
 * an echo from a cache or another request recognisable.
 */
export function newValidationToken(): string {
  return `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
}

/**
 * The address with the token appended, encoded as a form value (spaces as `+`, `:` as `%3A`) the way Graph
 * and the emulator send it. The address's own query (an Azure Functions ?code=) is kept, as Graph keeps it.
 */
export function validationRequestUrl(address: string, token: string): URL {
  const url = new URL(address);
  url.searchParams.append("validationToken", token);
  return url;
}

/** The token as it travels in the query string: what an endpoint that forgets to decode echoes. */
export function encodedToken(token: string): string {
  return new URLSearchParams({ t: token }).toString().slice(2);
}

/** Graph's tokens are short; an answer longer than this is not an echo, and reading on would only cost memory. */
const maxAnswerBytes = 64 * 1024;

/**
 * Sends the request once, with no retry (Graph sends one) and no redirect following (Graph follows none).
 * Trusts what Node trusts: the system's CAs plus NODE_EXTRA_CA_CERTS, so the emulator's receiver passes;
 * `ca` replaces them (the emulator, playing Graph, trusts only its own CA).
 */
export function sendValidationRequest(url: URL, options: { timeoutMs: number; signal?: AbortSignal; ca?: string }): Promise<ValidationOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: ValidationOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      request.destroy();
      resolve(outcome);
    };
    const onAbort = () => finish({ kind: "failure", code: "ABORT_ERR", message: "the check was cancelled" });
    const request = https.request(url, {
      method: "POST",
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      agent: false,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Content-Length": "0" },
    });
    const timer = setTimeout(() => finish({ kind: "timeout", timeoutMs: options.timeoutMs }), options.timeoutMs);
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    request.on("error", (error: NodeJS.ErrnoException) => finish({ kind: "failure", code: error.code ?? error.name, message: error.message }));
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = (): ValidationAnswer => ({
        kind: "answer",
        status: response.statusCode ?? 0,
        contentType: response.headers["content-type"],
        location: response.headers.location,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxAnswerBytes) return finish(answer());
        chunks.push(chunk);
      });
      response.on("end", () => finish(answer()));
      response.on("error", (error: NodeJS.ErrnoException) => finish({ kind: "failure", code: error.code ?? error.name, message: error.message }));
    });
    request.end();
  });
}
