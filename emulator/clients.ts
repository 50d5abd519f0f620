import { createHash, randomBytes } from "node:crypto";
import { ruleTable, permissionsFor } from "../provider/rules/ruleTable";
import type { PermissionType } from "../provider/vocabulary";
import { consumerTenantId } from "../provider/graph/tokenClaims";

/** An app registration the emulator's authority knows. */
export interface EmulatorClient {
  tenantId: string;
  clientId: string;
  /** A local, throwaway test credential: it only opens this emulator. */
  clientSecret: string;
  /**
   * Emulator shortcut: a delegated client gets a user token (scp claims) through the client-credentials
   * grant, so tests need no interactive sign-in. Real Entra ID issues only app tokens for that grant.
   */
  permissionType: PermissionType;
  /** Granted roles (application) or scopes (delegated). */
  permissions: readonly string[];
  /** Service principal id (application) or user id (delegated): Graph's creatorId. */
  objectId: string;
  displayName: string;
}

export type EmulatorClientOptions = Partial<EmulatorClient>;

/**
 * The default tenant and client ids are fixed, so those values in stack config still fit the next run.
 * The client secret is not: it is random on every start (see completeClient), so it must be set again
 * after each restart.
 */
export const defaultTenantId = "5e1d6c3a-7f2b-4e8d-9a10-c0ffee5eed01";
export const defaultClientId = "a1b2c3d4-0e5f-4a6b-8c7d-e0a1a7014e01";
/** Microsoft's consumer (personal account) tenant; tokens for personal accounts carry it as tid. */
export { consumerTenantId };

/** Every permission the rule table accepts for the type, so the default client may subscribe to anything. */
export function defaultPermissions(type: PermissionType): string[] {
  const all = new Set<string>();
  for (const rule of ruleTable) for (const permission of permissionsFor(rule, type) ?? []) all.add(permission);
  return [...all].sort();
}

export function completeClient(options: EmulatorClientOptions, tenantId: string, index: number): EmulatorClient {
  const permissionType = options.permissionType ?? "application";
  const clientId = options.clientId ?? (index === 0 ? defaultClientId : guidFrom(`client-${index}`));
  return {
    tenantId: options.tenantId ?? tenantId,
    clientId,
    clientSecret: options.clientSecret ?? `emulator~${randomBytes(24).toString("base64url")}`,
    permissionType,
    permissions: options.permissions ?? defaultPermissions(permissionType),
    objectId: options.objectId ?? guidFrom(`object-${clientId}`),
    displayName: options.displayName ?? `emulator ${permissionType} client ${index + 1}`,
  };
}

/** The tenant a token names: personal accounts live in the consumer tenant whatever the client says. */
export function tokenTenantId(client: EmulatorClient): string {
  return client.permissionType === "delegated-personal" ? consumerTenantId : client.tenantId;
}

function guidFrom(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
