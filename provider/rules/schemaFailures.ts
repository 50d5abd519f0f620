import type { z } from "zod";
import { subscriptionInputs } from "../subscription/schema";
import { closest } from "./suggestions";

type Failure = { property: string; reason: string };

/** A zod issue as check failures against top-level inputs, with a "did you mean" for misspelt names. */
export function schemaFailures(issue: z.core.$ZodIssue): Failure[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const suggestion = closest(key, Object.keys(subscriptionInputs.shape), 1)[0];
      return {
        property: key,
        reason: `'${key}' is not a Subscription input${suggestion ? `; did you mean '${suggestion}'?` : `; known inputs: ${Object.keys(subscriptionInputs.shape).join(", ")}`}`,
      };
    });
  }
  const [top, ...nested] = issue.path;
  const where = nested.length > 0 ? `${nested.map(String).join(".")}: ` : "";
  return [{ property: String(top ?? ""), reason: `${where}${issue.message}` }];
}
