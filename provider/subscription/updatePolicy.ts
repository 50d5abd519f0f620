import type { SubscriptionInputName } from "./schema";

/**
 * What a change to each input does to the Graph subscription.
 * - patch: PATCH /subscriptions/{id}. Graph's Update page allows only expirationDateTime and
 *   notificationUrl (https://learn.microsoft.com/en-us/graph/api/subscription-update).
 * - replace: a new subscription. lifecycleNotificationUrl "can't be added by updating" (lifecycle
 *   page); a payment model change "must create a new change notification subscription" (Teams
 *   licensing page); nothing documents in-place changes of the rest. The rich-notifications page's
 *   advice to PATCH encryptionCertificate for key rotation contradicts the Update page; the Update
 *   page wins, so a certificate rotation replaces (a fresh subscription, never a half-applied one).
 * - reauthorize: POST /subscriptions/{id}/reauthorize.
 * - state: the provider's own bookkeeping; recorded without calling Graph.
 *
 * `satisfies Record<SubscriptionInputName, ...>` makes a new input without a policy a compile error.
 */
export const updatePolicy = {
  resource: "replace",
  changeType: "replace",
  notificationUrl: "patch",
  lifecycleNotificationUrl: "replace",
  expirationDateTime: "patch",
  clientState: "replace",
  includeResourceData: "replace",
  encryptionCertificate: "replace",
  encryptionCertificateId: "replace",
  latestSupportedTlsVersion: "replace",
  notificationQueryOptions: "replace",
  notificationUrlAppId: "replace",
  paymentModel: "replace",
  lifetimeMinutes: "patch",
  renewBeforeMinutes: "state",
  apiVersion: "state",
  adoptExisting: "state",
  reauthorizeTrigger: "reauthorize",
} as const satisfies Record<SubscriptionInputName, "patch" | "replace" | "reauthorize" | "state">;

export type UpdateAction = (typeof updatePolicy)[SubscriptionInputName];
