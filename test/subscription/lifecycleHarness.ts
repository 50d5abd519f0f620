import * as lifecycle from "../../provider/subscription/lifecycle";
import { resolveSettings } from "../../provider/graph/settings";
import { observeGraphDate } from "../../provider/graph/clock";

/**
 * Settings with no credentials: enough for the pure parts of the lifecycle (diff, check without a
 * token). Graph's clock counts as heard and equal to ours, so diff needs no GET to confirm a verdict.
 */
export function useSettingsForTests(overrides: Record<string, string> = {}): void {
  lifecycle.useSettings(resolveSettings((key) => overrides[key], {}));
  observeGraphDate(new Date().toUTCString());
}

export function diff(olds: Record<string, unknown>, news: Record<string, unknown>) {
  return lifecycle.diff("id", olds, news);
}
