import type { Client, ResponseType } from "@microsoft/microsoft-graph-client";
import type { Agent } from "undici";
import { DeadlineError, GraphApiError, TransportError, type GraphOperation } from "../errors";
import { redact } from "../redaction";
import { graphSubscription, type ApiVersion, type GraphSubscription } from "../vocabulary";
import { isMicrosoftGraphHost } from "./clouds";
import { GraphClock } from "./clock";
import { createCredential, graphScope, type SignIn } from "./credentials";
import { WithoutEmptyBodyContentType } from "./emptyBody";
import { backoffMs, retryAfterSeconds, type RetryPolicy } from "./retryPolicy";
import { retryPolicyOf, type ProviderSettings } from "./settings";
import { sleep, ThrottleGate } from "./throttleGate";
import { Pace } from "./pace";
import { ListedReads, type ListPage } from "./listedReads";
import type { SubscriptionRequestClass } from "../limits";
import { CommandShare, commandShareFolder, pulumiCommand } from "./commandShare";
import { SealedToken } from "./sealedToken";
import { SharedToken } from "./tokenCache";
import { readTokenPermissions, type TokenPermissions } from "./tokenClaims";

/** The body Graph accepts on POST /subscriptions. */
export type SubscriptionRequest = Omit<GraphSubscription, "id" | "applicationId" | "creatorId" | "notificationContentType">;
/** PATCH accepts only these (https://learn.microsoft.com/en-us/graph/api/subscription-update). */
export type SubscriptionPatch = Partial<Pick<GraphSubscription, "expirationDateTime" | "notificationUrl">>;

/**
 * The subscriptions API of Microsoft Graph, and nothing else. Built on
 * @microsoft/microsoft-graph-client with our own retries in place of its RetryHandler, which retries
 * each request alone and gives up after three tries: here one throttle gate per process makes every
 * request wait when Graph throttles any of them, and each operation has a deadline. Responses are taken
 * raw so that every one, failed or not, yields Graph's clock (Date header) and request-id.
 */
export class SubscriptionsClient {
  /** One per client, and so per connection (one app in one tenant), which is what Graph throttles. */
  readonly gate = new ThrottleGate();
  /** Graph's documented allowances, spent here before Graph has to answer 429 (pace.ts). */
  readonly pace = new Pace();
  /**
   * Keep-alive connections, at most `maxConnections` at once. The engine asks for hundreds of resources at
   * the same time, and without a cap each request opened its own TLS connection: 200 concurrent reads
   * against the emulator opened 200 connections; capped, 64 (3 rounds of 200 reads: 1.9 s uncapped, 1.0 s).
   * Made on the first Graph request: a preview sends none, and loading undici is 0.1 s of its critical path.
   */
  private dispatcher?: Promise<Agent>;
  /** A refresh's reads, by id or from the app's listing (listedReads.ts); one per API version. */
  private readonly listedReads = new Map<ApiVersion, ListedReads>();

  private constructor(
    private readonly client: Client,
    readonly credential: SharedToken,
    readonly settings: ProviderSettings,
    readonly credentialSource: string,
    /** Learns Graph's time from every response's Date header. */
    readonly clock: GraphClock,
    private readonly retryPolicy: RetryPolicy,
    /** The client's "raw" response type, taken from the module loaded once in connect. */
    private readonly rawResponse: ResponseType,
    /** What this process shares with the other provider processes of its `pulumi` command, when it is started by one. */
    readonly share?: CommandShare,
  ) {}

