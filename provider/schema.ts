import { z } from "zod";
import { impossibleDateTime } from "./dateTime";
import { graphLimits } from "./limits";
import { ownerMarkPattern } from "./ownership";
import { redactUrl } from "./redaction";
import { apiVersions, changeTypes, canonicalChangeType, clouds, paymentModels, type ChangeType } from "./vocabulary";

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

export const tlsVersions = graphLimits.tlsVersions;

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
    tenantId: z
      .string({ error: (issue) => `${quoted(issue.input)} must be the directory (tenant) id (a GUID); copy it from the app registration's Overview page` })
      .refine((value) => guidPattern.test(value) || domainPattern.test(value), {
        error: (issue) =>
          `${quoted(issue.input)} is not a tenant: give the directory (tenant) id, a GUID such as 4b6f1e2a-0c3d-4e5f-8a9b-1c2d3e4f5a6b, ` +
          "or a verified domain such as contoso.onmicrosoft.com (one tenant, not common or organizations); copy it from the app registration's Overview page",
      })
      .describe("The directory (tenant) id (a GUID), or a verified domain of the tenant."),
    clientId: z
      .string({ error: (issue) => `${quoted(issue.input)} must be the application (client) id; copy it from the app registration's Overview page` })
      .regex(guidPattern, {
        error: (issue) =>
          `${quoted(issue.input)} is not an application (client) id, which is a GUID such as 00000000-0000-0000-0000-000000000000; ` +
          "copy the Application (client) ID from the app registration's Overview page (not its display name or object id)",
      })
      .describe("The application (client) id of the app registration (a GUID)."),
    clientSecret: z
      .string({ error: () => "(value hidden) must be a string; pass the client secret's value, e.g. config.requireSecret(\"contosoClientSecret\")" })
      .min(1, "(value hidden) is empty; pass the client secret's value, e.g. config.requireSecret(\"contosoClientSecret\")")
      .optional()
      .describe("The app's client secret. Always kept a Pulumi secret: never shown, encrypted in state."),
    certificatePath: z
      .string({ error: (issue) => `${quoted(issue.input)} must be the path of a PEM file holding the app's certificate and its private key` })
      .min(1, "is empty; give the path of a PEM file holding the app's certificate and its private key")
      .optional()
      .describe("A PEM file holding the app's certificate and its private key, relative to the program's directory."),
    workloadIdentity: z
      .literal(true, {
        error: (issue) =>
          `must be true when given, got ${typeof issue.input === "boolean" ? issue.input : quoted(issue.input)}; write workloadIdentity: true to sign in with workload identity federation, or leave it out`,
      })
      .optional()
      .describe("true: sign in with workload identity federation (the token file named by AZURE_FEDERATED_TOKEN_FILE: GitHub Actions OIDC, AKS)."),
    cloud: z
      .enum(clouds, { error: (issue) => `${quoted(issue.input)} is not a cloud; use one of ${clouds.join(", ")} (default global)` })
      .optional()
      .describe("The national cloud: global, usgov-l4, usgov-l5 or china. Default: global."),
    endpoint: connectionUrl("https://graph.microsoft.us").optional().describe("The Graph root without version. Default: the cloud's Graph host."),
    authorityHost: connectionUrl("https://login.microsoftonline.us").optional().describe("The sign-in authority. Default: the cloud's."),
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

