import { redact, redactUrl } from "../redaction";
import { encodedToken, type ValidationAnswer, type ValidationOutcome } from "./validationRequest";

/**
 * What is wrong with an endpoint's answer to Graph's validation request, and how to fix it, as data: each
 * failure Node reports and each way an answer can miss Graph's rules maps to one problem with its fix. Graph
 * itself says only one of three sentences (below), which is why users find the handshake the hardest failure
 * to debug (anchors.md §3.1).
 */

export type EndpointProblemKind =
  | "not-https"
  | "status"
  | "content-type"
  | "missing-echo"
  | "encoded-echo"
  | "altered-echo"
  | "timeout"
  | "tls"
  | "dns"
  | "refused"
  | "connection";

export interface EndpointProblem {
  kind: EndpointProblemKind;
  /** What the endpoint did, as the rest of a sentence that starts with its URL. */
  problem: string;
  /** What to change, as a sentence. */
  fix: string;
  /** The message Graph answers a create with in this case (as reported in public issues; graph-rules §6b). */
  graphAnswer: string;
}

/** Graph's three answers when validation fails. */
export const graphAnswers = {
  notOk: "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.",
  mismatch: "Subscription validation request failed. Response must exactly match validationToken query parameter.",
  timedOut: "Subscription validation request timed out.",
} as const;

/** What the diagnosis needs besides the outcome: the address as given and the token sent. */
export interface Expectation {
  address: string;
  token: string;
}

export function diagnose(outcome: ValidationOutcome, expected: Expectation): EndpointProblem[] {
  if (outcome.kind === "timeout") {
    return [
      {
        kind: "timeout",
        problem: `did not answer within ${outcome.timeoutMs / 1000} seconds`,
        fix:
          "Answer the validation request at once, before any slow work (queue it instead). A cold start can take longer than Graph waits: " +
          "keep the app warm or use an always-on plan",
        graphAnswer: graphAnswers.timedOut,
      },
    ];
  }
  if (outcome.kind === "failure") return [failureProblem(outcome.code, outcome.message, new URL(expected.address))];
  if (outcome.status !== 200) return [statusProblem(outcome)];
  return [contentTypeProblem(outcome), echoProblem(outcome.body, expected)].filter((problem): problem is EndpointProblem => problem !== undefined);
}

/** Graph's certificate requirements, said once: every TLS failure ends with them. */
const certificateFix =
  "Graph accepts only a certificate that a public certificate authority issued for the URL's host name, that is valid today, " +
  "sent with its intermediate certificates (a free one: Let's Encrypt; a tunnel such as ngrok or Dev Tunnels provides one)";

/** TLS failures by Node's error code (OpenSSL's verify results, and Node's host-name check). */
const tlsFailures: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "presents a self-signed certificate, which no client trusts",
  SELF_SIGNED_CERT_IN_CHAIN: "presents a certificate chain that ends in a self-signed root that is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "presents a certificate whose issuer is not trusted, or leaves out the intermediate certificates",
  UNABLE_TO_GET_ISSUER_CERT: "presents a certificate whose issuer is not trusted, or leaves out the intermediate certificates",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "presents a certificate whose issuer is not trusted, or leaves out the intermediate certificates",
  CERT_HAS_EXPIRED: "presents an expired certificate",
  CERT_NOT_YET_VALID: "presents a certificate that is not valid yet",
  CERT_REVOKED: "presents a revoked certificate",
  ERR_TLS_CERT_ALTNAME_INVALID: "presents a certificate issued for other host names",
  CERT_SIGNATURE_FAILURE: "presents a certificate whose signature does not verify",
};

