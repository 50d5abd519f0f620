import { resolveSettings } from "../../provider/graph/settings";
import { ConfiguredContext, ProviderContext } from "../../provider/subscription/context";
import { SubscriptionProvider } from "../../provider/subscription/implementation";

let provider = SubscriptionProvider.withSettings(resolveSettings(() => undefined, {}));

/**
 * Settings with no credentials: enough for the pure parts of the lifecycle (diff, check without a
 * token). Graph's clock counts as heard and equal to ours, so diff needs no GET to confirm a verdict.
 */
export function useSettingsForTests(overrides: Record<string, string> = {}): void {
  const context = ProviderContext.fromSettings(resolveSettings((key) => overrides[key], {}));
  context.clock.observe(new Date().toUTCString());
  provider = new SubscriptionProvider(new ConfiguredContext(context));
}

export function diff(olds: Record<string, unknown>, news: Record<string, unknown>) {
  return provider.diff("id", olds, news);
}
