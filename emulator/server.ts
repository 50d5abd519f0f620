import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type { EmulatorAdmin } from "./admin";
import type { Authority } from "./authority";
import type { EmulatedClock } from "./clock";
import type { Faults } from "./faults";
import { handleInstanceDiscovery } from "./discovery";
import { handleGraphRequest } from "./graphApi";
import { GraphError, graphErrorBody } from "./graphErrors";
import { BodyTooLargeError, delay, header, readBody, type EmulatorRequest, type EmulatorResponse } from "./http";
import { redactBody, type RequestLog } from "./requestLog";
import type { SubscriptionStore } from "./subscriptions";
import type { Throttle } from "./throttle";

/**
 * The HTTP layer: one HTTPS origin for Graph, the sign-in authority and the admin API. It stamps every
 * response with Graph's headers (request-id, client-request-id, and a Date from the emulated clock, from
 * which the provider learns Graph's time), applies injected latency and faults, and logs each request.
 *
 * Faults of kind "reset" close the connection without a response (logged with status 0); "slow" ones hold
 * the answer back for their delay, carrying the request out after it (or before it, with afterApply).
 */

export interface ServerParts {
  baseUrl: () => string;
  authority: Authority;
  store: SubscriptionStore;
  admin: EmulatorAdmin;
  clock: EmulatedClock;
  faults: Faults;
  throttle: Throttle;
  log: RequestLog;
  /** Aborted on close, so pending latency waits end at once. */
  signal: AbortSignal;
}

/** Set on responses that waited for injected latency: the milliseconds waited. */
export const latencyHeader = "x-emulator-injected-latency-ms";

const graphPath = /^\/(v1\.0|beta)(\/|$)/i;
/** The log's status for a connection closed without an answer. */
const resetStatus = 0;

export function createRequestHandler(parts: ServerParts): (request: IncomingMessage, response: ServerResponse) => void {
  return (incoming, outgoing) => {
    void handle(parts, incoming, outgoing).catch(() => {
      if (!outgoing.headersSent) outgoing.writeHead(500);
      outgoing.end();
    });
  };
}

async function handle(parts: ServerParts, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const started = Date.now();
  const arrived = parts.clock.now();
  const target = incoming.url ?? "/";
  const url = new URL(target, "https://localhost");
  const identity = { requestId: randomUUID(), clientRequestId: firstHeader(incoming, "client-request-id"), date: arrived };
  let request: EmulatorRequest | undefined;
  let response: EmulatorResponse;
  let injectedFault = false;
  let earlyRetry = false;
  let latencyMs = 0;
  try {
    const received: EmulatorRequest = {
      method: (incoming.method ?? "GET").toUpperCase(),
      path: decodePath(url.pathname),
      target,
      query: url.searchParams,
      headers: incoming.headers,
      rawBody: await readBody(incoming),
    };
    request = received;
    const adminResponse = await parts.admin.handle(received);
    if (adminResponse) return send(outgoing, adminResponse, parts, identity);

    latencyMs = parts.faults.latencyMs;
    await delay(latencyMs, parts.signal);
    const fault = graphPath.test(received.path) ? parts.faults.take(received.method, received.path) : undefined;
    injectedFault = fault !== undefined;
    earlyRetry = fault?.kind === "status" && fault.earlyRetry;
    const apply = async (): Promise<EmulatorResponse> => {
      try {
        return (await parts.authority.handle(received))
          ?? handleInstanceDiscovery(received, parts.baseUrl())
          ?? (await handleGraphRequest(received, { authority: parts.authority, store: parts.store, throttle: parts.throttle, baseUrl: parts.baseUrl() }))
          ?? notFoundRoute(received.path);
      } catch (error) {
        return errorResponse(error, identity);
      }
    };
    if (fault?.kind === "status") {
      if (fault.afterApply) await apply();
      throw fault.error;
    } else if (fault?.kind === "reset") {
      if (fault.afterApply) await apply();
      incoming.socket.destroy();
      response = { status: resetStatus };
    } else if (fault?.kind === "slow") {
      if (fault.afterApply) {
        response = await apply();
        await delay(fault.delayMs, parts.signal);
      } else {
        await delay(fault.delayMs, parts.signal);
        response = await apply();
      }
    } else if (fault?.kind === "garbled") {
      if (fault.afterApply) await apply();
      response = { status: fault.status, headers: fault.contentType ? { "content-type": fault.contentType } : {}, body: fault.body };
    } else {
      response = await apply();
    }
  } catch (error) {
    response = errorResponse(error, identity);
  }
  if (latencyMs > 0) response = { ...response, headers: { ...response.headers, [latencyHeader]: String(latencyMs) } };
  if (response.status !== resetStatus) send(outgoing, response, parts, identity);
  parts.log.add({
    time: arrived.toISOString(),
    method: request?.method ?? incoming.method ?? "",
    path: target,
    requestId: identity.requestId,
    requestBody: request ? redactBody(request.rawBody, header(request, "content-type")) : null,
    contentType: (request && header(request, "content-type")) ?? null,
    status: response.status,
    injectedFault,
    earlyRetry,
    latencyMs,
    durationMs: Date.now() - started,
  });
}

