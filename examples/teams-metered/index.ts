/**
 * Every channel message and every chat message in the organization: the Teams "metered" APIs
 * (teams/getAllMessages, chats/getAllMessages), which take a payment model. `paymentModel` is the
 * provider's name for the `?model=` that Graph reads from the resource path; the provider appends it.
 *
 * Microsoft stopped metering these APIs on 2025-08-25 and now ignores the model, so `pulumi preview`
 * warns about it. It still refuses what was never allowed: a model on a path that takes none, model A
 * where only B exists (users/{id}/chats/getAllMessages), and any model outside the global cloud, where
 * the metered APIs are not offered at all.
 *
 * Stack config (this project's namespace):
 *   paymentModel              "A" (security and compliance apps) or "B" (default "B")
 *   notificationUrl           HTTPS endpoint for the notifications (required)
 *   lifecycleNotificationUrl  HTTPS endpoint for lifecycle events (required)
 *   clientState               secret that Graph sends back in every notification (optional; --secret)
 */
import * as pulumi from "@pulumi/pulumi";
import { Subscription, type SubscriptionArgs } from "pulumi-msgraph-subscriptions";

const config = new pulumi.Config();
const paymentModel = config.get("paymentModel") ?? "B";
if (paymentModel !== "A" && paymentModel !== "B") {
  throw new Error(`paymentModel is '${paymentModel}'; set it to A or B`);
}
const delivery = {
  notificationUrl: config.require("notificationUrl"),
  // Teams subscriptions longer than an hour need one; these live up to three days.
  lifecycleNotificationUrl: config.require("lifecycleNotificationUrl"),
  clientState: config.getSecret("clientState"),
  paymentModel,
  renewBeforeMinutes: 24 * 60,
} satisfies Partial<SubscriptionArgs>;

const channelMessages = new Subscription("all-channel-messages", {
  ...delivery,
  resource: "teams/getAllMessages",
  changeType: ["created", "updated", "deleted"],
});

const chatMessages = new Subscription("all-chat-messages", {
  ...delivery,
  resource: "chats/getAllMessages",
  changeType: ["created", "updated", "deleted"],
});

export const channelMessagesSubscriptionId = channelMessages.id;
export const chatMessagesSubscriptionId = chatMessages.id;
