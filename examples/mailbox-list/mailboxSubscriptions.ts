import * as pulumi from "@pulumi/pulumi";
import { Subscription, type SubscriptionArgs } from "pulumi-msgraph-subscriptions";

export interface MailboxSubscriptionsArgs {
  /** Object ids or userPrincipalNames; each gets one subscription. */
  mailboxes: readonly string[];
  /**
   * The mail folder to watch.
   * @default "Inbox"
   */
  folder?: string;
  /** @default "created" */
  changeType?: SubscriptionArgs["changeType"];
  notificationUrl: pulumi.Input<string>;
  clientState?: pulumi.Input<string>;
  /** @default the longest Graph allows for mail (seven days) */
  lifetimeMinutes?: number;
  /** @default half the lifetime */
  renewBeforeMinutes?: number;
}

/**
 * A mail subscription for each mailbox of a list, as one component: `pulumi up` shows them under
 * it, and adding or removing a mailbox creates or deletes just that mailbox's subscription.
 */
export class MailboxSubscriptions extends pulumi.ComponentResource {
  /** Graph's subscription id by mailbox, as the mailbox was written in the list. */
  readonly subscriptionIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: MailboxSubscriptionsArgs, opts?: pulumi.ComponentResourceOptions) {
    refuseDuplicates(args.mailboxes); // before super(), so that a refused list registers nothing
    super("msgraph-examples:index:MailboxSubscriptions", name, {}, opts);
    const folder = args.folder ?? "Inbox";
    const ids: Record<string, pulumi.Output<string>> = {};
    for (const mailbox of args.mailboxes) {
      // Named by mailbox, not by position: removing one mailbox from the middle of the list must not
      // rename (and so replace) the subscriptions of the mailboxes after it.
      const subscription = new Subscription(
        `${name}-${mailbox}`,
        {
          resource: `users/${mailbox}/mailFolders('${folder}')/messages`,
          changeType: args.changeType ?? "created",
          notificationUrl: args.notificationUrl,
          clientState: args.clientState,
          lifetimeMinutes: args.lifetimeMinutes,
          renewBeforeMinutes: args.renewBeforeMinutes,
        },
        { parent: this },
      );
      ids[mailbox] = subscription.id;
    }
    this.subscriptionIds = pulumi.all(ids);
    this.registerOutputs({ subscriptionIds: this.subscriptionIds });
  }
}

/**
 * Graph answers 409 to a second subscription on the same mailbox and change type, and userPrincipalNames
 * are case-insensitive, so "Adele@contoso.com" and "adele@contoso.com" would collide only at `pulumi up`,
 * after the first one was created. Refusing them here fails the preview instead.
 */
function refuseDuplicates(mailboxes: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const mailbox of mailboxes) {
    const earlier = seen.get(mailbox.toLowerCase());
    if (earlier !== undefined) throw new Error(`mailboxes lists the same mailbox twice: '${earlier}' and '${mailbox}'; remove one`);
    seen.set(mailbox.toLowerCase(), mailbox);
  }
}
