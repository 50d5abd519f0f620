/**
 * What Graph posts to a notification URL: a changeNotificationCollection, `{ "value": [ ... ] }`, whose items
 * are change notifications, or lifecycle notifications when they carry a lifecycleEvent
 * (https://learn.microsoft.com/en-us/graph/api/resources/changenotification,
 * https://learn.microsoft.com/en-us/graph/change-notifications-lifecycle-events). Only what the handler relies
 * on is checked; everything else Graph sends is passed on as it came, so new properties reach callbacks.
 */

export const lifecycleEventNames = ["reauthorizationRequired", "subscriptionRemoved", "missed"] as const;
export type LifecycleEventName = (typeof lifecycleEventNames)[number];

/** One item as Graph sent it, without clientState (checked by the handler, and never handed on). */
export interface ReceivedNotification {
  subscriptionId: string;
  subscriptionExpirationDateTime?: string;
  tenantId?: string;
  /** Set on lifecycle notifications; Graph may add values, which the handler logs and otherwise ignores. */
  lifecycleEvent?: string;
  changeType?: string;
  resource?: string;
  resourceData?: Record<string, unknown>;
  [property: string]: unknown;
}

/** A lifecycle notification, as handed to onSubscriptionRemoved and onMissed. */
export interface LifecycleNotification extends ReceivedNotification {
  lifecycleEvent: string;
}

/** A change notification, as handed to onChangeNotification. */
export type ChangeNotification = ReceivedNotification;

export interface ParsedItem {
  notification: ReceivedNotification;
  clientState: unknown;
}

export type ParsedCollection = { items: ParsedItem[] } | { problem: string };

/** `body` as a body parser left it: undefined or empty, text, bytes, or JSON already parsed. */
export function parseCollection(body: unknown): ParsedCollection {
  let json: unknown = body;
  if (typeof body === "string" || Buffer.isBuffer(body) || body instanceof Uint8Array) {
    const text = Buffer.from(body as string | Uint8Array).toString("utf8");
    try {
      json = JSON.parse(text);
    } catch {
      return { problem: "the body is not JSON" };
    }
  }
  const value = (json as { value?: unknown } | null | undefined)?.value;
  if (typeof json !== "object" || json === null || !Array.isArray(value)) {
    return { problem: "the body is not a notification collection ({\"value\": [...]})" };
  }
  const items: ParsedItem[] = [];
  for (const item of value) {
    if (typeof item !== "object" || item === null || typeof (item as { subscriptionId?: unknown }).subscriptionId !== "string") {
      return { problem: "a notification has no subscriptionId" };
    }
    const { clientState, ...notification } = item as Record<string, unknown>;
    items.push({ notification: notification as ReceivedNotification, clientState });
  }
  return { items };
}

export function isLifecycleNotification(notification: ReceivedNotification): notification is LifecycleNotification {
  return typeof notification.lifecycleEvent === "string";
}
