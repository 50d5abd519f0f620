import type { ApiVersion } from "../vocabulary";
import type { ProviderContext } from "./context";

/**
 * reauthorize: POST /subscriptions/{id}/reauthorize with the provider's own connection, for a subscription
 * this provider's app owns. Answers a reauthorizationRequired lifecycle event without renewing. Returns the
 * API version it went through.
 */
export async function reauthorize(context: ProviderContext, id: string, apiVersion?: ApiVersion): Promise<ApiVersion> {
  const version = apiVersion ?? context.settings().apiVersion;
  const client = await context.graph();
  await client.reauthorize(id, version);
  return version;
}
