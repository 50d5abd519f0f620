/**
 * New mail in each mailbox of a list, one subscription per mailbox, grouped by a ComponentResource
 * (mailboxSubscriptions.ts) that you can copy into your own program.
 *
 * Stack config (this project's namespace):
 *   mailboxes        JSON list of object ids or userPrincipalNames (required), e.g.
 *                    pulumi config set --path 'mailboxes[0]' adele@contoso.com
 *   notificationUrl  HTTPS endpoint that answers Graph's validation handshake (required)
 *   clientState      secret that Graph sends back in every notification (optional; --secret)
 */
import * as pulumi from "@pulumi/pulumi";
import { MailboxSubscriptions } from "./mailboxSubscriptions";

const config = new pulumi.Config();

const shared = new MailboxSubscriptions("shared-mailboxes", {
  mailboxes: config.requireObject<string[]>("mailboxes"),
  notificationUrl: config.require("notificationUrl"),
  clientState: config.getSecret("clientState"),
  // No lifetimeMinutes: the longest Graph allows for mail (seven days), renewed by any `pulumi up` in
  // its last two days.
  renewBeforeMinutes: 2 * 24 * 60,
});

export const subscriptionIds = shared.subscriptionIds;
