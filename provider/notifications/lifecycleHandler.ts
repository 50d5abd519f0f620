import type { ServerResponse } from "node:http";
import { SubscriptionsClient } from "../graph/client";
import { graphLimits } from "../limits";
import { redact } from "../redaction";
import { settingsWithOverrides } from "../reauthorize";
import type { ProviderSettings } from "../graph/settings";
import type { ApiVersion } from "../vocabulary";
import { checkExpectedClientState, clientStateMatches, expectedClientStateFor, type ExpectedClientState } from "./clientState";
import {
  isLifecycleNotification,
  parseCollection,
  type ChangeNotification,
  type LifecycleEventName,
  type LifecycleNotification,
  type ParsedItem,
} from "./notificationCollection";
import { answerReauthorization, RecentAnswers } from "./reauthorization";
import { BodyTooLargeError, readRequestBody, type NodeRequest } from "./requestBody";

export type { ExpectedClientState } from "./clientState";
export type { ChangeNotification, LifecycleNotification } from "./notificationCollection";

/** Where the handler reports what it did. Messages never contain a clientState or a credential. */
export interface LifecycleLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LifecycleHandlerOptions {
  /**
   * The clientState the subscriptions were created with: one secret, a map from subscription id, or a
   * function of the subscription id (it may be async). A notification whose clientState does not match is
   * dropped unread.
   */
  clientState: ExpectedClientState;
  /** How to reach Graph, as for reauthorizeSubscription; default the MSGRAPH_* and AZURE_* environment. */
  settings?: Partial<ProviderSettings>;
  /** Default the settings' apiVersion (MSGRAPH_API_VERSION, else v1.0). */
  apiVersion?: ApiVersion;
  /**
   * On reauthorizationRequired, renew (PATCH expirationDateTime) instead of reauthorizing when the
   * subscription has less than this many minutes left.
   * @default 180, the window in which Graph warns of expiry (graphLimits.expiryWarningMinutes)
   */
  renewWithinMinutes?: number;
  /**
   * The lifetime a renewal asks for, in minutes, capped at Graph's maximum for the resource.
   * @default the longest Graph allows for the resource (the rule table), less one minute
   */
  renewForMinutes?: number;
  /** Graph removed the subscription. Create it again by running `pulumi up` (this handler never creates subscriptions), then resync. */
  onSubscriptionRemoved?: (notification: LifecycleNotification) => void | Promise<void>;
  /** Graph could not deliver some change notifications; resync the resource (for example with a delta query). */
  onMissed?: (notification: LifecycleNotification) => void | Promise<void>;
  /** A change notification whose clientState matched. Without it, change notifications are accepted and dropped. */
  onChangeNotification?: (notification: ChangeNotification) => void | Promise<void>;
  /** @default console */
  logger?: LifecycleLogger;
  /** Bodies over this size get 413. @default 4 MiB */
  maxBodyBytes?: number;
}

/** A request as a framework other than node:http hands it over (Azure Functions, fetch-style hosts). */
export interface NotificationRequest {
  method?: string;
  /** The query string's values (URLSearchParams, or an object as Express and Azure Functions v3 parse it)... */
  query?: URLSearchParams | Readonly<Record<string, unknown>>;
  /** ...or the request URL, absolute or a path with its query. */
  url?: string;
  /** The body: text, bytes, or JSON already parsed. */
  body?: unknown;
}

export interface NotificationAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Settles when the notifications this request delivered have been processed (never rejects). */
  processed: Promise<void>;
}

export interface LifecycleNotificationHandler {
  /** node:http request listener, also an Express handler (`req.body` from a body parser is used when present). */
  (request: NodeRequest, response: ServerResponse): void;
  /** The same for hosts without node:http objects: answer with `status`, `headers` and `body`. */
  respond(request: NotificationRequest): Promise<NotificationAnswer>;
  /** Settles when every notification accepted so far has been processed: for graceful shutdown and tests. */
  settled(): Promise<void>;
}

const defaultMaxBodyBytes = 4 * 1024 * 1024;
const prefix = "msgraph lifecycle:";

/**
 * A webhook handler for Microsoft Graph change and lifecycle notifications, to run in your app between
 * pipeline runs:
 *
 * - answers the validation handshake (200, text/plain, the decoded validationToken);
 * - checks every notification's clientState in constant time, and drops those that do not match (403 when
 *   none does);
 * - answers 202 at once and processes afterwards, since Graph retries anything slower than three seconds;
 * - on `reauthorizationRequired`, calls POST /subscriptions/{id}/reauthorize, or renews with a PATCH of
 *   expirationDateTime when less than `renewWithinMinutes` remain (a renewal also reauthorizes);
 * - on `subscriptionRemoved` and `missed`, logs what to do and calls onSubscriptionRemoved / onMissed;
 * - passes change notifications to onChangeNotification.
 *
 * It never creates a subscription: creating stays Pulumi's job, so that the stack's state and Graph never
 * disagree. After `subscriptionRemoved`, run `pulumi up` (with `--refresh`) to create it again.
 */
