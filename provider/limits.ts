import { teamsResourceTypes, type ApiVersion } from "./vocabulary";

/**
 * Graph's documented limits on subscriptions, stated once. The provider validates against them before
 * anything is sent, and the emulator enforces the same numbers, so the two can never drift apart.
 * Per-resource limits (maximum lifetimes, change types, permissions) live in the rule table instead.
 */
export const graphLimits = {
  /** clientState: 128 characters in v1.0 and 255 in beta (subscription resource page of each version; C3). */
  clientStateMaxLength: { "v1.0": 128, beta: 255 } as const satisfies Record<ApiVersion, number>,
  /** encryptionCertificateId "can be up to 128 characters" (rich-notifications page). */
  encryptionCertificateIdMaxLength: 128,
  /** The encryption key must be RSA "between 2,048 bits and 4,096 bits" (rich-notifications page). */
  encryptionKeyBits: { min: 2048, max: 4096 },
  /** Graph raises any shorter expiry to 45 minutes (subscription resource page, expirationDateTime). */
  minimumLifetimeMinutes: 45,
  /** A lifecycleNotificationUrl is required when the expiry is "more than 1 hour from now" on rows that say so. */
  lifecycleUrlRequiredAboveMinutes: 60,
  /** latestSupportedTlsVersion values; Graph "defaults the property to v1_2" (subscription resource page). */
  tlsVersions: ["v1_0", "v1_1", "v1_2", "v1_3"] as const,
  defaultTlsVersion: "v1_2" as const,
  /** A reauthorize must not follow a PATCH within ten minutes (reauthorize page). */
  reauthorizeAfterPatchMinutes: 10,
  /**
   * How close to expiry Graph's reauthorizationRequired events warn of it. The lifecycle page gives no number
   * ("the frequency of authorization challenges is subject to change"); Azure's Event Grid guide does: a renewed
   * expirationDateTime "must be at least three hours from the current time. Otherwise, your application may receive
   * subscriptionReauthorizationRequired events soon after renewal" (MicrosoftDocs/azure-docs,
   * articles/event-grid/subscribe-to-graph-api-events.md). The emulator warns inside this window, and the lifecycle
   * handler answers a warning inside it with a renewal.
   */
  expiryWarningMinutes: 180,
  /** Graph's client that posts notifications "has a 3-second timeout"; slower answers are retried (webhook delivery page). */
  notificationTimeoutMs: 3_000,
  /** Graph waits 10 seconds for the validation handshake's answer (webhook delivery page). */
  validationTimeoutMs: 10_000,
  /**
   * expirationDateTime is an internet date-time with a UTC offset. Without one, JavaScript reads the time
   * in the machine's time zone, and a pipeline agent's zone must not decide when a subscription expires.
   */
  dateTimePattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i,
  /**
   * Graph throttles the subscription API itself, per app per tenant, over a sliding 20-second window
   * ("Subscription service limits", https://learn.microsoft.com/en-us/graph/throttling-limits, page dated
   * 2026-02-06; graph-rules §7c). write = POST, PUT, PATCH, DELETE; reauthorize = POST .../reauthorize;
   * getById = GET /subscriptions/{id}; list = GET /subscriptions.
   */
  subscriptionThrottle: {
    windowSeconds: 20,
    requestsPerWindow: { write: 500, reauthorize: 1000, getById: 500, list: 25 },
  },
  /**
   * GET /subscriptions answers in pages linked by @odata.nextLink (users report them:
   * microsoftgraph/microsoft-graph-docs#5681). The list page documents no page size and no $top; 100 is the
   * size of Graph's directory pages, and what the emulator serves, so clients must follow the links.
   */
  subscriptionListPageSize: 100,
} as const;

export type TlsVersion = (typeof graphLimits.tlsVersions)[number];
/** The request classes Graph's subscription throttle counts separately. */
export type SubscriptionRequestClass = keyof typeof graphLimits.subscriptionThrottle.requestsPerWindow;

