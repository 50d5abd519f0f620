import { randomUUID } from "node:crypto";
import * as https from "node:https";
import { badRequest, GraphError } from "./graphErrors";
import { isLoopbackHost } from "./http";

/**
 * The webhook validation handshake
 * (https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks#notificationurl-validation):
 * POST <url>?validationToken=<opaque token> with Content-Type text/plain; charset=utf-8; the endpoint must
 * answer 200, text/plain, with the URL-decoded token as the body, within the timeout (10 s in Graph).
 * The error codes and messages are those Graph returns, as reported in public issues.
 */

export interface HandshakeOptions {
  /** The emulator's CA, trusted explicitly so receivers with certificates it signed pass. */
  ca: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

const notOk = "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.";
const mismatch = "Subscription validation request failed. Response must exactly match validationToken query parameter.";
const maxResponseBytes = 64 * 1024;

/** Event Hubs and Event Grid addresses are validated by Azure, not by a handshake. */
export function needsHandshake(notificationUrl: string): boolean {
  return !/^(eventhub|eventgrid):/i.test(notificationUrl);
}

/** Resolves when the endpoint passes; otherwise throws the GraphError Graph would answer with. */
export async function validateEndpoint(notificationUrl: string, options: HandshakeOptions): Promise<void> {
  const url = new URL(notificationUrl);
  if (!isLoopbackHost(url.hostname)) {
    throw badRequest(`${notOk} (The emulator calls only loopback endpoints: localhost, 127.0.0.1 or [::1].)`, "ValidationError");
  }
  // Shaped like Graph's tokens, which contain spaces and colons and so must be URL-decoded by the receiver.
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  url.searchParams.append("validationToken", token);
  const outcome = await post(url, options);
  if (outcome === "timeout") throw new GraphError(400, "InvalidRequest", "Subscription validation request timed out.");
  if (outcome === "failed" || outcome.status !== 200) throw badRequest(notOk, "ValidationError");
  const contentType = (outcome.contentType ?? "").split(";")[0].trim().toLowerCase();
  if (contentType !== "text/plain" || outcome.body !== token) throw badRequest(mismatch, "ValidationError");
}

type Outcome = { status: number; contentType?: string; body: string } | "timeout" | "failed";

function post(url: URL, options: HandshakeOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      request.destroy();
      resolve(outcome);
    };
    const onAbort = () => finish("failed");
    const request = https.request(url, {
      method: "POST",
      ca: options.ca,
      agent: false,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Content-Length": "0" },
    });
    const timer = setTimeout(() => finish("timeout"), options.timeoutMs);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    request.on("error", () => finish("failed"));
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxResponseBytes) return finish({ status: response.statusCode ?? 0, body: "" });
        chunks.push(chunk);
      });
      response.on("end", () =>
        finish({
          status: response.statusCode ?? 0,
          contentType: response.headers["content-type"],
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      response.on("error", () => finish("failed"));
    });
    request.end();
  });
}
