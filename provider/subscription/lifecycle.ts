import type * as pulumi from "@pulumi/pulumi";
import { SubscriptionProvider } from "./implementation";

/**
 * The entry point that stacks written by release 0.1.0 stored in their serialized provider:
 * `require("pulumi-msgraph-subscriptions/dist/provider/subscription/lifecycle.js").check(...)`, called as
 * plain functions. Those stacks must still refresh, update and destroy, so this module forwards to the
 * implementation. Plain functions have no object to keep a provider context on, so this module keeps the
 * one process-wide implementation itself: the only provider module that holds state, and only for the
 * calls of old stacks. New stacks load `pulumi-msgraph-subscriptions/implementation` instead.
 */
const legacy = { provider: new SubscriptionProvider() };

export function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  return legacy.provider.configure(req);
}
export function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return legacy.provider.check(olds, news);
}
export function diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  return legacy.provider.diff(id, olds, news);
}
export function create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  return legacy.provider.create(news);
}
export function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  return legacy.provider.read(id, props);
}
export function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  return legacy.provider.update(id, olds, news);
}
function remove(id: string, props: Record<string, unknown>): Promise<void> {
  return legacy.provider.delete(id, props);
}
export { remove as delete };
