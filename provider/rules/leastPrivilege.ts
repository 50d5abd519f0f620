import type { ApiVersion, PermissionType } from "../vocabulary";
import { matchRules } from "./resourcePath";
import { acceptedPermissions, permissionsFor, type ResourceRule } from "./ruleTable";

/**
 * What an access token lacks to subscribe to a resource: the rule table's least-privileged permissions for
 * the resource and permission type, when the token grants none of them. Graph accepts any one of a row's
 * permissions, so one granted is enough.
 */
export interface PermissionGap {
  rule: ResourceRule;
  permissionType: PermissionType;
  /** Any one of these would do; null when the resource supports no permission of this type at all. */
  needed: readonly string[] | null;
}

/** undefined when the token is enough, or when the rule table has no row for the resource to judge by. */
export function permissionGap(resource: string, apiVersion: ApiVersion, permissionType: PermissionType, granted: readonly string[]): PermissionGap | undefined {
  const candidates = matchRules(resource, apiVersion);
  if (candidates.length === 0) return undefined;
  // Rows can tie on a path (driveItem on personal and business OneDrive); the permission type picks, as in check.ts.
  const { rule } = candidates.find((candidate) => permissionsFor(candidate.rule, permissionType) !== null) ?? candidates[0]!;
  const needed = permissionsFor(rule, permissionType);
  if (needed !== null && needed.length === 0) return undefined;
  const have = new Set(granted.map((permission) => permission.toLowerCase()));
  const accepted = acceptedPermissions(rule, permissionType);
  if (accepted !== null && accepted.some((permission) => have.has(permission.toLowerCase()))) return undefined;
  return { rule, permissionType, needed };
}
