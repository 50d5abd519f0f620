import { SubscriptionsClient } from "./graph/client";
import { resolveSettings, type ProviderSettings } from "./graph/settings";
import type { ApiVersion } from "./vocabulary";

export interface ReauthorizeOptions {
  /** Defaults to the settings' apiVersion (msgraph:apiVersion / MSGRAPH_API_VERSION, else v1.0). */
  apiVersion?: ApiVersion;
  /** Provider settings; defaults to the MSGRAPH_* and AZURE_* environment. */
  settings?: Partial<ProviderSettings>;
}

/**
 * POST /subscriptions/{id}/reauthorize: answers a `reauthorizationRequired` lifecycle event without
 * renewing (https://learn.microsoft.com/en-us/graph/api/subscription-reauthorize). Graph asks not
 * to combine it with a PATCH of the same subscription within ten minutes.
 */
export async function reauthorizeSubscription(id: string, options: ReauthorizeOptions = {}): Promise<void> {
  const settings = settingsWithOverrides(options.settings);
  const client = await SubscriptionsClient.connect(settings);
  await client.reauthorize(id, options.apiVersion ?? settings.apiVersion);
}

/**
 * Settings given in code, over the MSGRAPH_* and AZURE_* environment. They resolve like stack config, so a
 * cloud given here brings its own Graph host and authority. Also used by lifecycleNotificationHandler.
 */
export function settingsWithOverrides(given: Partial<ProviderSettings> = {}): ProviderSettings {
  const overrides = given as Record<string, unknown>;
  return resolveSettings((key) => {
    const value = overrides[key.slice("msgraph:".length)];
    return value === undefined ? undefined : String(value);
  });
}
