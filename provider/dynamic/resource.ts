import * as pulumi from "@pulumi/pulumi";
import { secretInputFields, secretInputNames } from "../subscription/inputs";
import { ownerMarkFor } from "../ownership";
import subscriptionProvider = require("./provider");
import type { ConnectionInput, SubscriptionInputsIn } from "../schema";

const outputNames = [
  "resource",
  "changeType",
  "notificationUrl",
  "lifecycleNotificationUrl",
  "expirationDateTime",
  "clientState",
  "applicationId",
  "creatorId",
  "notificationContentType",
  "includeResourceData",
  "latestSupportedTlsVersion",
  "graphApiVersion",
  "ruleId",
] as const satisfies readonly (keyof Subscription)[];

/** Inputs of a Subscription, each of which may be a Pulumi Input (see schema.ts for the rules). */
type ProgramInputs = Omit<SubscriptionInputsIn, "ownerMark" | "connection">;
export type SubscriptionArgs = { [K in keyof ProgramInputs]: pulumi.Input<ProgramInputs[K]> } & {
  /**
   * Another tenant or app than the stack's `msgraph:*` settings: tenantId, clientId, exactly one of
   * clientSecret, certificatePath or workloadIdentity: true, and optionally cloud, endpoint and authorityHost.
   * clientSecret is always kept a Pulumi secret. Changing tenantId, clientId, cloud or endpoint replaces the
   * subscription; changing only how the app signs in changes nothing in Graph.
   * @default the stack's msgraph:* settings
   */
  connection?: ConnectionArgs | pulumi.Input<ConnectionInput>;
};
/** A connection whose fields may each be a Pulumi Input (a secret from config, an app id from another resource). */
export type ConnectionArgs = { [K in keyof ConnectionInput]: pulumi.Input<ConnectionInput[K]> };

/**
 * A Microsoft Graph change-notification subscription.
 *
 * Validated against Graph's documented rules at preview, created with POST /subscriptions, renewed
 * in place by `pulumi up` (PATCH), replaced when Graph cannot change it in place, deleted with
 * DELETE. `clientState` is always stored as a secret.
 */
export class Subscription extends pulumi.dynamic.Resource {
  declare readonly resource: pulumi.Output<string>;
  /** Canonical: lowercase, comma-separated, in Graph's order (created, updated, deleted). */
  declare readonly changeType: pulumi.Output<string>;
  declare readonly notificationUrl: pulumi.Output<string>;
  declare readonly lifecycleNotificationUrl: pulumi.Output<string | undefined>;
  /** The expiry Graph reports (it raises anything under 45 minutes to 45). */
  declare readonly expirationDateTime: pulumi.Output<string>;
  declare readonly clientState: pulumi.Output<string | undefined>;
  declare readonly applicationId: pulumi.Output<string>;
  declare readonly creatorId: pulumi.Output<string>;
  declare readonly notificationContentType: pulumi.Output<string | undefined>;
  declare readonly includeResourceData: pulumi.Output<boolean | undefined>;
  declare readonly latestSupportedTlsVersion: pulumi.Output<string | undefined>;
  /** The API version the subscription is managed through. */
  declare readonly graphApiVersion: pulumi.Output<string>;
  /** The rule-table row the resource matched. */
  declare readonly ruleId: pulumi.Output<string | null>;

  constructor(name: string, args: SubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      // Every declared output is seeded, so that Pulumi exposes it even when the program does not
      // give it as an input (expirationDateTime with lifetimeMinutes, Graph's defaults, ...).
      ...Object.fromEntries(outputNames.map((name) => [name, undefined])),
      ...withSecrets(args),
      ownerMark: ownerMarkFor(pulumi.getProject(), pulumi.getStack(), name),
    };
    const secretOutputs = [...(opts?.additionalSecretOutputs ?? []), ...secretInputNames];
    super(subscriptionProvider, name, props, { ...opts, additionalSecretOutputs: secretOutputs }, "msgraph", "Subscription");
  }
}

/**
 * The args with every secret of the input table made a Pulumi secret, whatever the program passed: whole
 * inputs (clientState), and the secret fields of object inputs (connection.clientSecret). A secret field makes
 * only itself secret, so the state keeps the rest of the object readable; the engine marks the same field
 * secret in the outputs, since it re-marks outputs field by field after the secret inputs. A whole object known
 * only at run time (an Output, say from config.requireSecretObject) cannot be split: it is kept secret whole.
 */
export function withSecrets(args: SubscriptionArgs): Record<string, unknown> {
  const marked: Record<string, unknown> = { ...args };
  for (const name of secretInputNames) {
    if (marked[name] !== undefined) marked[name] = pulumi.secret(marked[name]);
  }
  for (const [name, fields] of Object.entries(secretInputFields) as Array<[string, readonly string[]]>) {
    const value = marked[name];
    if (value === undefined || value === null) continue;
    if (pulumi.Output.isInstance(value) || value instanceof Promise || typeof value !== "object") {
      marked[name] = pulumi.secret(value);
      continue;
    }
    const object: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const field of fields) if (object[field] !== undefined) object[field] = pulumi.secret(object[field]);
    marked[name] = object;
  }
  return marked;
}
