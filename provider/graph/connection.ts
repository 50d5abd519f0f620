import { createHmac } from "node:crypto";
import type { ConnectionInput } from "../schema";
import { cloudEndpoints } from "./clouds";
import type { SignIn } from "./credentials";
import type { ProviderSettings } from "./settings";

/**
 * A resource's `connection` input: the settings the provider signs in and calls Graph with, and the two
 * identities the provider needs of it.
 * - graphIdentity: the app, tenant, cloud and endpoint, which is what owns a subscription in Graph. Another
 *   graph identity is another Graph object (inputs.ts, the connection row).
 * - connectionKey: that plus how the app signs in. One provider process keeps one Graph client, token cache,
 *   throttle gate and clock per key (context.ts). The credential itself enters the key only as an HMAC under a
 *   per-process random key, so the map never holds a secret in the clear, and a rotated secret gets its own
 *   client instead of reusing a token cache that signed in with the old one.
 */

/** Provider settings for one connection; signIn is set when they come from a resource's connection input. */
export type ConnectionSettings = ProviderSettings & { signIn?: SignIn };

/**
 * What the connection gives, its cloud's hosts for what it leaves out, and the stack's retry settings and API
 * version. A connection is complete in itself: msgraph:tenantId, endpoint, cloud and the like never fill its
 * gaps, so what a resource reaches does not change when the stack's config does.
 */
export function connectionSettings(connection: ConnectionInput, stack: ProviderSettings): ConnectionSettings {
  const cloud = connection.cloud ?? "global";
  return {
    ...stack,
    tenantId: connection.tenantId,
    clientId: connection.clientId,
    clientSecret: connection.clientSecret,
    cloud,
    endpoint: withoutTrailingSlash(connection.endpoint ?? cloudEndpoints[cloud].graph),
    authorityHost: withoutTrailingSlash(connection.authorityHost ?? cloudEndpoints[cloud].authority),
    // msgraph:permissionType describes the stack's app; this app's permission type is read from its own token.
    permissionType: undefined,
    signIn: signInOf(connection),
  };
}

function signInOf(connection: ConnectionInput): SignIn {
  if (connection.certificatePath !== undefined) return { kind: "certificate", certificatePath: connection.certificatePath };
  if (connection.workloadIdentity) return { kind: "workloadIdentity" };
  return { kind: "clientSecret" };
}

/** The app, tenant, cloud and endpoint a connection reaches, with its defaults applied, as one comparable string. */
export function graphIdentity(connection: Pick<ConnectionInput, "tenantId" | "clientId" | "cloud" | "endpoint">): string {
  const cloud = connection.cloud ?? "global";
  return identityOf(connection.tenantId, connection.clientId, cloud, connection.endpoint ?? cloudEndpoints[cloud].graph);
}

/**
 * The graph identity of the stack's msgraph:* settings, when they name the app: stack config, else the AZURE_*
 * environment @azure/identity signs in with. Undefined when the app is not named (Azure CLI, a managed identity
 * without a client id): then no connection can be shown to be the same.
 */
export function stackGraphIdentity(settings: ProviderSettings, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const tenantId = settings.tenantId ?? env.AZURE_TENANT_ID;
  const clientId = settings.clientId ?? env.AZURE_CLIENT_ID;
  if (!tenantId || !clientId) return undefined;
  return identityOf(tenantId, clientId, settings.cloud, settings.endpoint);
}

/** One Graph client per key in a provider process: the graph identity, the authority, how the app signs in. */
export function connectionKey(settings: ConnectionSettings, hmacKey: Uint8Array): string {
  const kind = settings.signIn?.kind ?? (settings.clientId || settings.clientSecret ? "stack config" : "environment");
  const material = settings.signIn?.kind === "certificate" ? settings.signIn.certificatePath : (settings.clientSecret ?? "");
  return JSON.stringify([
    identityOf(settings.tenantId ?? "", settings.clientId ?? "", settings.cloud, settings.endpoint),
    withoutTrailingSlash(settings.authorityHost).toLowerCase(),
    kind,
    createHmac("sha256", hmacKey).update(material).digest("base64url"),
  ]);
}

function identityOf(tenantId: string, clientId: string, cloud: string, endpoint: string): string {
  return [tenantId.toLowerCase(), clientId.toLowerCase(), cloud, withoutTrailingSlash(endpoint).toLowerCase()].join(" ");
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
