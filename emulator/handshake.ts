import { newValidationToken, sendValidationRequest, validationRequestUrl } from "../provider/endpoints/validationRequest";
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
  // The same request the provider's endpoint check sends: the emulator plays Graph here too.
  const token = newValidationToken();
  const outcome = await sendValidationRequest(validationRequestUrl(notificationUrl, token), options);
  if (outcome.kind === "timeout") throw new GraphError(400, "InvalidRequest", "Subscription validation request timed out.");
  if (outcome.kind === "failure" || outcome.status !== 200) throw badRequest(notOk, "ValidationError");
  const contentType = (outcome.contentType ?? "").split(";")[0].trim().toLowerCase();
  if (contentType !== "text/plain" || outcome.body !== token) throw badRequest(mismatch, "ValidationError");
}
