import type { PermissionType } from "../vocabulary";

/** The tenant id of personal Microsoft accounts (https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference). */
export const consumerTenantId = "9188040d-6c67-4c5b-b112-36a304b66dad";

export interface TokenPermissions {
  permissionType: PermissionType | undefined;
  /** Application permissions (`roles`) or delegated scopes (`scp`). */
  granted: readonly string[];
}

/**
 * Reads, without verifying, what an access token grants. Verification is Graph's job; the provider
 * only wants to warn before Graph refuses. Never logs or returns the token itself.
 */
export function readTokenPermissions(accessToken: string): TokenPermissions {
  let claims: Record<string, unknown>;
  try {
    const { decodeJwt } = require("jose") as typeof import("jose");
    claims = decodeJwt(accessToken) as Record<string, unknown>;
  } catch {
    return { permissionType: undefined, granted: [] };
  }
  const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
  const scopes = typeof claims.scp === "string" ? claims.scp.split(" ").filter(Boolean) : [];
  if (scopes.length > 0) {
    return { permissionType: claims.tid === consumerTenantId ? "delegated-personal" : "delegated-work", granted: scopes };
  }
  // Delegated tokens always carry scp; a token without one is app-only, even when nothing is
  // consented yet (then it has no roles either, the commonest misconfiguration of all).
  if (typeof claims.tid === "string" || roles.length > 0) return { permissionType: "application", granted: roles };
  return { permissionType: undefined, granted: [] };
}
