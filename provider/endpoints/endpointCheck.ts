import { EndpointCheckError } from "../errors";
import { redactUrl } from "../redaction";
import { isEventGrid } from "../rules/deliveryAddress";
import { diagnose, graphAnswers, type EndpointProblem } from "./diagnosis";
import { graphValidationTimeoutMs, newValidationToken, sendValidationRequest, validationRequestUrl } from "./validationRequest";

/**
 * The endpoint check: Graph's validation request sent to a notification URL before Graph sends it, so that
 * "Subscription validation request failed" becomes a message that says what is wrong and how to fix it. Used
 * by create and update when msgraph:checkEndpoints is on, and by `msgraph-subscriptions doctor`.
 *
 * It runs from the machine running Pulumi, not from Microsoft's network: an endpoint reachable only inside
 * a private network (or trusted through NODE_EXTRA_CA_CERTS) passes here and still fails Graph, and a
 * machine that needs a proxy to reach the internet fails here first.
 */

export interface EndpointCheck {
  /** The address as messages may show it: query values, credentials and fragment masked. */
  shownUrl: string;
  /** Why no request was sent, when none was (Event Hubs and Event Grid addresses). */
  skipped?: string;
  /** Empty when the endpoint answered as Graph requires. */
  problems: EndpointProblem[];
}

export interface EndpointCheckOptions {
  /** Default: Graph's 10 seconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Graph validates webhooks only: Azure delivers to Event Hubs and Event Grid without a handshake (graph-rules §6a). */
export function needsEndpointCheck(address: string): boolean {
  return !/^EventHub:/i.test(address) && !isEventGrid(address);
}

export async function checkEndpoint(address: string, options: EndpointCheckOptions = {}): Promise<EndpointCheck> {
  const shownUrl = redactUrl(address);
  if (!needsEndpointCheck(address)) return { shownUrl, skipped: "Event Hubs and Event Grid addresses get no validation request", problems: [] };
  if (!URL.canParse(address) || new URL(address).protocol !== "https:") {
    return {
      shownUrl,
      problems: [
        {
          kind: "not-https",
          problem: "is not an https:// URL, and Graph sends validation requests and notifications over HTTPS only",
          fix: "Serve the endpoint over HTTPS with a certificate from a public certificate authority, and use its https:// URL",
          graphAnswer: graphAnswers.notOk,
        },
      ],
    };
  }
  const token = newValidationToken();
  const outcome = await sendValidationRequest(validationRequestUrl(address, token), {
    timeoutMs: options.timeoutMs ?? graphValidationTimeoutMs,
    signal: options.signal,
  });
  return { shownUrl, problems: diagnose(outcome, { address, token }) };
}

/** One line per problem: the property and URL, what is wrong, the fix, and what Graph would have answered. */
export function describeEndpointProblems(property: string, check: EndpointCheck): string[] {
  return check.problems.map((problem) => `${property} ${check.shownUrl} ${problem.problem}. Fix: ${problem.fix}. (Graph would answer: "${problem.graphAnswer}")`);
}

/** The URLs Graph validates when a subscription is created (both) or its notificationUrl changes (that one). */
export interface NotificationEndpoints {
  notificationUrl?: string;
  lifecycleNotificationUrl?: string;
}

/**
 * create and update call this before they write to Graph. With msgraph:checkEndpoints off (the default) it
 * does nothing; on, it checks each URL Graph is about to validate and throws EndpointCheckError naming every
 * problem found, so the operation fails before Graph is asked.
 */
export async function requireReachableEndpoints(
  settings: { checkEndpoints: boolean },
  endpoints: NotificationEndpoints,
  options: EndpointCheckOptions = {},
): Promise<void> {
  if (!settings.checkEndpoints) return;
  const given = (["notificationUrl", "lifecycleNotificationUrl"] as const).flatMap((property) => {
    const address = endpoints[property];
    return typeof address === "string" ? [{ property, address }] : [];
  });
  // The same URL for both is validated twice by Graph, but one request answers for both here.
  const checks = new Map<string, Promise<EndpointCheck>>();
  for (const { address } of given) if (!checks.has(address)) checks.set(address, checkEndpoint(address, options));
  const lines: string[] = [];
  for (const { property, address } of given) lines.push(...describeEndpointProblems(property, await checks.get(address)!));
  if (lines.length === 0) return;
  throw new EndpointCheckError(
    `msgraph:checkEndpoints: Graph's validation request would fail, so nothing was sent to Graph:\n  ${lines.join("\n  ")}\n` +
      "After fixing the endpoint, run again; to let Graph validate on its own, set msgraph:checkEndpoints to false.",
  );
}
