import type * as reauthorizeModule from "./reauthorize";
import type * as ruleTableModule from "./rules/ruleTable";
import type * as validateModule from "./rules/validate";
import type * as lifecycleHandlerModule from "./notifications/lifecycleHandler";

export { Subscription } from "./dynamic/resource";
export type { ConnectionArgs, SubscriptionArgs } from "./dynamic/resource";
export { SubscriptionSet } from "./dynamic/subscriptionSet";
export type { SubscriptionSetArgs } from "./dynamic/subscriptionSet";
export type { ReauthorizeOptions } from "./reauthorize";
export type { ValidationContext, ValidationResult } from "./rules/validate";
export type { ResourceRule } from "./rules/ruleTable";
export { GraphApiError } from "./errors";
export type { ApiVersion, ChangeType, Cloud, PermissionType, PaymentModel } from "./vocabulary";
export type { LifecycleHandlerOptions, LifecycleNotification, ChangeNotification, NotificationRequest, NotificationAnswer } from "./notifications/lifecycleHandler";

// A Pulumi program needs only Subscription, and loads this module on every preview and up. The Graph
// client, the validator and the rule table (zod, undici and the table's data: about a quarter of a second)
// load on first use instead, in the provider process or in scripts that call them.

/** POST /subscriptions/{id}/reauthorize with the stack's (or the given) settings. */
export function reauthorizeSubscription(...args: Parameters<typeof reauthorizeModule.reauthorizeSubscription>): ReturnType<typeof reauthorizeModule.reauthorizeSubscription> {
  return (require("./reauthorize") as typeof reauthorizeModule).reauthorizeSubscription(...args);
}

/** Validates subscription inputs against the rule table, as `pulumi preview` does. */
export function validateSubscription(...args: Parameters<typeof validateModule.validateSubscription>): ReturnType<typeof validateModule.validateSubscription> {
  return (require("./rules/validate") as typeof validateModule).validateSubscription(...args);
}

/** A webhook handler for Graph's lifecycle and change notifications between pipeline runs; it never creates subscriptions (README, "Lifecycle events between pipeline runs"). */
export function lifecycleNotificationHandler(...args: Parameters<typeof lifecycleHandlerModule.lifecycleNotificationHandler>): ReturnType<typeof lifecycleHandlerModule.lifecycleNotificationHandler> {
  return (require("./notifications/lifecycleHandler") as typeof lifecycleHandlerModule).lifecycleNotificationHandler(...args);
}

/** The permission and resource-rule table (docs/rule-table.md). */
export declare const ruleTable: typeof ruleTableModule.ruleTable;
Object.defineProperty(exports, "ruleTable", { enumerable: true, get: () => (require("./rules/ruleTable") as typeof ruleTableModule).ruleTable });