/** Connection and DNS failures by Node's error code. `port` and `host` are the URL's. */
const networkFailures: Readonly<Record<string, { kind: EndpointProblemKind; problem: (url: URL) => string; fix: string }>> = {
  ENOTFOUND: {
    kind: "dns",
    problem: (url) => `has a host name, ${url.hostname}, that does not resolve (DNS: ENOTFOUND)`,
    fix: "Correct the host name, or create its DNS record in public DNS: Graph resolves it from the internet",
  },
  EAI_AGAIN: {
    kind: "dns",
    problem: (url) => `has a host name, ${url.hostname}, that could not be resolved just now (DNS: EAI_AGAIN, a temporary failure)`,
    fix: "Check this machine's DNS resolver and network, then run again",
  },
  ECONNREFUSED: {
    kind: "refused",
    problem: (url) => `refused the connection on port ${portOf(url)} (ECONNREFUSED): nothing listens there`,
    fix: "Start the webhook app, or correct the port; if it runs behind a firewall or load balancer, forward the port to it",
  },
  ECONNRESET: {
    kind: "connection",
    problem: () => "closed the connection without answering (ECONNRESET)",
    fix: "Check the endpoint's logs for a crash on POST requests with ?validationToken=; a proxy or firewall may also drop the request",
  },
  EHOSTUNREACH: {
    kind: "connection",
    problem: (url) => `is unreachable: no route to ${url.hostname} (EHOSTUNREACH)`,
    fix: "Make the endpoint reachable from the internet: Graph calls it from Microsoft's network, not from yours",
  },
  ENETUNREACH: {
    kind: "connection",
    problem: (url) => `is unreachable: no route to ${url.hostname} (ENETUNREACH)`,
    fix: "Make the endpoint reachable from the internet: Graph calls it from Microsoft's network, not from yours",
  },
  ETIMEDOUT: {
    kind: "connection",
    problem: () => "did not accept the connection (ETIMEDOUT): a firewall may drop it",
    fix: "Open the port to the internet: Graph calls the endpoint from Microsoft's network",
  },
};

function failureProblem(code: string, message: string, url: URL): EndpointProblem {
  const tls = tlsFailures[code];
  if (tls !== undefined || /CERT|SSL|TLS|EPROTO/.test(code)) {
    const detail = tls ?? `failed the TLS handshake (${code}: ${message})`;
    const named = code === "ERR_TLS_CERT_ALTNAME_INVALID" ? ` (${message.replace(/^Hostname\/IP does not match certificate's altnames: /, "")})` : ` (${code})`;
    return { kind: "tls", problem: `${detail}${tls !== undefined ? named : ""}`, fix: certificateFix, graphAnswer: graphAnswers.notOk };
  }
  const network = networkFailures[code];
  if (network) return { kind: network.kind, problem: network.problem(url), fix: network.fix, graphAnswer: graphAnswers.notOk };
  return {
    kind: "connection",
    problem: `could not be reached (${code}: ${message})`,
    fix: "Make the endpoint reachable over HTTPS from the internet, and check its logs",
    graphAnswer: graphAnswers.notOk,
  };
}

function portOf(url: URL): string {
  return url.port || (url.protocol === "https:" ? "443" : "80");
}

/** Fixes by status, first match wins; `shownLocation` is the redirect target with its query masked. */
const statusFixes: ReadonlyArray<{ statuses: (status: number) => boolean; fix: (shownLocation: string | undefined) => string }> = [
  {
    statuses: (status) => status >= 300 && status < 400,
    fix: (location) => `Graph does not follow redirects${location ? ` (this one points to ${location})` : ""}; use the final URL as the notification URL`,
  },
  {
    statuses: (status) => status === 401 || status === 403,
    fix: () =>
      "Graph sends no credentials: let POST requests carrying ?validationToken= through without authentication (an Azure Functions key belongs " +
      "in the URL as ?code=), and check clientState in each notification instead",
  },
  { statuses: (status) => status === 404, fix: () => "Nothing is served at this path: check the path, and that the app is deployed and routes it" },
  { statuses: (status) => status === 405, fix: () => "Accept POST at this path: Graph sends the validation request as a POST, not a GET" },
  { statuses: (status) => status === 415, fix: () => "Accept Content-Type text/plain with an empty body: that is what Graph's validation request carries" },
  {
    statuses: (status) => status >= 200 && status < 300,
    fix: () => "Answer the validation request with 200 exactly, with the decoded token as the body",
  },
  {
    statuses: (status) => status === 502 || status === 503 || status === 504,
    fix: () => "A gateway answered because the app behind it is down or still starting; start it (or keep it warm) and check its logs",
  },
  {
    statuses: () => true,
    fix: () => "Handle POST requests carrying ?validationToken= by answering 200, text/plain, with the decoded token; the endpoint's logs say why it failed",
  },
];