  /** `settings.signIn` is set for a resource's connection (connection.ts): its credential, and nothing else, signs in. */
  static async connect(settings: ProviderSettings & { signIn?: SignIn }, clock = new GraphClock()): Promise<SubscriptionsClient> {
    const { Client, AuthenticationHandler, HTTPMessageHandler, ResponseType } = await import("@microsoft/microsoft-graph-client");
    const { TokenCredentialAuthenticationProvider } = await import(
      "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials"
    );
    const { credential: signIn, source, sealing } = await createCredential(settings);
    const folder = commandShareFolder();
    const command = pulumiCommand();
    const share = sealing && folder && command ? new CommandShare(sealing.material, `${sealing.identity}\u0000${command}`, folder) : undefined;
    const credential = new SharedToken(share ? new SealedToken(signIn, share) : signIn);
    const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [graphScope(settings)] });
    // The client only attaches the Authorization header for hosts it knows as Graph; a custom
    // endpoint (the emulator, a private deployment) must be named, or requests go out unauthenticated.
    const customHosts = isMicrosoftGraphHost(settings.endpoint) ? undefined : new Set([new URL(settings.endpoint).hostname]);
    const authentication = new AuthenticationHandler(authProvider);
    const withoutEmptyBodyContentType = new WithoutEmptyBodyContentType();
    authentication.setNext(withoutEmptyBodyContentType);
    withoutEmptyBodyContentType.setNext(new HTTPMessageHandler());
    const client = Client.initWithMiddleware({
      middleware: authentication,
      baseUrl: settings.endpoint,
      defaultVersion: settings.apiVersion,
      customHosts,
    });
    return new SubscriptionsClient(client, credential, settings, source, clock, retryPolicyOf(settings), ResponseType.RAW, share);
  }

  async create(body: SubscriptionRequest, version: ApiVersion): Promise<GraphSubscription> {
    return asSubscription("create", await this.call("create", version, "POST", "/subscriptions", body));
  }

  /**
   * A refresh's read: what `get` answers, but from the app's listing once GETs by id would wait for Graph's
   * allowance and a list page would not wait longer (listedReads.ts).
   */
  async read(id: string, version: ApiVersion): Promise<GraphSubscription | undefined> {
    let reads = this.listedReads.get(version);
    if (!reads) {
      reads = new ListedReads((link) => this.listPage(version, link), this.pace);
      this.listedReads.set(version, reads);
    }
    return reads.get(id, () => this.get(id, version));
  }

  /** undefined when Graph no longer has it (deleted, or expired: Graph removes expired subscriptions). */
  async get(id: string, version: ApiVersion): Promise<GraphSubscription | undefined> {
    const found = await this.call("read", version, "GET", `/subscriptions/${encodeURIComponent(id)}`, undefined, [404]);
    return found === undefined ? undefined : asSubscription("read", found);
  }

  /** Every page (Graph pages the list with @odata.nextLink), or only until `enough` says the pages so far hold what is wanted. */
  async list(version: ApiVersion, enough: (soFar: readonly GraphSubscription[]) => boolean = () => false): Promise<GraphSubscription[]> {
    const all: GraphSubscription[] = [];
    for (let page: ListPage = { items: [], next: "/subscriptions" }; page.next !== undefined && !enough(all); ) {
      page = await this.listPage(version, page.next);
      all.push(...page.items);
    }
    return all;
  }

  /** One page of GET /subscriptions: the first without `link`, then each @odata.nextLink. */
  private async listPage(version: ApiVersion, link = "/subscriptions"): Promise<ListPage> {
    const page = (await this.call("list", version, "GET", link)) as { value?: unknown; "@odata.nextLink"?: unknown } | null;
    if (!page || !Array.isArray(page.value)) throw new TransportError(`list subscriptions: Graph's answer has no value array`);
    return {
      items: page.value.map((item) => asSubscription("list", item)),
      next: typeof page["@odata.nextLink"] === "string" ? relativeToVersion(page["@odata.nextLink"], version) : undefined,
    };
  }

  async update(id: string, patch: SubscriptionPatch, version: ApiVersion): Promise<GraphSubscription> {
    try {
      return asSubscription("update", await this.call("update", version, "PATCH", `/subscriptions/${encodeURIComponent(id)}`, patch));
    } finally {
      this.wrote(id);
    }
  }

  /** false when it was already gone. */
  async delete(id: string, version: ApiVersion): Promise<boolean> {
    try {
      return (await this.call("delete", version, "DELETE", `/subscriptions/${encodeURIComponent(id)}`, undefined, [404])) !== undefined;
    } finally {
      this.wrote(id);
    }
  }

  async reauthorize(id: string, version: ApiVersion): Promise<void> {
    try {
      await this.call("reauthorize", version, "POST", `/subscriptions/${encodeURIComponent(id)}/reauthorize`);
    } finally {
      this.wrote(id);
    }
  }

  /** After a write, what a listing holds for the subscription is Graph as it was (a page may have come during it). */
  private wrote(id: string): void {
    for (const reads of this.listedReads.values()) reads.forget(id);
  }

  /** What the current access token grants; the token never leaves this method. */
  async tokenPermissions(): Promise<TokenPermissions> {
    const token = await this.credential.getToken(graphScope(this.settings));
    if (!token) return { permissionType: undefined, granted: [] };
    return readTokenPermissions(token.token);
  }

  /**
   * Returns the parsed JSON body (or null for an empty 2xx body), or undefined for a status listed
   * in `absentOn`. Waits at the throttle gate, retries what is worth retrying (see retryPolicy.ts),
   * and throws GraphApiError, TransportError or DeadlineError with what it was waiting for.
   */
  private async call(
    operation: GraphOperation,
    version: ApiVersion,
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
    absentOn: readonly number[] = [],
  ): Promise<unknown> {
    const policy = this.retryPolicy;
    const deadline = AbortSignal.timeout(policy.operationTimeoutMs);
    const endsAt = Date.now() + policy.operationTimeoutMs;
    const tally = { attempts: 0, retries: 0, throttled: 0, last: "", tokenRefused: false };
    const giveUp = (waitingFor: string) =>
      new DeadlineError(
        `${operation} subscription: gave up after ${policy.operationTimeoutMs / 1000} s and ${tally.attempts} attempt(s) ` +
          `(${tally.throttled} throttled), waiting for ${waitingFor}; the last answer was ${tally.last || "none"}. ` +
          "Run pulumi up again later, or raise msgraph:operationTimeoutSeconds (MSGRAPH_OPERATION_TIMEOUT_SECONDS)",
      );
    const wait = async (ms: number, waitingFor: string) => {
      if (ms >= endsAt - Date.now()) throw giveUp(waitingFor);
      await sleep(ms, deadline).catch(() => Promise.reject(giveUp(waitingFor)));
    };
    const requestClass = requestClassOf(method, path);
    // Only when the gate is shut: a wait of 0 is still a timer tick, and the turns of a class take it one by one.
    const throttleLifted = async () => {
      const ms = this.gate.remainingMs();
      if (ms <= 0) return;
      await wait(ms, "Graph's throttle to lift (Retry-After)");
      await this.gate.opened();
    };
    for (;;) {
      if (this.pace.waitMs(requestClass) >= endsAt - Date.now()) throw giveUp("a turn within Graph's documented allowance");
      const answered = await this.pace
        .turn(requestClass, deadline, throttleLifted)
        .catch((error: unknown) => Promise.reject(error instanceof DeadlineError ? error : giveUp("a turn within Graph's documented allowance")));
      tally.attempts++;
      const sentAt = Date.now();
      const outcome = await this.attempt(operation, version, method, path, body, AbortSignal.any([deadline, AbortSignal.timeout(policy.requestTimeoutMs)]));
      answered();
      if ("failure" in outcome) {
        outcome.failure.message = redact(outcome.failure.message, this.secretsOf(body));
        if (deadline.aborted) throw giveUp(`an answer to ${method} ${path}`);
        const { failure, transient } = outcome;
        tally.last = failure.message;
        if (!transient || tally.retries >= policy.maxRetries) throw withAttempts(failure, tally.attempts);
        await wait(backoffMs(policy, tally.retries++), `a retry after: ${failure.message}`);
        continue;
      }
      const { status, json, text, headers } = outcome;
      if (status >= 200 && status < 300) return json;
      if (absentOn.includes(status)) return undefined;
      const error = graphApiError(operation, status, json, text, headers, this.secretsOf(body));
      tally.last = `${status} ${error.graphCode ?? ""}`.trimEnd();
      // A token still in date that Graph refuses (revoked, or a sealed token from before Graph's clock moved):
      // once per operation, a new one.
      if (status === 401 && error.graphCode === "InvalidAuthenticationToken" && !tally.tokenRefused) {
        tally.tokenRefused = true;
        this.credential.discard(sentAt);
        continue;
      }
      const retryAfter = retryAfterSeconds(headers.get("retry-after"));
      if (status === 429 || (status === 503 && retryAfter !== undefined)) {
        tally.throttled++;
        this.gate.pause(retryAfter ?? backoffMs(policy, Math.min(tally.throttled, 5)) / 1000);
        continue;
      }
      if (transientStatuses.includes(status) && tally.retries < policy.maxRetries) {
        // A Retry-After on a gateway error is Graph's own estimate; otherwise back off.
        const pause = retryAfter !== undefined ? retryAfter * 1000 : backoffMs(policy, tally.retries);
        tally.retries++;
        await wait(pause, `a retry after ${tally.last}`);
        continue;
      }
      throw tally.attempts > 1 ? withAttempts(error, tally.attempts) : error;
    }
  }

  /** What must never be echoed from Graph's or the network's text: Graph does quote request values back. */
  private secretsOf(body: unknown): Array<string | undefined> {
    const clientState = (body as { clientState?: unknown } | undefined)?.clientState;
    return [this.settings.clientSecret, typeof clientState === "string" ? clientState : undefined];
  }

  /** One HTTP exchange. A failure to exchange at all comes back as a value, marked transient or not. */
  private async attempt(
    operation: GraphOperation,
    version: ApiVersion,
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    body: unknown,
    signal: AbortSignal,
  ): Promise<{ status: number; json: unknown; text: string; headers: Headers } | { failure: Error; transient: boolean }> {
    this.dispatcher ??= import("undici").then(({ Agent }) => new Agent({ connections: maxConnections }));
    const request = this.client.api(path).version(version).responseType(this.rawResponse).options({ signal, dispatcher: await this.dispatcher });
    try {
      const response = (await (method === "GET"
        ? request.get()
        : method === "POST"
          ? request.post(body)
          : method === "PATCH"
            ? request.patch(body)
            : request.delete())) as Response;
      this.clock.observe(response.headers.get("date"));
      const text = await readCapped(response);
      return { status: response.status, json: text ? parseJson(text, response.headers) : null, text, headers: response.headers };
    } catch (error) {
      const failure = describeTransportError(operation, this.settings, this.credentialSource, error);
      return { failure, transient: isTransient(error) };
    }
  }
}