function errorResponse(error: unknown, identity: { requestId: string; clientRequestId?: string; date: Date }): EmulatorResponse {
  const graphError = error instanceof GraphError
    ? error
    : error instanceof BodyTooLargeError
      ? new GraphError(413, "RequestEntityTooLarge", "The request body is too large.")
      : new GraphError(500, "InternalServerError", `Emulator error: ${error instanceof Error ? error.message : String(error)}`);
  return {
    status: graphError.status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...graphError.headers },
    body: graphErrorBody(graphError, identity),
  };
}

function notFoundRoute(path: string): never {
  throw new GraphError(404, "NotFound", `The emulator serves /v1.0, /beta, /{tenant}/oauth2/v2.0/token, /{tenant}/discovery/instance and /_emulator; nothing at '${path}'.`);
}

function send(
  outgoing: ServerResponse,
  response: EmulatorResponse,
  parts: ServerParts,
  identity: { requestId: string; clientRequestId?: string },
): void {
  const body = response.body === undefined ? "" : typeof response.body === "string" ? response.body : JSON.stringify(response.body);
  outgoing.writeHead(response.status, {
    ...response.headers,
    Date: parts.clock.now().toUTCString(),
    "request-id": identity.requestId,
    "client-request-id": identity.clientRequestId ?? identity.requestId,
    "Content-Length": String(Buffer.byteLength(body)),
  });
  outgoing.end(body);
}

/** A malformed escape is left as written; the route then simply does not match. */
function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

function firstHeader(incoming: IncomingMessage, name: string): string | undefined {
  const value = incoming.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface LoopbackServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 and, where the machine has IPv6, on ::1 with the same port, because "localhost"
 * may resolve to either. Never on any other address.
 */
export async function listenOnLoopback(
  options: https.ServerOptions,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  port: number,
): Promise<LoopbackServer> {
  for (let attempt = 0; ; attempt++) {
    const ipv4 = https.createServer(options, handler);
    const chosen = await listen(ipv4, port, "127.0.0.1");
    const ipv6 = https.createServer(options, handler);
    try {
      await listen(ipv6, chosen, "::1");
      return { port: chosen, close: () => closeAll([ipv4, ipv6]) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EADDRNOTAVAIL" || code === "EAFNOSUPPORT") return { port: chosen, close: () => closeAll([ipv4]) };
      await closeAll([ipv4]);
      // Another process holds ::1 on the port chosen for 127.0.0.1; a new random port will do.
      if (code !== "EADDRINUSE" || port !== 0 || attempt >= 5) throw error;
    }
  }
}

function listen(server: https.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function closeAll(servers: https.Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
}
