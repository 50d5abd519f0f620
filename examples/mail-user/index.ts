/**
 * New mail in one user's inbox, kept alive by a relative lifetime instead of a fixed expiry.
 *
 * Stack config (this project's namespace):
 *   mailbox          the user whose inbox to watch: object id or userPrincipalName (required)
 *   notificationUrl  HTTPS endpoint that answers Graph's validation handshake (required)
 *   clientState      secret that Graph sends back in every notification (optional; set with --secret)
 * Graph settings (tenant, app, cloud, endpoint) are in the `msgraph` namespace or the MSGRAPH_* /
 * AZURE_* environment; see README.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { Subscription } from "pulumi-msgraph-subscriptions";

const config = new pulumi.Config();
const mailbox = config.require("mailbox");

const inbox = new Subscription("inbox", {
  resource: `users/${mailbox}/mailFolders('Inbox')/messages`,
  changeType: "created",
  notificationUrl: config.require("notificationUrl"),
  clientState: config.getSecret("clientState"),
  // Three days from each create or renewal (Graph allows up to seven for mail). A fixed
  // expirationDateTime in a program goes stale; a lifetime is measured from the run that sends it.
  lifetimeMinutes: 3 * 24 * 60,
  // A `pulumi up` that finds less than a day left renews the subscription in place (PATCH); one that
  // finds more changes nothing. Run `pulumi up` more often than the window (every 12 hours, say) and
  // every renewal happens while at least half a day is left.
  renewBeforeMinutes: 24 * 60,
});

export const subscriptionId = inbox.id;
export const expirationDateTime = inbox.expirationDateTime;
