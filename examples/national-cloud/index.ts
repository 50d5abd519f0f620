/**
 * Subscriptions in a national cloud. Each stack names its cloud in its stack file (Pulumi.usgov.yaml,
 * Pulumi.china.yaml): `msgraph:cloud` picks both Graph's host and the sign-in authority, which always
 * go together because a token from one cloud is refused by another. Validation at preview follows
 * the same setting and refuses what the cloud does not offer (To Do tasks, virtual events, the
 * Teams metered APIs) before anything is sent.
 *
 * Stack config (this project's namespace):
 *   mailbox          the user whose inbox to watch: object id or userPrincipalName (required)
 *   notificationUrl  HTTPS endpoint that answers Graph's validation handshake (required)
 *   clientState      secret that Graph sends back in every notification (optional; --secret)
 */
import * as pulumi from "@pulumi/pulumi";
import { Subscription } from "pulumi-msgraph-subscriptions";

// The provider falls back to the global cloud when nothing names one. For this project that would
// be a mistake that signs in to the wrong authority, so a stack without a national cloud stops here.
export const cloud = new pulumi.Config("msgraph").get("cloud") ?? process.env.MSGRAPH_CLOUD ?? "global";
if (cloud === "global") {
  throw new Error(
    `stack ${pulumi.getStack()} names no national cloud; use the usgov or china stack, or set msgraph:cloud to usgov-l4, usgov-l5 or china`,
  );
}

const config = new pulumi.Config();
const notificationUrl = config.require("notificationUrl");
const clientState = config.getSecret("clientState");

const inbox = new Subscription("inbox", {
  resource: `users/${config.require("mailbox")}/mailFolders('Inbox')/messages`,
  changeType: "created",
  notificationUrl,
  clientState,
});

const groups = new Subscription("groups", {
  resource: "groups",
  changeType: ["updated", "deleted"],
  notificationUrl,
  clientState,
});

export const inboxSubscriptionId = inbox.id;
export const groupsSubscriptionId = groups.id;
