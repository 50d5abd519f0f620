import { graphLimits } from "../provider/limits";
import type { Authority } from "./authority";
import type { EmulatorClient } from "./clients";
import type { EmulatedClock } from "./clock";
import { graphDateTime } from "./clock";
import type { ActiveFault, FaultSpec, FaultStats, Faults } from "./faults";
import { json, type EmulatorRequest, type EmulatorResponse } from "./http";
import type { ChangeNotificationSpec, LifecycleEvent, NotificationDelivery, Notifier } from "./notifier";
import type { QuotaState, Quotas } from "./quotas";
import type { RequestKind, RequestLog, RequestLogEntry, RequestSpan } from "./requestLog";
import { toGraphJson, type StoredSubscription, type SubscriptionChanges, type SubscriptionStore } from "./subscriptions";
import type { Throttle, ThrottleOptions, ThrottleState } from "./throttle";

/**
 * Test controls, outside Graph's API: read and change subscriptions behind the provider's back, move the
 * clock, slow or fail requests, switch Graph's throttle on, lower quotas, read the request log and the
 * counts of faults served, send change and lifecycle notifications (notifier.ts). Available in-process and
 * over HTTPS under /_emulator/.
 */

/** What a run went through: faults served by kind, and 429s from Graph's throttle. */
export interface EmulatorStats {
  faults: FaultStats;
  throttled: number;
}

/** A subscription as the admin sees it: Graph's JSON with clientState, plus where it lives. */
export interface AdminSubscription extends Record<string, unknown> {
  id: string;
  clientState: string | null;
  expirationDateTime: string;
  tenantId: string;
  apiVersion: string;
  ruleId: string;
  createdDateTime: string;
  lastReauthorizedDateTime: string | null;
}

export class EmulatorAdmin {
  constructor(
    private readonly store: SubscriptionStore,
    private readonly clock: EmulatedClock,
    private readonly faults: Faults,
    private readonly log: RequestLog,
    private readonly authority: Authority,
    private readonly clients: readonly EmulatorClient[],
    private readonly baseUrl: () => string,
    private readonly throttle: Throttle,
    private readonly quotas: Quotas,
    private readonly notifier: Notifier,
  ) {}

  /**
   * A token as the authority would issue it, for tests of token handling (e.g. an expired one:
   * `issuedAt` two hours ago; expiry is judged by real time). In-process only: the HTTP admin API never
   * hands out tokens.
   */
  issueAccessToken(options: { clientId?: string; issuedAt?: Date; audience?: string } = {}): Promise<string> {
    const client = options.clientId === undefined
      ? this.clients[0]
      : this.clients.find((candidate) => candidate.clientId === options.clientId);
    if (!client) throw new Error(`no client ${options.clientId}`);
    return this.authority.issueToken(client, options.audience ?? this.baseUrl(), options.issuedAt);
  }

  listSubscriptions(): AdminSubscription[] {
    return this.store.all().map(adminView);
  }

  getSubscription(id: string): AdminSubscription | undefined {
    const subscription = this.store.adminGet(id);
    return subscription && adminView(subscription);
  }

  /** Changes a subscription without any of Graph's rules or handshakes. Throws when it does not exist. */
  updateSubscription(id: string, changes: SubscriptionChanges): AdminSubscription {
    const subscription = this.store.adminUpdate(id, changes);
    if (!subscription) throw new Error(`no live subscription ${id}`);
    return adminView(subscription);
  }

  /** A removal behind the app's back, which Graph reports with subscriptionRemoved where it supports that (notifier.ts). */
  deleteSubscription(id: string): boolean {
    const subscription = this.store.adminGet(id);
    const removed = this.store.adminDelete(id);
    if (removed && subscription) this.notifier.removed(subscription);
    return removed;
  }

  expireSubscription(id: string): boolean {
    return this.store.expire(id);
  }

  now(): Date {
    return this.clock.now();
  }

  /** Subscriptions the move brings near expiry get reauthorizationRequired, in the background (notificationsSettled). */
  advanceClock(minutes: number): Date {
    const now = this.clock.advanceMinutes(minutes);
    this.notifier.warnExpiring(this.store.all());
    return now;
  }

  setClock(when: Date | string): Date {
    const date = new Date(when);
    if (Number.isNaN(date.getTime())) throw new Error(`'${String(when)}' is not a date`);
    const now = this.clock.set(date);
    this.notifier.warnExpiring(this.store.all());
    return now;
  }

  /** A change notification to the subscription's notificationUrl; resolves with the endpoint's answer. */
  sendChangeNotification(id: string, change: ChangeNotificationSpec = {}): Promise<NotificationDelivery> {
    const subscription = this.store.adminGet(id);
    if (!subscription) return Promise.reject(new Error(`no live subscription ${id}`));
    return this.notifier.sendChange(subscription, change);
  }