// Each input's description is the one every front shows: the Pulumi package schema (and through it the Python and
// Go SDKs' docstrings and the YAML host's checks) is generated from these, never written by hand.
export const subscriptionInputs = z.strictObject({
  resource: z
    .string()
    .trim()
    .min(1, "must name the Graph resource path to watch, for example users/{id}/messages")
    .describe("The Graph resource path to watch, without host or version, for example `users/{id}/messages` or `me/mailFolders('Inbox')/messages`. Checked against the rule table at preview (docs/rule-table.md)."),
  changeType: changeTypeInput.describe(
    "The changes to be notified of: `created`, `updated` and/or `deleted`, comma-separated, for example `created,updated`. Stored canonical: lowercase, in Graph's order. A change replaces the subscription.",
  ),
  notificationUrl: z
    .string()
    .min(1, "must be the HTTPS URL (or EventHub:/EventGrid: address) that receives notifications")
    .describe("The HTTPS URL that receives change notifications, or an `EventHub:` or `EventGrid:` address. Changed in place (PATCH)."),
  lifecycleNotificationUrl: z
    .string()
    .min(1)
    .optional()
    .describe("The HTTPS URL that receives lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed). Required by some resources when the subscription lives over an hour. Cannot be added in place: a change replaces."),
  expirationDateTime: isoDateTime
    .optional()
    .describe("A fixed expiry, ISO 8601 with a UTC offset. Prefer `lifetimeMinutes`, which does not go stale in a program. As an output: the expiry Graph reports."),
  clientState: z
    .string()
    .optional()
    .describe("A value Graph sends back in every notification, so the receiver can tell real notifications from forged ones. Always stored as a secret; never printed. A change replaces."),
  includeResourceData: z
    .boolean()
    .optional()
    .describe("Rich notifications: include the changed resource's data, encrypted with `encryptionCertificate`. Only where the rule table allows it. A change replaces."),
  encryptionCertificate: z
    .string()
    .min(1)
    .optional()
    .describe("The base64 public certificate Graph encrypts resource data with; required with `includeResourceData`. A change replaces."),
  encryptionCertificateId: z
    .string()
    .min(1)
    .optional()
    .describe("Your identifier of `encryptionCertificate` (up to 128 characters); required with `includeResourceData`. A change replaces."),
  latestSupportedTlsVersion: z
    .enum(tlsVersions)
    .optional()
    .describe("The newest TLS version the notification endpoint supports: v1_0, v1_1, v1_2 or v1_3. A change replaces."),
  notificationQueryOptions: z
    .string()
    .min(1)
    .optional()
    .describe("OData query options that filter notifications (Universal Print, and resources whose page allows it). A change replaces."),
  notificationUrlAppId: z
    .string()
    .min(1)
    .optional()
    .describe("The app id Graph uses to get a token for an Azure Function or Event Grid notification endpoint. A change replaces."),
  paymentModel: z
    .enum(paymentModels)
    .optional()
    .describe("The Teams payment model, A or B: the same as writing `?model=A` or `?model=B` in `resource`. A change replaces (Graph requires a new subscription)."),
  lifetimeMinutes: positiveMinutes
    .optional()
    .describe("How long each expiry should be from the time it is set, in minutes; `pulumi up` renews when less than `renewBeforeMinutes` is left. Default: the longest Graph allows for the resource (less a safety margin)."),
  renewBeforeMinutes: positiveMinutes
    .optional()
    .describe("Renew on `pulumi up` when the subscription has less than this many minutes left. Default: a quarter of the lifetime, at least 15 minutes and at most 24 hours."),
  apiVersion: z
    .enum(apiVersions)
    .optional()
    .describe("The Graph API version the subscription is managed through: v1.0 or beta. Default: the provider's apiVersion setting (v1.0)."),
  adoptExisting: z
    .boolean()
    .optional()
    .describe("When Graph already has a subscription of this app on the same resource and change types (409), adopt it instead of failing, if nothing that cannot change in place differs."),
  allowUndocumentedResource: z
    .boolean()
    .optional()
    .describe(
      "true: let a `resource` path through that the rule table does not list (Graph ships resources before any table follows), with a warning naming it; Graph decides. Rules the table does know still apply. Default: the provider's allowUndocumentedResources setting (false).",
    ),
  reauthorizeTrigger: z
    .union([z.string(), z.number()])
    .optional()
    .describe("Any value; changing it reauthorizes the subscription in place on the next `pulumi up` (POST /subscriptions/{id}/reauthorize)."),
  /**
   * Set by the front, not the program (the Subscription class, or the native provider from the URN): this
   * resource's identity as seven digits, written into every expiry it sends so a later run can recognise what an
   * interrupted run created (ownership.ts). Not part of the package schema.
   */
  ownerMark: z.string().regex(ownerMarkPattern, "must be seven digits (set by the Subscription class)").optional(),
  connection: connectionInput
    .optional()
    .describe("Another tenant or app than the provider's settings: tenantId, clientId, exactly one of clientSecret, certificatePath or workloadIdentity, and optionally cloud, endpoint and authorityHost. Changing the tenant, app, cloud or endpoint replaces the subscription; changing only how the app signs in changes nothing in Graph."),
});

/** Inputs as the program writes them (changeType may be an array). */
export type SubscriptionInputsIn = z.input<typeof subscriptionInputs>;
/** Inputs after parsing: changeType is the canonical comma string. */
export type SubscriptionInputs = z.output<typeof subscriptionInputs>;
export type SubscriptionInputName = keyof SubscriptionInputs;
export const subscriptionInputNames = Object.keys(subscriptionInputs.shape) as SubscriptionInputName[];


/**
 * A SubscriptionSet: one resource for many subscriptions that differ only in the resource they watch (a fleet:
 * every user's mailbox, every team's channels). Every other input is the Subscription's, with the same meaning,
 * shared by all of them; the engine then handles one resource instead of thousands (docs/large-stacks.md).
 */
export const subscriptionSetInputs = subscriptionInputs.omit({ resource: true }).extend({
  resources: z
    .array(
      z
        .string()
        .trim()
        .min(1, "must name a Graph resource path to watch, for example users/{id}/messages"),
    )
    .min(1, "must list at least one Graph resource path")
    .describe(
      "The Graph resource paths to watch, one subscription each, for example `users/{id}/messages` for every mailbox of a fleet. Each is checked against the rule table at preview like a Subscription's `resource`. Adding or removing a path creates or deletes only that subscription.",
    ),
});
export type SubscriptionSetInputsIn = z.input<typeof subscriptionSetInputs>;
