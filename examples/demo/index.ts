import * as pulumi from "@pulumi/pulumi";
import { Subscription } from "pulumi-msgraph-subscriptions";

/**
 * The demo program: three subscriptions a real tenant might declare.
 *
 * - `inboxMail`: new mail in one mailbox's inbox (`users/{id}/...` with application permissions,
 *   `me/...` with delegated ones).
 * - `channelMessages`: messages in one Teams channel, kept for a day, which Graph allows only with a
 *   `lifecycleNotificationUrl`.
 * - `groupChanges`: changes to any group in the directory.
 *
 * None sets an expiry: `lifetimeMinutes` (default: the longest Graph allows for that resource) and
 * `renewBeforeMinutes` let each `pulumi up` renew a subscription that is about to run out.
 *
 * Stack config (project namespace; `npm start` fills it in for the emulator):
 *   notificationUrl           HTTPS endpoint that answers Graph's validation handshake (required)
 *   lifecycleNotificationUrl  where Graph sends lifecycle events (default: notificationUrl)
 *   mailbox                   user id or userPrincipalName to watch, or "me" (default: "me")
 *   teamId, channelId         the Teams channel to watch (the subscription is skipped without them)
 *   clientState               secret; Graph echoes it in every notification (optional)
 * Graph settings live in the `msgraph` namespace (tenantId, clientId, clientSecret, endpoint, ...) or
 * in the MSGRAPH_* / AZURE_* environment; see the README.
 */
export = async function demo() {
  const config = new pulumi.Config();
  const notificationUrl = config.require("notificationUrl");
  const lifecycleNotificationUrl = config.get("lifecycleNotificationUrl") ?? notificationUrl;
  const mailbox = config.get("mailbox") ?? "me";
  const clientState = config.getSecret("clientState");
  const common = { notificationUrl, clientState, renewBeforeMinutes: 24 * 60 };

  const inboxMail = new Subscription("inbox-mail", {
    ...common,
    resource: mailbox === "me" ? "me/mailFolders('Inbox')/messages" : `users/${mailbox}/mailFolders('Inbox')/messages`,
    changeType: "created",
  });

  const teamId = config.get("teamId");
  const channelId = config.get("channelId");
  const channelMessages = teamId && channelId
    ? new Subscription("channel-messages", {
      ...common,
      resource: `teams/${teamId}/channels/${channelId}/messages`,
      changeType: ["created", "updated", "deleted"],
      lifecycleNotificationUrl,
      lifetimeMinutes: 24 * 60,
      renewBeforeMinutes: 6 * 60,
    })
    : undefined;

  const groupChanges = new Subscription("group-changes", {
    ...common,
    resource: "groups",
    changeType: ["updated", "deleted"],
  });

  const summary = (subscription: Subscription) => ({
    id: subscription.id,
    resource: subscription.resource,
    changeType: subscription.changeType,
    expirationDateTime: subscription.expirationDateTime,
  });
  return {
    inboxMail: summary(inboxMail),
    ...(channelMessages ? { channelMessages: summary(channelMessages) } : {}),
    groupChanges: summary(groupChanges),
  };
};