  /**
   * A lifecycle notification to the subscription's lifecycleNotificationUrl; resolves with the endpoint's
   * answer. subscriptionRemoved removes the subscription first, as Graph has when it sends one. Refused
   * where Graph would not send the event (no lifecycleNotificationUrl, a resource without that event).
   */
  sendLifecycleNotification(id: string, event: LifecycleEvent): Promise<NotificationDelivery> {
    const subscription = this.store.adminGet(id);
    if (!subscription) return Promise.reject(new Error(`no live subscription ${id}`));
    const refusal = this.notifier.lifecycleRefusal(subscription, event);
    if (refusal) return Promise.reject(new Error(refusal));
    if (event === "subscriptionRemoved") this.store.adminDelete(id);
    return this.notifier.sendLifecycle(subscription, event);
  }

  /** Notifications sent so far, once those in flight (from clock moves and removals too) have been answered. */
  notificationsSettled(): Promise<NotificationDelivery[]> {
    return this.notifier.settled();
  }

  /** Delay before every Graph and sign-in response. */
  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a number of milliseconds >= 0, got ${String(ms)}`);
    this.faults.latencyMs = ms;
  }

  latency(): number {
    return this.faults.latencyMs;
  }

  injectFault(spec: FaultSpec): ActiveFault {
    return this.faults.inject(spec);
  }

  listFaults(): ActiveFault[] {
    return this.faults.list();
  }

  /** Removes injected faults and latency. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Faults served and requests throttled since the last reset (or clearStats). */
  stats(): EmulatorStats {
    return { faults: this.faults.stats(), throttled: this.throttle.state().throttled };
  }

  clearStats(): void {
    this.faults.resetStats();
    this.throttle.clearCount();
  }

  /** Graph's subscription throttle: `true`/`false`, or allowances per request class as well. */
  setThrottle(options: ThrottleOptions | boolean): ThrottleState {
    return this.throttle.configure(options);
  }

  throttleState(): ThrottleState {
    return this.throttle.state();
  }

  /** Changes quota limits by quota id, e.g. `{ "directory-per-app-tenant": 2 }`. */
  setQuotas(limits: Record<string, number>): QuotaState[] {
    return this.quotas.setLimits(limits);
  }

  listQuotas(): QuotaState[] {
    return this.quotas.list();
  }

  requestLog(): RequestLogEntry[] {
    return this.log.list();
  }

  /** Requests since the log was last cleared, by kind, however many the log keeps. */
  requestCounts(): Record<RequestKind, number> {
    return this.log.counts();
  }

  /** When the first and the last request of each kind arrived since the log was last cleared. */
  requestTimeline(): Partial<Record<RequestKind, RequestSpan>> {
    return this.log.timeline();
  }

  clearRequestLog(): void {
    this.log.clear();
  }

  /**
   * Back to a fresh emulator: no subscriptions, real time, no faults, empty log, counters at 0, and the
   * throttle and quotas as the start-up options set them. Clients and keys stay.
   */
  reset(): void {
    this.store.clear();
    this.clock.reset();
    this.faults.clear();
    this.faults.resetStats();
    this.throttle.reset();
    this.quotas.reset();
    this.log.clear();
    this.notifier.clear();
  }

  /** The same controls over HTTPS; undefined when the path is not an admin route. */
  async handle(request: EmulatorRequest): Promise<EmulatorResponse | undefined> {
    const match = /^\/_emulator(\/.*)?$/.exec(request.path);
    if (!match) return undefined;
    const route = `${request.method} ${match[1] ?? "/"}`;
    try {
      const body = request.rawBody ? (JSON.parse(request.rawBody) as Record<string, unknown>) : {};
      return (await this.notificationRoute(route, body)) ?? this.route(route, body) ?? adminError(404, `no admin route ${route}; see GET /_emulator/`);
    } catch (error) {
      return adminError(400, error instanceof Error ? error.message : String(error));
    }
  }

  /** The notification routes, which answer once the endpoint has. */
  private async notificationRoute(route: string, body: Record<string, unknown>): Promise<EmulatorResponse | undefined> {
    const send = /^POST \/subscriptions\/([^/]+)\/(notify|lifecycle)$/.exec(route);
    if (send) {
      const [, id, kind] = send;
      if (!this.store.adminGet(id)) return adminError(404, `no live subscription ${id}`);
      const delivery = kind === "notify"
        ? await this.sendChangeNotification(id, body as ChangeNotificationSpec)
        : await this.sendLifecycleNotification(id, String(body.lifecycleEvent) as LifecycleEvent);
      return json(200, delivery);
    }
    if (route === "GET /notifications") return json(200, { value: await this.notificationsSettled() });
    return undefined;
  }

  private route(route: string, body: Record<string, unknown>): EmulatorResponse | undefined {
    const subscriptionRoute = /^(GET|PATCH|DELETE|POST) \/subscriptions\/([^/]+)(\/expire)?$/.exec(route);
    if (subscriptionRoute) {
      const [, method, id, expire] = subscriptionRoute;
      const missing = adminError(404, `no live subscription ${id}`);
      if (method === "POST" && expire) return this.expireSubscription(id) ? { status: 204 } : missing;
      if (expire) return undefined;
      if (method === "GET") {
        const subscription = this.getSubscription(id);
        return subscription ? json(200, subscription) : missing;
      }
      if (method === "DELETE") return this.deleteSubscription(id) ? { status: 204 } : missing;
      if (method === "PATCH") return this.store.adminGet(id) ? json(200, this.updateSubscription(id, body as SubscriptionChanges)) : missing;
      return undefined;
    }
    switch (route) {
      case "GET /":
        return json(200, { routes: adminRoutes });
      case "GET /subscriptions":
        return json(200, { value: this.listSubscriptions() });
      case "GET /clock":
        return json(200, { now: this.now().toISOString() });
      case "POST /clock": {
        const now = body.advanceMinutes !== undefined
          ? this.advanceClock(Number(body.advanceMinutes))
          : body.now !== undefined
            ? this.setClock(String(body.now))
            : undefined;
        if (!now) throw new Error("send {\"advanceMinutes\": N} or {\"now\": \"<ISO date>\"}");
        return json(200, { now: now.toISOString() });
      }
      case "GET /latency":
        return json(200, { ms: this.latency() });
      case "PUT /latency":
      case "POST /latency":
        this.setLatency(Number(body.ms));
        return json(200, { ms: this.latency() });
      case "GET /faults":
        return json(200, { value: this.listFaults() });
      case "POST /faults":
        return json(201, this.injectFault(body as unknown as FaultSpec));
      case "DELETE /faults":
        this.clearFaults();
        return { status: 204 };
      case "GET /stats":
        return json(200, this.stats());
      case "DELETE /stats":
        this.clearStats();
        return { status: 204 };
      case "GET /throttle":
        return json(200, this.throttleState());
      case "PUT /throttle":
      case "POST /throttle":
        return json(200, this.setThrottle(body as ThrottleOptions));
      case "GET /quotas":
        return json(200, { value: this.listQuotas() });
      case "PUT /quotas":
      case "PATCH /quotas":
        return json(200, { value: this.setQuotas(body as Record<string, number>) });
      case "GET /requests":
        return json(200, { value: this.requestLog() });
      case "DELETE /requests":
        this.clearRequestLog();
        return { status: 204 };
      case "POST /reset":
        this.reset();
        return { status: 204 };
      default:
        return undefined;
    }
  }
}

export const adminRoutes = [
  "GET /_emulator/subscriptions",
  "GET /_emulator/subscriptions/{id}",
  "PATCH /_emulator/subscriptions/{id}   {notificationUrl?, lifecycleNotificationUrl?, expirationDateTime?, clientState?, resource?, changeType?}",
  "DELETE /_emulator/subscriptions/{id}   (sends subscriptionRemoved where Graph would)",
  "POST /_emulator/subscriptions/{id}/expire",
  "POST /_emulator/subscriptions/{id}/notify   {changeType?, itemId?, resource?, resourceData?}   (a change notification to notificationUrl; answers with the delivery)",
  "POST /_emulator/subscriptions/{id}/lifecycle   {lifecycleEvent: reauthorizationRequired|subscriptionRemoved|missed}   (to lifecycleNotificationUrl; subscriptionRemoved also removes it)",
  `GET /_emulator/notifications   (deliveries, once those in flight are answered; a clock move sends reauthorizationRequired to subscriptions it brings within ${graphLimits.expiryWarningMinutes} minutes of expiry)`,
  "GET /_emulator/clock",
  "POST /_emulator/clock   {advanceMinutes: N} | {now: ISO date}",
  "GET /_emulator/latency",
  "PUT /_emulator/latency   {ms: N}",
  "GET /_emulator/faults",
  "POST /_emulator/faults   {kind?: status|reset|slow, status?, retryAfterSeconds?, delayMs?, count?, rate?, seed?, method?, path?, afterApply?, afterApplyRate?}   (requests before a served Retry-After has passed get 429 again)",
  "DELETE /_emulator/faults   (also clears latency)",
  "GET /_emulator/stats   {faults: {served: {status, reset, slow}, byStatus, afterApply, earlyRetries}, throttled}",
  "DELETE /_emulator/stats",
  "GET /_emulator/throttle",
  "PUT /_emulator/throttle   {enabled? (default true), requestsPerWindow?: {write?, reauthorize?, getById?, list?}}   (429s counted in GET /_emulator/stats)",
  "GET /_emulator/quotas",
  "PUT /_emulator/quotas   {<quota id>: limit, ...}",
  "GET /_emulator/requests",
  "DELETE /_emulator/requests",
  "POST /_emulator/reset",
];

function adminView(subscription: StoredSubscription): AdminSubscription {
  return {
    ...toGraphJson(subscription, { includeClientState: true }),
    id: subscription.id,
    clientState: subscription.clientState,
    expirationDateTime: subscription.expirationDateTime,
    tenantId: subscription.tenantId,
    apiVersion: subscription.apiVersion,
    ruleId: subscription.ruleId,
    createdDateTime: graphDateTime(subscription.createdDateTime),
    lastReauthorizedDateTime: subscription.lastReauthorizedDateTime && graphDateTime(subscription.lastReauthorizedDateTime),
  };
}

function adminError(status: number, message: string): EmulatorResponse {
  return json(status, { error: { code: status === 404 ? "NotFound" : "BadRequest", message } });
}
