/**
 * Change notifications delivered to Azure instead of a webhook: mail to an Event Hub, and directory
 * changes to an Event Grid partner topic. Neither needs a public endpoint that answers Graph's
 * validation handshake: Azure authorizes the delivery instead.
 *
 * Stack config (this project's namespace):
 *   mailbox               the user whose mail goes to the Event Hub (object id or userPrincipalName)
 *   tenantDomain          your tenant's domain, e.g. contoso.com (Graph uses it to reach the Event Hub)
 *   eventHubNamespace     the Event Hubs namespace, e.g. contoso-graph (without .servicebus.windows.net)
 *   eventHubName          the event hub in that namespace
 *   azureSubscriptionId   the Azure subscription in which Graph creates the partner topic
 *   resourceGroup         its resource group
 *   partnerTopic          the partner topic's name (unique within the region)
 *   location              the Azure region *name*, e.g. westeurope (not the display name "West Europe")
 *   clientState           secret that Graph sends back in every notification (optional; --secret)
 */
import * as pulumi from "@pulumi/pulumi";
import { Subscription } from "pulumi-msgraph-subscriptions";

const config = new pulumi.Config();
const clientState = config.getSecret("clientState");

// The Event Hubs address with Microsoft Entra ID (RBAC) authorization: grant the "Microsoft Graph
// Change Tracking" service principal the "Azure Event Hubs Data Sender" role on the hub. (The older
// form names a Key Vault secret holding a connection string instead:
// EventHub:https://<vault>.vault.azure.net/secrets/<secret>?tenantId=<domain>.)
const eventHub = new URL(`https://${config.require("eventHubNamespace")}.servicebus.windows.net`);
eventHub.pathname = `/eventhubname/${config.require("eventHubName")}`;
eventHub.searchParams.set("tenantId", config.require("tenantDomain"));

const mailToEventHub = new Subscription("mail-to-event-hub", {
  resource: `users/${config.require("mailbox")}/messages`,
  changeType: ["created", "updated", "deleted"],
  notificationUrl: `EventHub:${eventHub.href}`,
  clientState,
});

// Graph creates the partner topic when it creates the subscription; activate it in the Azure portal
// (or with `az eventgrid partner topic activate`) and add event subscriptions to route the events.
const partnerTopic = new URLSearchParams({
  azuresubscriptionid: config.require("azureSubscriptionId"),
  resourcegroup: config.require("resourceGroup"),
  partnertopic: config.require("partnerTopic"),
  location: config.require("location"),
});
const eventGridAddress = `EventGrid:?${partnerTopic}`;

const usersToEventGrid = new Subscription("users-to-event-grid", {
  resource: "users",
  changeType: ["updated", "deleted"],
  notificationUrl: eventGridAddress,
  // Lifecycle events (reauthorization required, subscription removed) go to the same partner topic:
  // the Event Grid article asks for the topic named in notificationUrl. An event subscription on them
  // can start a `pulumi up` that renews or re-creates the subscription.
  lifecycleNotificationUrl: eventGridAddress,
  clientState,
});

export const eventHubSubscriptionId = mailToEventHub.id;
export const eventGridSubscriptionId = usersToEventGrid.id;
