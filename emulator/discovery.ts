import { json, type EmulatorRequest, type EmulatorResponse } from "./http";

/**
 * Entra ID's instance discovery, `GET /{tenant}/discovery/instance?api-version=1.1&authorization_endpoint=...`,
 * which MSAL (Go, and others) asks before its first token, even for login.microsoftonline.com, and caches
 * per process. Entra answers with the tenant's OpenID metadata address on the authority's own host and
 * the host's aliases; for an authority it does not know, 400 invalid_instance (AADSTS50049). MSAL goes on
 * without it after a 404 (validating the authority against its built-in list), so before this route the
 * emulator cost such clients one 404 per process instead of Entra's 200.
 *
 * The authorities known here: the emulator's own host, and Entra's public hosts, for clients that reach
 * the emulator under those names (the benchmark's Terraform peer does, through a loopback proxy; see
 * scripts/benchPeer.ts). The answer names the host the client asked about, as Entra does, so the client
 * keeps using that name.
 */

const route = /^\/([^/]+)\/discovery\/instance$/;
const entraPublicHosts = ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"];

/** The answer to an instance-discovery request; undefined for any other path. */
export function handleInstanceDiscovery(request: EmulatorRequest, baseUrl: string): EmulatorResponse | undefined {
  if (!route.test(request.path)) return undefined;
  if (request.method !== "GET") return discoveryError(405, "invalid_request", 900561, "The endpoint only accepts GET requests.");
  let authority: URL;
  try {
    authority = new URL(request.query.get("authorization_endpoint") ?? "");
  } catch {
    return discoveryError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'authorization_endpoint'.");
  }
  const host = authority.host.toLowerCase();
  if (authority.protocol !== "https:" || (host !== new URL(baseUrl).host.toLowerCase() && !entraPublicHosts.includes(host))) {
    return discoveryError(400, "invalid_instance", 50049, "Unknown or invalid instance.");
  }
  const tenant = authority.pathname.split("/").filter(Boolean)[0] ?? "common";
  return json(200, {
    tenant_discovery_endpoint: `${authority.origin}/${tenant}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

/** Entra's error shape (as emulator/authority.ts writes it), without the trace fields clients ignore here. */
function discoveryError(status: number, error: string, code: number, description: string): EmulatorResponse {
  return json(status, { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code] });
}
