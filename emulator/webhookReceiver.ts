import type { IncomingMessage, ServerResponse } from "node:http";
import { issueServerCertificate, type ServerCertificateFlaws } from "./certificates";
import { readBody } from "./http";
import { listenOnLoopback } from "./server";

/**
 * A notification endpoint for tests and demos, served with a certificate from the emulator's CA. It
 * answers the validation handshake as the docs require and records notifications. Some paths misbehave
 * on purpose, one per way a handshake can fail:
 *   /reject             500 instead of 200
 *   /redirect           302 to /notifications (Graph does not follow redirects)
 *   /wrong-token        200 with a different body
 *   /trailing-newline   200 with the token followed by a newline (print() or a template's final line break)
 *   /empty-token        200 with an empty body
 *   /encoded-token      200 with the token still URL-encoded ("If the client returns an encoded validation token, the validation fails.")
 *   /wrong-content-type 200 with the token as application/json
 *   /slow               answers after slowDelayMs, longer than Graph's 10-second handshake timeout by default
 *   /hang-up            closes the connection without answering (a crashing handler, a proxy dropping the request)
 * Anything else behaves well. Query strings on the notificationUrl are kept, as Graph keeps them.
 * The failures no path can show (an untrusted, misnamed or expired certificate) come from the `certificate`
 * option, which serves every path with that certificate.
 */

/** The receiver's certificate: trusted (the emulator's CA, for localhost), or flawed so that every TLS client refuses it. */
export const receiverCertificates = {
  trusted: {},
  "self-signed": { selfSigned: true },
  "wrong-host": { hostnames: ["receiver.invalid"] },
  expired: { expired: true },
} as const satisfies Record<string, ServerCertificateFlaws>;
export type ReceiverCertificate = keyof typeof receiverCertificates;

export interface WebhookReceiverOptions {
  stateDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Delay of the /slow path; default 15000 ms. */
  slowDelayMs?: number;
  /** Default "trusted". */
  certificate?: ReceiverCertificate;
}

export interface ReceivedNotification {
  /** Path and query the notification was posted to. */
  path: string;
  receivedAt: Date;
  headers: IncomingMessage["headers"];
  /** Parsed JSON, or the raw text when it is not JSON. */
  body: unknown;
}

export interface ReceivedValidation {
  /** Path the handshake was sent to, without the query. */
  path: string;
  /** The validationToken, URL-decoded. */
  token: string;
  /** The query string as received (with the leading "?"), still URL-encoded. */
  rawQuery: string;
  method: string;
  /** The request's Content-Type header; undefined when none was sent. */
  contentType: string | undefined;
}

export interface RunningReceiver {
  /** https://localhost:PORT; append any path, e.g. /notifications or /reject. */
  url: string;
  /** Notifications received so far (not handshakes), oldest first. */
  notifications: ReceivedNotification[];
  /** Validation handshakes received, in order. */
  validations: ReceivedValidation[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<RunningReceiver> {
  const tls = await issueServerCertificate(options.stateDir, receiverCertificates[options.certificate ?? "trusted"]);
  const slowDelayMs = options.slowDelayMs ?? 15_000;
  const notifications: ReceivedNotification[] = [];
  const validations: ReceivedValidation[] = [];
  const pending = new Set<NodeJS.Timeout>();

  const handler = (request: IncomingMessage, response: ServerResponse) => {
    void readBody(request).then(
      (raw) => {
        const url = new URL(request.url ?? "/", "https://localhost");
        const token = url.searchParams.get("validationToken");
        if (token === null) {
          notifications.push({ path: request.url ?? "/", receivedAt: new Date(), headers: request.headers, body: parse(raw) });
          return reply(response, 202, "text/plain", "");
        }
        validations.push({
          path: url.pathname,
          token,
          rawQuery: url.search,
          method: request.method ?? "",
          contentType: request.headers["content-type"],
        });
        switch (url.pathname) {
          case "/reject":
            return reply(response, 500, "text/plain", "rejected on purpose");
          case "/redirect":
            return reply(response, 302, "text/plain", "moved", { Location: "/notifications" });
          case "/wrong-token":
            return reply(response, 200, "text/plain; charset=utf-8", "not-the-token");
          case "/trailing-newline":
            return reply(response, 200, "text/plain; charset=utf-8", `${token}\n`);
          case "/empty-token":
            return reply(response, 200, "text/plain; charset=utf-8", "");
          case "/hang-up":
            request.socket.destroy();
            return;
          case "/encoded-token":
            return reply(response, 200, "text/plain; charset=utf-8", encodeURIComponent(token));
          case "/wrong-content-type":
            return reply(response, 200, "application/json", token);
          case "/slow": {
            const timer = setTimeout(() => {
              pending.delete(timer);
              reply(response, 200, "text/plain; charset=utf-8", token);
            }, slowDelayMs);
            pending.add(timer);
            return;
          }
          default:
            return reply(response, 200, "text/plain; charset=utf-8", token);
        }
      },
      () => reply(response, 400, "text/plain", "unreadable request"),
    );
  };

  const server = await listenOnLoopback({ key: tls.key, cert: tls.cert }, handler, options.port ?? 0);
  return {
    url: `https://localhost:${server.port}`,
    notifications,
    validations,
    close: async () => {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      await server.close();
    },
  };
}

function reply(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  if (response.destroyed) return;
  response.writeHead(status, { ...headers, "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(body)) });
  response.end(body);
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
