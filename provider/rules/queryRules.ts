import type { PermissionType } from "../vocabulary";
import type { ParsedResource } from "./resourcePath";
import type { ResourceRule } from "./ruleTable";

/**
 * The rules that resource pages state outside the permission and lifetime tables (a row's `query`):
 * query parameters that only work with some permission types, `$select` with rich notifications,
 * presence's limit on users per subscription, and notificationQueryOptions. The validator and the
 * emulator both call this, so the provider refuses exactly what the emulator refuses.
 */
export interface QueryRuleInputs {
  includeResourceData?: boolean;
  notificationQueryOptions?: string;
  /** Inputs whose value is not known yet (preview); rules that read them are skipped. */
  unknown?: ReadonlySet<string>;
}

export interface QueryRuleFailure {
  property: "resource" | "notificationQueryOptions" | "includeResourceData";
  reason: string;
}

export function queryRuleFailures(
  rule: ResourceRule,
  parsed: ParsedResource,
  inputs: QueryRuleInputs,
  permissionType?: PermissionType,
): QueryRuleFailure[] {
  const failures: QueryRuleFailure[] = [];
  const query = rule.query ?? {};
  const unknown = inputs.unknown ?? new Set<string>();
  const param = (name: string) => Object.keys(parsed.query).find((key) => key.replace(/^\$/, "").toLowerCase() === name.replace(/^\$/, "").toLowerCase());

  for (const only of query.onlyWith ?? []) {
    if (param(only.parameter) !== undefined && permissionType !== undefined && !only.permissionTypes.includes(permissionType)) {
      failures.push({
        property: "resource",
        reason:
          `the ${only.parameter} query parameter works only with ${only.permissionTypes.join(" or ")} permissions for ${rule.resourceType} (rule ${rule.id}), ` +
          `but the provider uses ${permissionType} permissions; remove ?${only.parameter} or use a delegated credential`,
      });
    }
  }

  const select = param("$select");
  if (query.select?.rule === "unsupported" && select !== undefined) {
    failures.push({
      property: "resource",
      reason: `${rule.resourceType} (rule ${rule.id}) does not support $select; Graph sends all properties of the changed instance, so remove $select from the resource`,
    });
  }
  // An unknown includeResourceData (preview) is not `true`, so the rule waits for the real value.
  if (query.select?.rule === "requiredWithResourceData" && inputs.includeResourceData === true && select === undefined) {
    failures.push({
      property: "resource",
      reason:
        `${rule.resourceType} notifications with resource data (rule ${rule.id}) require $select in the resource to choose the properties to include; ` +
        `write it like '${parsed.path}?$select=subject,from', or set includeResourceData to false`,
    });
  }

  const refused = query.refusedWithResourceData;
  if (refused && inputs.includeResourceData === true) {
    const listed = (key: string | undefined) => (key === undefined ? [] : (parsed.query[key] ?? "").split(",").map((item) => item.trim()).filter(Boolean));
    const offending = refused.parameters.filter((name) => {
      const key = param(name);
      if (key === undefined) return false;
      // $expand of the extended properties is allowed; anything else it names is not.
      return name !== "$expand" || listed(key).some((item) => !refused.expandAllowed.some((allowed) => item.toLowerCase().startsWith(allowed.toLowerCase())));
    });
    const selected = listed(select).filter((item) => refused.selectProperties.some((property) => property.toLowerCase() === item.toLowerCase()));
    if (offending.length > 0 || selected.length > 0) {
      const named = [...offending, ...selected.map((property) => `$select=${property}`)];
      failures.push({
        property: "resource",
        reason:
          `${named.join(", ")} ${named.length === 1 ? "is" : "are"} not allowed in the resource of ${rule.resourceType} notifications with resource data (rule ${rule.id}); ` +
          `remove ${named.length === 1 ? "it" : "them"} ($expand may name only ${refused.expandAllowed.join(" or ")}; $select may not name ${refused.selectProperties.join(" or ")}), or set includeResourceData to false`,
      });
    }
  }

  const filter = param("$filter");
  const ids = filter === undefined ? undefined : /\bid\s+in\s*\((.*)\)/is.exec(parsed.query[filter] ?? "")?.[1];
  if (query.maxFilterIds && ids !== undefined) {
    const count = ids.split(",").filter((id) => id.trim().length > 0).length;
    if (count > query.maxFilterIds.limit) {
      failures.push({
        property: "resource",
        reason: `the $filter lists ${count} ids, but one ${rule.resourceType} subscription is limited to ${query.maxFilterIds.limit} (rule ${rule.id}); split the ids over several subscriptions`,
      });
    }
  }

  const options = inputs.notificationQueryOptions;
  const optionsRule = query.notificationQueryOptions;
  if (!unknown.has("notificationQueryOptions")) {
    if (options !== undefined && optionsRule === undefined) {
      failures.push({
        property: "notificationQueryOptions",
        reason: `is not supported for ${rule.resourceType} (rule ${rule.id}); Graph supports it only for Universal Print and Microsoft Entra health monitoring alerts. Remove it`,
      });
    } else if (optionsRule?.rule === "required" && (options === undefined || squash(options) !== squash(optionsRule.example))) {
      failures.push({
        property: "notificationQueryOptions",
        reason:
          `${options === undefined ? "is required" : `'${options}' is not the documented value`} for ${rule.resourceType} (rule ${rule.id}); ` +
          `set notificationQueryOptions to "${optionsRule.example}"`,
      });
    }
  }
  return failures;
}

/** Compare query options as Graph's examples write them, with or without spaces around operators. */
function squash(value: string): string {
  return value.replace(/\s+/g, "").toLowerCase();
}
