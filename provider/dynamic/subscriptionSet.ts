import * as pulumi from "@pulumi/pulumi";
import { ownerMarkFor } from "../ownership";
import { secretInputNames } from "../subscription/inputs";
import subscriptionSetProvider = require("./setProvider");
import { withSecrets, type SubscriptionArgs } from "./resource";

export type SubscriptionSetArgs = Omit<SubscriptionArgs, "resource"> & {
  /** The Graph resource paths to watch, one subscription each (the same rules as a Subscription's `resource`). */
  resources: pulumi.Input<pulumi.Input<string>[]>;
};

const outputNames = ["resources", "subscriptionIds", "changeType", "notificationUrl", "lifecycleNotificationUrl", "clientState"] as const;

/**
 * Many subscriptions that share every input but the resource path, as one resource: for fleets of hundreds or
 * thousands (every user's mailbox), where one resource per subscription makes the Pulumi engine, not Graph, the
 * slow part (docs/large-stacks.md). Each subscription follows the Subscription's rules, renewal and adoption.
 */
export class SubscriptionSet extends pulumi.dynamic.Resource {
  /** The resource paths, in the program's order, of the subscriptions the set holds. */
  declare readonly resources: pulumi.Output<string[]>;
  /** Graph's subscription id for each resource path. */
  declare readonly subscriptionIds: pulumi.Output<Record<string, string>>;
  declare readonly changeType: pulumi.Output<string>;
  declare readonly notificationUrl: pulumi.Output<string>;
  declare readonly lifecycleNotificationUrl: pulumi.Output<string | undefined>;
  declare readonly clientState: pulumi.Output<string | undefined>;

  constructor(name: string, args: SubscriptionSetArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...Object.fromEntries(outputNames.map((name) => [name, undefined])),
      ...withSecrets(args as unknown as SubscriptionArgs),
      ownerMark: ownerMarkFor(pulumi.getProject(), pulumi.getStack(), name),
    };
    const secretOutputs = [...(opts?.additionalSecretOutputs ?? []), ...secretInputNames];
    super(subscriptionSetProvider, name, props, { ...opts, additionalSecretOutputs: secretOutputs }, "msgraph", "SubscriptionSet");
  }
}
