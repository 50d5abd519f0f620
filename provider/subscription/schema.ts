import { z } from "zod";
import { impossibleDateTime } from "./dateTime";
import { ownerMarkPattern } from "./ownership";
import { graphLimits } from "../limits";

/**
 * The single source of the Subscription's input and output types. Property names are Graph's own
 * (https://learn.microsoft.com/en-us/graph/api/resources/subscription), plus a few of the
 * provider's: `paymentModel`, `lifetimeMinutes`, `renewBeforeMinutes`, `apiVersion`,
 * `adoptExisting`, `reauthorizeTrigger`.
 *
 * The schema checks shapes only. Everything that depends on the resource path, the API version or
 * the cloud (lifetimes, change types, encryption, payment models) lives in the rule table and is
 * checked by `rules/validate.ts`.
 */

export const apiVersions = ["v1.0", "beta"] as const;
export type ApiVersion = (typeof apiVersions)[number];

export const clouds = ["global", "usgov-l4", "usgov-l5", "china"] as const;
export type Cloud = (typeof clouds)[number];

export const permissionTypes = ["application", "delegated-work", "delegated-personal"] as const;
export type PermissionType = (typeof permissionTypes)[number];

/** Graph's documented order; canonical `changeType` strings list the values in this order. */
export const changeTypes = ["created", "updated", "deleted"] as const;
export type ChangeType = (typeof changeTypes)[number];

export const tlsVersions = graphLimits.tlsVersions;
export const paymentModels = ["A", "B"] as const;
export type PaymentModel = (typeof paymentModels)[number];

/**
 * Accepts "created,updated", ["created", "updated"], any case and spacing (the Event Grid sample
 * capitalises them), and yields the canonical lowercase, de-duplicated, ordered comma string, so
 * that reordering the list in a program is not a change.
 */
export const changeTypeInput = z
  .union([z.string(), z.array(z.string()).min(1, "must list at least one change type")])
  .transform((value, ctx) => {
    const parts = (Array.isArray(value) ? value : value.split(","))
      .map((part) => part.trim().toLowerCase())
      .filter((part) => part.length > 0);
    const unknown = parts.filter((part) => !(changeTypes as readonly string[]).includes(part));
    if (parts.length === 0 || unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        message:
          parts.length === 0
            ? `must name at least one of ${changeTypes.join(", ")}; for example "created,updated"`
            : `'${unknown.join("', '")}' is not a Graph change type; use ${changeTypes.join(", ")} (comma-separated or an array)`,
      });
      return z.NEVER;
    }
    return canonicalChangeType(parts as ChangeType[]);
  });

export function canonicalChangeType(parts: readonly ChangeType[]): string {
  return changeTypes.filter((known) => parts.includes(known)).join(",");
}

// An offset is required: without one, JavaScript reads the time in the machine's time zone, and a
// pipeline agent's zone must not decide when a subscription expires.
const isoDateTime = z.string().superRefine((value, context) => {
  if (!graphLimits.dateTimePattern.test(value) || Number.isNaN(Date.parse(value))) {
    context.addIssue({ code: "custom", message: "must be an ISO 8601 date and time with a UTC offset, for example 2026-01-31T12:00:00Z" });
    return;
  }
  const impossible = impossibleDateTime(value);
  if (impossible) context.addIssue({ code: "custom", message: `${impossible}; write a date and time that exists, for example 2026-01-31T12:00:00Z` });
});

const positiveMinutes = z.number().int("must be a whole number of minutes").positive("must be more than 0 minutes");

export const subscriptionInputs = z.strictObject({
  /** Graph path to watch, without host or version, e.g. `me/mailFolders('Inbox')/messages`. */
  resource: z.string().trim().min(1, "must name the Graph resource path to watch, for example users/{id}/messages"),
  changeType: changeTypeInput,
  notificationUrl: z.string().min(1, "must be the HTTPS URL (or EventHub:/EventGrid: address) that receives notifications"),
  lifecycleNotificationUrl: z.string().min(1).optional(),
  /** Fixed expiry. Prefer `lifetimeMinutes`, which does not go stale in a program. */
  expirationDateTime: isoDateTime.optional(),
  /** Secret: never shown in messages, state holds it encrypted. */
  clientState: z.string().optional(),
  includeResourceData: z.boolean().optional(),
  encryptionCertificate: z.string().min(1).optional(),
  encryptionCertificateId: z.string().min(1).optional(),
  latestSupportedTlsVersion: z.enum(tlsVersions).optional(),
  notificationQueryOptions: z.string().min(1).optional(),
  notificationUrlAppId: z.string().min(1).optional(),
  /** Teams payment model; the same as writing `?model=A|B` in `resource`. */
  paymentModel: z.enum(paymentModels).optional(),
  lifetimeMinutes: positiveMinutes.optional(),
  renewBeforeMinutes: positiveMinutes.optional(),
  apiVersion: z.enum(apiVersions).optional(),
  adoptExisting: z.boolean().optional(),
  /** Any value; changing it reauthorizes the subscription in place on the next `pulumi up`. */
  reauthorizeTrigger: z.union([z.string(), z.number()]).optional(),
  /**
   * Set by the Subscription resource class, not the program: this resource's identity as seven digits,
   * written into every expiry it sends so a later run can recognise what an interrupted run created
   * (ownership.ts).
   */
  ownerMark: z.string().regex(ownerMarkPattern, "must be seven digits (set by the Subscription class)").optional(),
});

/** Inputs as the program writes them (changeType may be an array). */
export type SubscriptionInputsIn = z.input<typeof subscriptionInputs>;
/** Inputs after parsing: changeType is the canonical comma string. */
export type SubscriptionInputs = z.output<typeof subscriptionInputs>;
export type SubscriptionInputName = keyof SubscriptionInputs;
export const subscriptionInputNames = Object.keys(subscriptionInputs.shape) as SubscriptionInputName[];

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
