import { z } from "zod";
import { impossibleDateTime } from "./dateTime";
import { ownerMarkPattern } from "./ownership";
import { graphLimits } from "../limits";
import { redactUrl } from "../redaction";

/**
 * The single source of the Subscription's input and output types. Property names are Graph's own
 * (https://learn.microsoft.com/en-us/graph/api/resources/subscription), plus a few of the
 * provider's: `paymentModel`, `lifetimeMinutes`, `renewBeforeMinutes`, `apiVersion`,
 * `adoptExisting`, `reauthorizeTrigger`, `connection`.
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

/**
 * A value as a connection message may quote it: strings in quotes (URLs with their query values and any
 * user:password masked), anything else by its type. Never used for clientSecret.
 */
function quoted(input: unknown): string {
  if (input === undefined) return "(missing)";
  if (typeof input !== "string") return `a ${input === null ? "null" : Array.isArray(input) ? "list" : typeof input}`;
  const masked = redactUrl(input);
  return `'${masked.length > 100 ? `${masked.slice(0, 100)}…` : masked}'`;
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A verified domain of the tenant (contoso.onmicrosoft.com): labels of letters, digits and hyphens, at least one dot.
const domainPattern = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

const connectionUrl = (example: string) =>
  z
    .string({ error: (issue) => `${quoted(issue.input)} must be an https:// URL such as ${example}; leave it out to use the cloud's own` })
    .refine(
      (value) => URL.canParse(value) && new URL(value).protocol === "https:" && new URL(value).username === "" && new URL(value).password === "",
      { error: (issue) => `${quoted(issue.input)} must be an https:// URL without a user name or password, such as ${example}; leave it out to use the cloud's own` },
    );

/** How a connection signs in: exactly one of these. */
export const connectionCredentials = ["clientSecret", "certificatePath", "workloadIdentity"] as const;

/**
 * One app registration in one tenant, on one Graph: the `connection` input. Without it the stack's
 * `msgraph:*` settings apply. A connection is complete in itself: cloud defaults to global and endpoint
 * and authorityHost to that cloud's hosts, whatever msgraph:* says (retries and timeouts still come from
 * there). Messages name the field and quote its value, except clientSecret's, which is never shown.
 */
export const connectionInput = z
  .strictObject({
    /** The directory (tenant) id, or a verified domain of the tenant. */
    tenantId: z
      .string({ error: (issue) => `${quoted(issue.input)} must be the directory (tenant) id (a GUID); copy it from the app registration's Overview page` })
      .refine((value) => guidPattern.test(value) || domainPattern.test(value), {
        error: (issue) =>
          `${quoted(issue.input)} is not a tenant: give the directory (tenant) id, a GUID such as 4b6f1e2a-0c3d-4e5f-8a9b-1c2d3e4f5a6b, ` +
          "or a verified domain such as contoso.onmicrosoft.com (one tenant, not common or organizations); copy it from the app registration's Overview page",
      }),
    /** The application (client) id of the app registration. */
    clientId: z
      .string({ error: (issue) => `${quoted(issue.input)} must be the application (client) id; copy it from the app registration's Overview page` })
      .regex(guidPattern, {
        error: (issue) =>
          `${quoted(issue.input)} is not an application (client) id, which is a GUID such as 00000000-0000-0000-0000-000000000000; ` +
          "copy the Application (client) ID from the app registration's Overview page (not its display name or object id)",
      }),
    /** Secret: never shown in messages; the Subscription class keeps it a Pulumi secret, in inputs and in state. */
    clientSecret: z
      .string({ error: () => "(value hidden) must be a string; pass the client secret's value, e.g. config.requireSecret(\"contosoClientSecret\")" })
      .min(1, "(value hidden) is empty; pass the client secret's value, e.g. config.requireSecret(\"contosoClientSecret\")")
      .optional(),
    /** A PEM file holding the app's certificate and its private key; relative to the program's directory. */
    certificatePath: z
      .string({ error: (issue) => `${quoted(issue.input)} must be the path of a PEM file holding the app's certificate and its private key` })
      .min(1, "is empty; give the path of a PEM file holding the app's certificate and its private key")
      .optional(),
    /** Workload identity federation: the token file named by AZURE_FEDERATED_TOKEN_FILE (GitHub Actions OIDC, AKS). */
    workloadIdentity: z
      .literal(true, {
        error: (issue) =>
          `must be true when given, got ${typeof issue.input === "boolean" ? issue.input : quoted(issue.input)}; write workloadIdentity: true to sign in with workload identity federation, or leave it out`,
      })
      .optional(),
    cloud: z.enum(clouds, { error: (issue) => `${quoted(issue.input)} is not a cloud; use one of ${clouds.join(", ")} (default global)` }).optional(),
    /** Graph root without version; default the cloud's Graph host. */
    endpoint: connectionUrl("https://graph.microsoft.us").optional(),
    /** Sign-in authority; default the cloud's. */
    authorityHost: connectionUrl("https://login.microsoftonline.us").optional(),
  })
  .superRefine((connection, context) => {
    const given = connectionCredentials.filter((name) => connection[name] !== undefined);
    if (given.length === 1) return;
    context.addIssue({
      code: "custom",
      message:
        (given.length === 0 ? "connection: no credential is given" : `connection: ${given.join(" and ")} are given together`) +
        `; set exactly one of clientSecret (a Pulumi secret), certificatePath (a PEM file with the private key) or workloadIdentity: true`,
    });
  });

/** A connection as the program writes it. */
export type ConnectionInput = z.output<typeof connectionInput>;
export const connectionFieldNames = Object.keys(connectionInput.shape) as Array<keyof ConnectionInput>;

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
  /** Another tenant or app than the stack's msgraph:* settings; see connectionInput. */
  connection: connectionInput.optional(),
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
