import { randomUUID } from "node:crypto";
import * as https from "node:https";
import { graphLimits } from "../provider/limits";
import { epochMs, graphDateTime, type EmulatedClock } from "./clock";
import { isLoopbackHost } from "./http";
import type { StoredSubscription } from "./subscriptions";

/**
 * What Graph posts to a subscriber besides the validation handshake: change notifications to the
 * notificationUrl and lifecycle notifications to the lifecycleNotificationUrl
 * (https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks,
 * https://learn.microsoft.com/en-us/graph/change-notifications-lifecycle-events).
 *
 * Graph decides when to send; the emulator sends when a test says so (the admin API), and on its own in the
 * two cases the lifecycle page describes: `reauthorizationRequired` when the emulated clock moves into the
 * window before a subscription's expiry (graphLimits.expiryWarningMinutes; once per expiry, and only on a
 * clock move, since the emulator runs no timers), and `subscriptionRemoved` when a subscription is removed
 * behind the app's back (admin removal). Each delivery is one POST with Graph's 3-second timeout; unlike
 * Graph, the emulator does not retry, and records what the endpoint answered instead.
 */

export const lifecycleEvents = ["reauthorizationRequired", "subscriptionRemoved", "missed"] as const;
export type LifecycleEvent = (typeof lifecycleEvents)[number];

/**
 * Which resources Graph sends each lifecycle event for, by rule-table resourceType (lifecycle page,
 * "Supported resources"): reauthorizationRequired for all; subscriptionRemoved for Outlook message, event and
 * personal contact and Teams chatMessage; missed for the three Outlook ones.
 */
const lifecycleEventResourceTypes = {
  reauthorizationRequired: "all",
  subscriptionRemoved: ["message", "event", "contact", "chatMessage"],
  missed: ["message", "event", "contact"],
} as const satisfies Record<LifecycleEvent, "all" | readonly string[]>;

/** A change to report; every field has a default drawn from the subscription. */
export interface ChangeNotificationSpec {
  /** One of the subscription's change types; default its first. */
  changeType?: string;
  /** Id of the changed item; default a new GUID. */
  itemId?: string;
  /** Default: the subscription's resource (without its query) followed by /{itemId}. */
  resource?: string;
  /** Default: @odata.type, @odata.id and id of the item, as in the delivery page's example. */
  resourceData?: Record<string, unknown>;
}

/** One POST to a subscriber, as the admin API reports it. The body is not kept: it carries the clientState. */
export interface NotificationDelivery {
  kind: "change" | "lifecycle";
  subscriptionId: string;
  /** The lifecycleEvent, or the changeType of a change notification. */
  event: string;
  url: string;
  /** Emulated time of sending, ISO 8601. */
  sentAt: string;
  /** The endpoint's status; null when it did not answer (refused, reset, timed out, not an address the emulator calls). */
  status: number | null;
  error?: string;
  durationMs: number;
}

export interface NotifierOptions {
  clock: EmulatedClock;
  /** The emulator CA, trusted for local receivers as in the handshake. */
  ca: string;
  /** Aborted when the emulator closes, ending deliveries in flight. */
  signal: AbortSignal;
}

const maxDeliveries = 1000;

export class Notifier {
  private readonly delivered: NotificationDelivery[] = [];
  private readonly inFlight = new Set<Promise<NotificationDelivery>>();
  /** The expiry each subscription was last warned of, so one clock move after another warns once per expiry. */
  private readonly warned = new Map<string, string>();

  constructor(private readonly options: NotifierOptions) {}

  /** Why Graph would not send this event for this subscription; undefined when it would. */
  lifecycleRefusal(subscription: StoredSubscription, event: string): string | undefined {
    if (!(lifecycleEvents as readonly string[]).includes(event)) {
      return `lifecycleEvent must be one of ${lifecycleEvents.join(", ")}, got '${event}'`;
    }
    if (subscription.lifecycleNotificationUrl === null) {
      return `subscription ${subscription.id} has no lifecycleNotificationUrl, and Graph sends lifecycle notifications only there (it cannot be added to an existing subscription)`;
    }
    const types = lifecycleEventResourceTypes[event as LifecycleEvent];
    if (types !== "all" && !(types as readonly string[]).includes(subscription.resourceType)) {
      return `Graph sends ${event} notifications only for ${types.join(", ")} subscriptions, not ${subscription.resourceType} (lifecycle page, "Supported resources")`;
    }
    return undefined;
  }

  /** Posts one lifecycle notification and resolves with what the endpoint answered. Throws when Graph would not send it. */
  sendLifecycle(subscription: StoredSubscription, event: LifecycleEvent): Promise<NotificationDelivery> {
    const refusal = this.lifecycleRefusal(subscription, event);
    if (refusal) return Promise.reject(new Error(refusal));
    // The shape on the lifecycle page ("Structure of a lifecycle notification"): nothing about a resource.
    const notification = {
      subscriptionId: subscription.id,
      subscriptionExpirationDateTime: subscription.expirationDateTime,
      tenantId: subscription.tenantId,
      clientState: subscription.clientState,
      lifecycleEvent: event,
    };
    return this.track(this.deliver("lifecycle", subscription.id, event, subscription.lifecycleNotificationUrl!, notification));
  }

