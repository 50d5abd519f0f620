import * as pulumi from "@pulumi/pulumi";
import { ownerMarkFor } from "./ownership";
import subscriptionProvider = require("./provider");
import type { SubscriptionInputsIn } from "./schema";

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
type ProgramInputs = Omit<SubscriptionInputsIn, "ownerMark">;
export type SubscriptionArgs = { [K in keyof ProgramInputs]: pulumi.Input<ProgramInputs[K]> };

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
      ...args,
      clientState: args.clientState === undefined ? undefined : pulumi.secret(args.clientState),
      ownerMark: ownerMarkFor(pulumi.getProject(), pulumi.getStack(), name),
    };
    const secretOutputs = [...(opts?.additionalSecretOutputs ?? []), "clientState"];
    super(subscriptionProvider, name, props, { ...opts, additionalSecretOutputs: secretOutputs }, "msgraph", "Subscription");
  }
}