/**
 * Enough connections to keep 64 requests in flight, which hides Graph's latency for any plan a pipeline
 * runs, and few enough that TLS handshakes do not compete with the Pulumi engine for the agent's CPU.
 */
const maxConnections = 64;

/** 500, 502, 503 and 504 are worth another try (Graph's error page: "retry"); the rest are answers. */
const transientStatuses: readonly number[] = [500, 502, 503, 504];

/** Bigger answers are not subscriptions or errors Graph writes; read no more than this. */
const maxBodyCharacters = 1_000_000;

async function readCapped(response: Response): Promise<string> {
  const text = await response.text();
  return text.length > maxBodyCharacters ? text.slice(0, maxBodyCharacters) : text;
}

/** Not JSON (a proxy's HTML page, a truncated body): kept as text, so the error can say what came back. */
function parseJson(text: string, headers: Headers): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return new NotJson(text, headers.get("content-type") ?? "no content type");
  }
}

class NotJson {
  constructor(
    readonly text: string,
    readonly contentType: string,
  ) {}
  describe(): string {
    const title = /<title>([^<]{0,200})<\/title>/i.exec(this.text)?.[1]?.trim();
    if (/html/i.test(this.contentType) || /^\s*<(!doctype|html)/i.test(this.text)) {
      return `an HTML page${title ? ` titled '${title}'` : ""} instead of Graph's JSON (a proxy or gateway answered, not Graph)`;
    }
    return `${this.contentType} that is not JSON: ${JSON.stringify(this.text.slice(0, 200))}`;
  }
}

