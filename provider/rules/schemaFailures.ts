import type { z } from "zod";
import { connectionFieldNames, subscriptionInputs } from "../schema";
import { closest } from "./suggestions";

type Failure = { property: string; reason: string };

/**
 * A zod issue as check failures against top-level inputs, with a "did you mean" for misspelt names. A
 * nested issue (a connection field) names its whole path in the reason: `connection.tenantId: …`.
 */
export function schemaFailures(issue: z.core.$ZodIssue): Failure[] {
  const [top, ...nested] = issue.path;
  if (issue.code === "unrecognized_keys") {
    if (top === "connection") return issue.keys.map((key) => ({ property: "connection", reason: unknownConnectionField(key) }));
    return issue.keys.map((key) => {
      const suggestion = closest(key, Object.keys(subscriptionInputs.shape), 1)[0];
      return {
        property: key,
        reason: `'${key}' is not a Subscription input${suggestion ? `; did you mean '${suggestion}'?` : `; known inputs: ${Object.keys(subscriptionInputs.shape).join(", ")}`}`,
      };
    });
  }
  const where = nested.length > 0 ? `${issue.path.map(String).join(".")}: ` : "";
  return [{ property: String(top ?? ""), reason: `${where}${issue.message}` }];
}

function unknownConnectionField(key: string): string {
  const suggestion = closest(key, connectionFieldNames, 1)[0];
  return `connection.${key}: not a connection setting; ${suggestion ? `did you mean '${suggestion}'? ` : ""}a connection takes ${connectionFieldNames.join(", ")}`;
}