function statusProblem(answer: ValidationAnswer): EndpointProblem {
  const location = answer.location ? redactUrl(answer.location) : undefined;
  const fix = statusFixes.find((entry) => entry.statuses(answer.status))!.fix(location);
  return { kind: "status", problem: `answered ${answer.status} instead of 200 OK`, fix, graphAnswer: graphAnswers.notOk };
}

function contentTypeProblem(answer: ValidationAnswer): EndpointProblem | undefined {
  const mediaType = (answer.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType === "text/plain") return undefined;
  return {
    kind: "content-type",
    problem: answer.contentType ? `answered with Content-Type ${answer.contentType} instead of text/plain` : "answered without a Content-Type instead of text/plain",
    fix: "Send the token with the header Content-Type: text/plain",
    graphAnswer: graphAnswers.mismatch,
  };
}

/** Echoes that are the token, almost: each is a bug with a known cause. */
const nearMisses: ReadonlyArray<{ matches: (body: string, token: string) => boolean; problem: string; fix: string }> = [
  {
    matches: (body, token) => body !== token && body.trim() === token,
    problem: "echoed the token with white space around it (a trailing newline?)",
    fix: "Write the token alone, with no newline or spaces (print() and templates add a line break)",
  },
  {
    matches: (body, token) => body === JSON.stringify(token),
    problem: "echoed the token as a JSON string, in quotes",
    fix: "Write the token as plain text, not JSON-encoded",
  },
  {
    matches: (body, token) => body === token.replace(/ /g, "+"),
    problem: "decoded the token's %XX escapes but left each + as it is (in a query string, + is a space)",
    fix: "Read validationToken with a query-string parser (URLSearchParams, your framework's request.query) rather than decodeURIComponent",
  },
];

function echoProblem(body: string, expected: Expectation): EndpointProblem | undefined {
  const { token } = expected;
  if (body === token) return undefined;
  const problem = (kind: EndpointProblemKind, text: string, fix: string): EndpointProblem => ({ kind, problem: text, fix, graphAnswer: graphAnswers.mismatch });
  if (body === "") return problem("missing-echo", "answered 200 with an empty body instead of the validation token", "Write the decoded validationToken query parameter as the response body");
  if (body === encodedToken(token) || formDecoded(body) === token) {
    return problem(
      "encoded-echo",
      `echoed the token still URL-encoded (${quoted(body, expected)})`,
      "URL-decode validationToken before echoing it; Graph refuses an encoded token (most frameworks' query parsers decode it for you)",
    );
  }
  const nearMiss = nearMisses.find((entry) => entry.matches(body, token));
  if (nearMiss) return problem("altered-echo", nearMiss.problem, nearMiss.fix);
  return problem(
    "altered-echo",
    `echoed something other than the token: ${quoted(body, expected)}`,
    "Echo the validationToken query parameter, URL-decoded, exactly as received and nothing else",
  );
}

function formDecoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

/**
 * Part of what came back, for the message. An endpoint may echo its whole request, so the address's own
 * query values (a function key) are hidden wherever they appear.
 */
function quoted(body: string, expected: Expectation): string {
  const shown = body.length > 80 ? `${body.slice(0, 80)}…` : body;
  const secrets = URL.canParse(expected.address) ? [...new URL(expected.address).searchParams.values()].filter((value) => value.length >= 4) : [];
  return `got ${JSON.stringify(redact(shown, secrets))}`;
}