function graphApiError(
  operation: GraphOperation,
  status: number,
  json: unknown,
  text: string,
  headers: Headers,
  secrets: Array<string | undefined>,
): GraphApiError {
  const graphError = json instanceof NotJson ? undefined : (json as { error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> } } | null)?.error;
  const code = typeof graphError?.code === "string" ? graphError.code : undefined;
  const innerRequestId = graphError?.innerError?.["request-id"];
  const requestId = headers.get("request-id") ?? (typeof innerRequestId === "string" ? innerRequestId : undefined);
  const message =
    json instanceof NotJson
      ? `Graph answered with ${json.describe()}`
      : typeof graphError?.message === "string"
        ? graphError.message
        : text.slice(0, 500);
  return new GraphApiError(operation, status, code, requestId, redact(message, secrets), hintFor(operation, status));
}

/** A 2xx answer that is not what Graph documents gets a clear error, never a crash deep in a parser. */
function asSubscription(operation: GraphOperation, json: unknown): GraphSubscription {
  if (json instanceof NotJson) throw new TransportError(`${operation} subscription: Graph answered with ${json.describe()}`);
  const parsed = graphSubscription.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
  throw new TransportError(`${operation} subscription: Graph's answer is not a subscription as documented (${problems.join("; ")})`);
}