/**
 * Which subscriptions share one allowance: all of a tenant's ("tenant", Graph's "per organization" and
 * "per tenant, all apps"), one app's in a tenant ("app+tenant"), or one app's on one chat, channel or
 * team named in the resource path. "mailbox" counts every app's subscriptions on one user's mailbox.
 */
export type QuotaScope = "tenant" | "app+tenant" | "mailbox" | "app+chat" | "app+channel" | "app+team";

export interface SubscriptionQuota {
  /** Stable name, used in the 403 message and to lower a quota in tests. */
  id: string;
  /** Rule-table resourceType values the quota counts; a subscription counts once per row it matches. */
  resourceTypes: readonly string[];
  scope: QuotaScope;
  limit: number;
  /** What the limit counts, completing "Maximum number of subscriptions has been reached: {limit} …". */
  description: string;
  source: string;
}

const quotaSource = "https://learn.microsoft.com/en-us/graph/change-notifications-overview (graph-rules §7b)";

/**
 * Graph's documented subscription quotas that can be keyed from the resource path alone. Over a quota,
 * Graph answers "403 Forbidden" and "the message property of the error response will explain the limit
 * that has been exceeded" (change-notifications overview). Quotas that need data the path does not carry
 * (per user across a user's chats, per app across all tenants, presence's 650 users) are not listed.
 */
export const subscriptionQuotas: readonly SubscriptionQuota[] = [
  // user, group (overview, user/group row): per app and tenant combination, 100.
  { id: "directory-per-app-tenant", resourceTypes: ["user", "group"], scope: "app+tenant", limit: 100, description: "user and group subscriptions per app and tenant", source: quotaSource },
  // user, group: per tenant, all applications combined, 1,000 (the per-app 50,000 across all tenants is out of one tenant's reach).
  { id: "directory-per-tenant", resourceTypes: ["user", "group"], scope: "tenant", limit: 1000, description: "user and group subscriptions per tenant, all apps combined", source: quotaSource },
  // Outlook message, event, contact: "A maximum of 1,000 active subscriptions per mailbox for all applications is allowed."
  { id: "outlook-per-mailbox", resourceTypes: ["message", "event", "contact"], scope: "mailbox", limit: 1000, description: "active subscriptions per mailbox, all apps combined", source: quotaSource },
  // Teams: "the per-organization limit of 10,000 total subscriptions is shared cumulatively across all Teams change notification subscriptions in the tenant".
  { id: "teams-per-organization", resourceTypes: teamsResourceTypes, scope: "tenant", limit: 10_000, description: "Teams subscriptions per organization, shared by chats, chat messages, call transcripts and recordings, channels, teams and members", source: quotaSource },
  // chat: per app and chat combination, 1.
  { id: "chat-per-app-chat", resourceTypes: ["chat"], scope: "app+chat", limit: 1, description: "chat subscription per app and chat", source: quotaSource },
  // chatMessage: per app and channel-or-chat combination, 1 (a chat and a channel are each one allowance).
  { id: "chatMessage-per-app-chat", resourceTypes: ["chatMessage"], scope: "app+chat", limit: 1, description: "chatMessage subscription per app and chat", source: quotaSource },
  { id: "chatMessage-per-app-channel", resourceTypes: ["chatMessage"], scope: "app+channel", limit: 1, description: "chatMessage subscription per app and channel", source: quotaSource },
  // channel, team, conversationMember: per app and team combination, 1, each type on its own row in the docs.
  { id: "channel-per-app-team", resourceTypes: ["channel"], scope: "app+team", limit: 1, description: "channel subscription per app and team", source: quotaSource },
  { id: "team-per-app-team", resourceTypes: ["team"], scope: "app+team", limit: 1, description: "team subscription per app and team", source: quotaSource },
  { id: "conversationMember-per-app-team", resourceTypes: ["conversationMember"], scope: "app+team", limit: 1, description: "conversationMember subscription per app and team", source: quotaSource },
];
