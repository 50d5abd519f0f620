import { z } from "zod";

/**
 * The words every part of the provider shares: Graph's API versions, clouds, permission types, change types,
 * payment models, and the subscription as Graph returns it. The ground floor: it imports nothing of ours, so
 * the rule table, the Graph client, the limits, the input schema and the emulator can all stand on it.
 */

export const apiVersions = ["v1.0", "beta"] as const;
export type ApiVersion = (typeof apiVersions)[number];

export const clouds = ["global", "usgov-l4", "usgov-l5", "china"] as const;
export type Cloud = (typeof clouds)[number];

/**
 * The Microsoft Teams resources: what Teams' national-cloud page calls "Microsoft Teams APIs" and what its
 * per-organization subscription quota counts ("all Teams change notification subscriptions").
 */
export const teamsResourceTypes = [
  "chat",
  "chatMessage",
  "channel",
  "team",
  "conversationMember",
  "callRecording",
  "callTranscript",
  "teamsAppInstallation",
  "sharedWithChannelTeamInfo",
] as const;

export const permissionTypes = ["application", "delegated-work", "delegated-personal"] as const;
export type PermissionType = (typeof permissionTypes)[number];

/** Graph's documented order; canonical `changeType` strings list the values in this order. */
export const changeTypes = ["created", "updated", "deleted"] as const;
export type ChangeType = (typeof changeTypes)[number];

export const paymentModels = ["A", "B"] as const;
export type PaymentModel = (typeof paymentModels)[number];

export function canonicalChangeType(parts: readonly ChangeType[]): string {
  return changeTypes.filter((known) => parts.includes(known)).join(",");
}

/**
 * What Graph returns for a subscription (https://learn.microsoft.com/en-us/graph/api/resources/subscription).
 * Lenient: unknown properties are kept out, missing optional ones are fine, because Graph adds
 * properties over time and List omits clientState.
 */
export const graphSubscription = z.object({
  id: z.string(),
  resource: z.string(),
  changeType: z.string(),
  notificationUrl: z.string(),
  expirationDateTime: z.string(),
  applicationId: z.string().nullish(),
  creatorId: z.string().nullish(),
  clientState: z.string().nullish(),
  lifecycleNotificationUrl: z.string().nullish(),
  includeResourceData: z.boolean().nullish(),
  encryptionCertificate: z.string().nullish(),
  encryptionCertificateId: z.string().nullish(),
  latestSupportedTlsVersion: z.string().nullish(),
  notificationQueryOptions: z.string().nullish(),
  notificationUrlAppId: z.string().nullish(),
  notificationContentType: z.string().nullish(),
});
export type GraphSubscription = z.infer<typeof graphSubscription>;