function withAttempts<E extends Error>(error: E, attempts: number): E {
  if (attempts > 1) error.message += ` (after ${attempts} attempts)`;
  return error;
}

/**
 * The error and what it wraps. The Graph client wraps a failed fetch in a GraphError whose `body` holds
 * the original (when it was made in another realm) or whose message is the original's; fetch puts the
 * socket's reason in `cause`.
 */
function errorChain(error: unknown): Array<{ name?: string; code?: unknown; message?: string }> {
  const chain: Array<{ name?: string; code?: unknown; message?: string }> = [];
  for (let current = error; current && typeof current === "object" && chain.length < 6; ) {
    const link = current as { name?: string; code?: unknown; message?: string; cause?: unknown; body?: unknown };
    chain.push(link);
    current = link.cause ?? (typeof link.body === "object" ? link.body : undefined);
  }
  return chain;
}

/** Timeouts, resets and refused connections may pass; sign-in refusals and certificate problems do not. */
function isTransient(error: unknown): boolean {
  const text = errorChain(error).map((e) => `${e.name} ${String(e.code)} ${e.message}`).join(" ");
  if (/AADSTS|invalid_client|unauthorized_client|AuthenticationError|CredentialUnavailable|CERT|certificate/i.test(text)) return false;
  return /TimeoutError|AbortError|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR|socket hang up|other side closed|fetch failed|terminated/i.test(text);
}

function hintFor(operation: GraphOperation, status: number): string | undefined {
  if (status === 401) return "The access token was refused: check msgraph:tenantId, msgraph:clientId and the credential, and that msgraph:cloud matches the tenant's cloud";
  if (status === 403) {
    return "The app lacks a permission Graph requires for this resource, or a subscription quota is exhausted (Graph's message says which). " +
      "For a permission, grant one of those `pulumi preview` names for this resource (docs/rule-table.md lists them) and grant admin consent; " +
      "for \"Maximum number of subscriptions has been reached\", delete subscriptions this app no longer needs (docs/troubleshooting.md)";
  }
  if (status === 404 && (operation === "update" || operation === "reauthorize")) return "The subscription no longer exists in Graph (deleted or expired). Run `pulumi up --refresh` so Pulumi notices and creates it again";
  return undefined;
}

function describeTransportError(operation: GraphOperation, settings: ProviderSettings, credentialSource: string, error: unknown): Error {
  const chain = errorChain(error);
  const detail = chain.map((e) => e.message).find((message) => message) ?? String(error);
  const innermost = chain[chain.length - 1];
  const reason = [innermost?.message, typeof innermost?.code === "string" ? `(${innermost.code})` : undefined].filter(Boolean).join(" ") || detail;
  // The Graph client wraps everything its middleware throws, the credential's sign-in failures included.
  const names = chain.map((e) => e.name);
  if (/AADSTS|invalid_client|unauthorized_client/.test(detail) || names.some((n) => n === "AuthenticationError" || n === "CredentialUnavailableError")) {
    return new TransportError(
      `${operation} subscription: could not get an access token from ${settings.authorityHost} using ${credentialSource}: ${detail}`,
      { cause: error },
    );
  }
  const trust = /CERT|certificate|self.signed/i.test(reason)
    ? " The endpoint's TLS certificate is not trusted: point NODE_EXTRA_CA_CERTS at its certificate authority (for the emulator, the caFile it prints)."
    : "";
  return new TransportError(`${operation} subscription: could not reach Microsoft Graph at ${settings.endpoint}: ${reason}.${trust}`, { cause: error });
}

/** "https://host/v1.0/subscriptions?$skiptoken=x" -> "/subscriptions?$skiptoken=x", which the client prefixes again. */
function relativeToVersion(link: string, version: ApiVersion): string {
  const url = new URL(link, "https://graph.invalid");
  const prefix = `/${version}`;
  const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
  return `${path}${url.search}`;
}

/** Which of Graph's throttle classes (graphLimits.subscriptionThrottle) a request of this client is. */
function requestClassOf(method: string, path: string): SubscriptionRequestClass {
  if (path.endsWith("/reauthorize")) return "reauthorize";
  if (method !== "GET") return "write";
  return /^\/subscriptions\/[^/?]+/.test(path) ? "getById" : "list";
}