export function lifecycleNotificationHandler(options: LifecycleHandlerOptions): LifecycleNotificationHandler {
  checkExpectedClientState(options.clientState);
  const logger = options.logger ?? console;
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  // Resolved now, so a wrong setting stops the app at start-up rather than at the first challenge.
  const settings = settingsWithOverrides(options.settings);
  const version = options.apiVersion ?? settings.apiVersion;
  const policy = { renewWithinMinutes: options.renewWithinMinutes ?? graphLimits.expiryWarningMinutes, renewForMinutes: options.renewForMinutes };
  const recent = new RecentAnswers();
  const pending = new Set<Promise<void>>();
  // Messages carry ids and Graph's answers, never these; redact() is the second line of defence.
  const secrets = [settings.clientSecret, ...knownClientStates(options.clientState)];
  const say = (level: keyof LifecycleLogger, message: string) => logger[level](redact(`${prefix} ${message}`, secrets));

  // One Graph client for the handler's life: its token cache, throttle gate and Graph's clock. Made on first
  // need, and again after a failed sign-in.
  let graph: Promise<SubscriptionsClient> | undefined;
  const graphClient = () => {
    graph ??= SubscriptionsClient.connect(settings).catch((error: unknown) => {
      graph = undefined;
      throw error;
    });
    return graph;
  };

  const lifecycleActions = {
    reauthorizationRequired: async (notification) => {
      const id = notification.subscriptionId;
      const outcome = await answerReauthorization(await graphClient(), id, version, policy, recent);
      switch (outcome.action) {
        case "renewed":
          return say("info", `reauthorizationRequired for subscription ${id} (${outcome.subscription.resource}): renewed until ${outcome.subscription.expirationDateTime} (it was to expire at ${outcome.previousExpiry}); a renewal also reauthorizes`);
        case "reauthorized":
          return say("info", `reauthorizationRequired for subscription ${id} (${outcome.subscription.resource}): reauthorized; it still expires at ${outcome.subscription.expirationDateTime}${outcome.noRenewal ? `, not renewed because ${outcome.noRenewal}` : ", and pulumi up renews it"}`);
        case "gone":
          return say("warn", `reauthorizationRequired for subscription ${id}: Graph no longer has it (deleted or expired), so there is nothing to reauthorize. pulumi up creates it again; this handler never creates subscriptions`);
        case "skipped":
          return say("info", `reauthorizationRequired for subscription ${id}: already answered at ${outcome.answeredAt.toISOString()}; Graph asks for no second reauthorize or renewal within ${graphLimits.reauthorizeAfterPatchMinutes} minutes`);
      }
    },
    subscriptionRemoved: async (notification) => {
      say("warn", `subscriptionRemoved: Graph removed subscription ${notification.subscriptionId}${inTenant(notification)}. No notifications arrive for it until it exists again: run pulumi up --refresh to create it (this handler never creates subscriptions), then resync the resource, for example with a delta query`);
      await options.onSubscriptionRemoved?.(notification);
    },
    missed: async (notification) => {
      say("warn", `missed: Graph could not deliver some change notifications for subscription ${notification.subscriptionId}${inTenant(notification)}; resync the resource to catch up, for example with a delta query`);
      await options.onMissed?.(notification);
    },
  } as const satisfies Record<LifecycleEventName, (notification: LifecycleNotification) => Promise<void>>;

  async function processOne(item: ParsedItem): Promise<void> {
    const notification = item.notification;
    try {
      if (!isLifecycleNotification(notification)) {
        await options.onChangeNotification?.(notification);
        return;
      }
      const action = (lifecycleActions as Record<string, ((n: LifecycleNotification) => Promise<void>) | undefined>)[notification.lifecycleEvent];
      if (!action) {
        say("warn", `lifecycle event '${printable(notification.lifecycleEvent)}' for subscription ${notification.subscriptionId} is not one this handler knows (${Object.keys(lifecycleActions).join(", ")}); ignored`);
        return;
      }
      await action(notification);
    } catch (error) {
      const what = isLifecycleNotification(notification) ? notification.lifecycleEvent : "change notification";
      say("error", `${what} for subscription ${notification.subscriptionId} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  function track(items: ParsedItem[]): Promise<void> {
    // In order within one delivery: Graph batches events of one subscription in the order they happened.
    const run = (async () => {
      for (const item of items) await processOne(item);
    })();
    pending.add(run);
    void run.finally(() => pending.delete(run));
    return run;
  }

  /** 500 makes Graph deliver again later, which is right when, say, a clientState lookup failed. */
  function failed(error: unknown): NotificationAnswer {
    say("error", `answered 500: ${error instanceof Error ? error.message : String(error)}`);
    return plainAnswer(500, "notification not processed");
  }

  async function respond(request: NotificationRequest): Promise<NotificationAnswer> {
    const method = (request.method ?? "POST").toUpperCase();
    if (method !== "POST") return plainAnswer(405, "Graph posts notifications; use POST", { Allow: "POST" });

    // The handshake: echo the token, URL-decoded and otherwise untouched, as text/plain, at once (Graph waits 10 s).
    const token = validationTokenOf(request);
    if (token !== undefined) return plainAnswer(200, token);

    const parsed = parseCollection(request.body);
    if ("problem" in parsed) {
      say("warn", `answered 400: ${parsed.problem}`);
      return plainAnswer(400, parsed.problem);
    }
    const accepted: ParsedItem[] = [];
    const rejected: string[] = [];
    for (const item of parsed.items) {
      const expected = await expectedClientStateFor(options.clientState, item.notification.subscriptionId);
      if (clientStateMatches(expected, item.clientState)) accepted.push(item);
      else rejected.push(item.notification.subscriptionId);
    }
    if (rejected.length > 0) {
      say("warn", `dropped ${rejected.length} notification(s) for subscription(s) ${[...new Set(rejected)].map(printable).join(", ")}: clientState does not match (value hidden). They did not come from Graph, or options.clientState is not what the subscription was created with`);
    }
    if (accepted.length === 0 && rejected.length > 0) return plainAnswer(403, "clientState does not match");
    return { ...plainAnswer(202, ""), processed: track(accepted) };
  }

  const handler = ((request: NodeRequest, response: ServerResponse) => {
    void (async () => {
      let answered: NotificationAnswer;
      try {
        // Express parses the query into req.query; plain node:http leaves it in req.url.
        const query = (request as { query?: NotificationRequest["query"] }).query;
        // The handshake has no body worth reading, and its answer must not wait for one.
        const token = validationTokenOf({ url: request.url, query });
        const body = token === undefined ? await readRequestBody(request, maxBodyBytes) : undefined;
        answered = await respond({ method: request.method, url: request.url, query, body });
      } catch (error) {
        answered = error instanceof BodyTooLargeError ? plainAnswer(413, error.message) : failed(error);
      }
      if (response.headersSent || response.destroyed) return;
      response.writeHead(answered.status, { ...answered.headers, "Content-Length": String(Buffer.byteLength(answered.body)) });
      response.end(answered.body);
    })();
  }) as LifecycleNotificationHandler;
  handler.respond = (request) => respond(request).catch(failed);
  handler.settled = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  return handler;
}

/** The decoded validationToken, from a parsed query (Express, Functions) or the URL; undefined when there is none. */
function validationTokenOf(request: Pick<NotificationRequest, "query" | "url">): string | undefined {
  const query = request.query;
  if (query instanceof URLSearchParams) {
    const token = query.get("validationToken");
    if (token !== null) return token;
  } else if (query && typeof query === "object" && typeof query.validationToken === "string") {
    return query.validationToken;
  }
  if (request.url === undefined) return undefined;
  // URLSearchParams decodes as Graph encodes: percent escapes, and + for a space.
  const token = new URL(request.url, "http://localhost").searchParams.get("validationToken");
  return token ?? undefined;
}

function plainAnswer(status: number, body: string, headers: Record<string, string> = {}): NotificationAnswer {
  return {
    status,
    // nosniff: the handshake echoes text a caller chose, and it must never be read as HTML.
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", ...headers },
    body,
    processed: Promise.resolve(),
  };
}

/** The clientState values the options hold in the clear (a function's are unknown until it is asked). */
function knownClientStates(expected: ExpectedClientState): string[] {
  if (typeof expected === "string") return [expected];
  if (typeof expected === "function") return [];
  return [...(expected instanceof Map ? expected.values() : Object.values(expected))].filter((value): value is string => typeof value === "string");
}

/** Text from a request not yet known to be Graph's, fit for one log line: printable ASCII, at most 100 characters. */
function printable(text: string): string {
  const shown = text.replace(/[^\x20-\x7e]/g, "?");
  return shown.length > 100 ? `${shown.slice(0, 100)}...` : shown;
}

function inTenant(notification: LifecycleNotification): string {
  return notification.tenantId ? ` in tenant ${notification.tenantId}` : "";
}
