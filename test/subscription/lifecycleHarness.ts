import * as lifecycle from "../../provider/subscription/lifecycle";
import { resolveSettings } from "../../provider/graph/settings";

/** Settings with no credentials: enough for the pure parts of the lifecycle (diff, check without a token). */
export function useSettingsForTests(overrides: Record<string, string> = {}): void {
  lifecycle.useSettings(resolveSettings((key) => overrides[key], {}));
}

export function diff(olds: Record<string, unknown>, news: Record<string, unknown>) {
  return lifecycle.diff("id", olds, news);
}