  /** Posts one change notification and resolves with what the endpoint answered. Throws when the change cannot be reported. */
  sendChange(subscription: StoredSubscription, change: ChangeNotificationSpec = {}): Promise<NotificationDelivery> {
    const subscribed = subscription.changeType.split(",").map((part) => part.trim());
    const changeType = change.changeType ?? subscribed[0]!;
    if (!subscribed.includes(changeType)) {
      return Promise.reject(new Error(`subscription ${subscription.id} is for '${subscription.changeType}'; Graph sends no '${changeType}' notifications for it`));
    }
    if (!deliverable(subscription.notificationUrl)) {
      return Promise.reject(new Error(`the emulator posts only to https:// loopback addresses; notificationUrl ${subscription.notificationUrl} is not one`));
    }
    const itemId = change.itemId ?? randomUUID();
    const resource = change.resource ?? `${subscription.resource.replace(/^\/+/, "").split("?")[0]}/${itemId}`;
    // The delivery page's example: the notification names the item; resourceData carries its type, path and id.
    const notification = {
      id: randomUUID(),
      subscriptionId: subscription.id,
      subscriptionExpirationDateTime: subscription.expirationDateTime,
      clientState: subscription.clientState,
      changeType,
      resource,
      tenantId: subscription.tenantId,
      resourceData: change.resourceData ?? {
        "@odata.type": `#Microsoft.Graph.${subscription.resourceType.charAt(0).toUpperCase()}${subscription.resourceType.slice(1)}`,
        "@odata.id": resource,
        id: itemId,
      },
    };
    return this.track(this.deliver("change", subscription.id, changeType, subscription.notificationUrl, notification));
  }

  /**
   * After the clock moved: warns each subscription now inside the expiry window, once per expiry. Runs in
   * the background; settled() waits for it.
   */
  warnExpiring(subscriptions: readonly StoredSubscription[]): void {
    const now = this.options.clock.now().getTime();
    const window = graphLimits.expiryWarningMinutes * 60_000;
    for (const subscription of subscriptions) {
      const remaining = epochMs(subscription.expirationDateTime) - now;
      if (remaining <= 0 || remaining > window) continue;
      if (this.warned.get(subscription.id) === subscription.expirationDateTime) continue;
      if (this.lifecycleRefusal(subscription, "reauthorizationRequired")) continue;
      this.warned.set(subscription.id, subscription.expirationDateTime);
      void this.sendLifecycle(subscription, "reauthorizationRequired");
    }
  }

  /** After a removal behind the app's back: subscriptionRemoved, where Graph would send it. In the background. */
  removed(subscription: StoredSubscription): void {
    this.warned.delete(subscription.id);
    if (this.lifecycleRefusal(subscription, "subscriptionRemoved")) return;
    void this.sendLifecycle(subscription, "subscriptionRemoved");
  }

  deliveries(): NotificationDelivery[] {
    return [...this.delivered];
  }

  /** Every delivery, once those in flight (background ones included) have finished. */
  async settled(): Promise<NotificationDelivery[]> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    return this.deliveries();
  }

  clear(): void {
    this.delivered.length = 0;
    this.warned.clear();
  }

  private track(delivery: Promise<NotificationDelivery>): Promise<NotificationDelivery> {
    this.inFlight.add(delivery);
    const done = () => void this.inFlight.delete(delivery);
    delivery.then(done, done);
    return delivery;
  }

  private async deliver(kind: NotificationDelivery["kind"], subscriptionId: string, event: string, url: string, notification: object): Promise<NotificationDelivery> {
    const sentAt = graphDateTime(this.options.clock.now());
    const started = Date.now();
    const outcome = deliverable(url)
      ? await post(new URL(url), JSON.stringify({ value: [notification] }), this.options)
      : { status: null, error: "not delivered: the emulator posts only to https:// loopback addresses" };
    const delivery: NotificationDelivery = { kind, subscriptionId, event, url, sentAt, ...outcome, durationMs: Date.now() - started };
    this.delivered.push(delivery);
    if (this.delivered.length > maxDeliveries) this.delivered.splice(0, this.delivered.length - maxDeliveries);
    return delivery;
  }
}

/** The emulator calls nothing off this machine, and Event Hubs or Event Grid addresses are Azure's to deliver to. */
function deliverable(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  return parsed.protocol === "https:" && isLoopbackHost(parsed.hostname);
}

function post(url: URL, body: string, options: NotifierOptions): Promise<{ status: number | null; error?: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: { status: number | null; error?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      request.destroy();
      resolve(outcome);
    };
    const onAbort = () => finish({ status: null, error: "the emulator closed" });
    const request = https.request(url, {
      method: "POST",
      ca: options.ca,
      agent: false,
      headers: { "Content-Type": "application/json; charset=utf-8", "Content-Length": String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(() => finish({ status: null, error: `no answer within ${graphLimits.notificationTimeoutMs} ms` }), graphLimits.notificationTimeoutMs);
    if (options.signal.aborted) onAbort();
    options.signal.addEventListener("abort", onAbort, { once: true });
    request.on("error", (error) => finish({ status: null, error: error.message }));
    request.on("response", (response) => {
      // The answer's body means nothing to Graph; only the status counts.
      response.resume();
      response.on("end", () => finish({ status: response.statusCode ?? null }));
      response.on("error", (error) => finish({ status: response.statusCode ?? null, error: error.message }));
    });
    request.end(body);
  });
}
