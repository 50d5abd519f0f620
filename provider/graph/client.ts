import type { Client } from "@microsoft/microsoft-graph-client";
import type { TokenCredential } from "@azure/identity";
import { GraphApiError, TransportError, type GraphOperation } from "../errors";
import { graphSubscription, type ApiVersion, type GraphSubscription } from "../subscription/schema";
import { isMicrosoftGraphHost } from "./clouds";
import { GraphClock } from "./clock";
import { createCredential, graphScope } from "./credentials";
import type { ProviderSettings } from "./settings";
import { readTokenPermissions, type TokenPermissions } from "./tokenClaims";

/** The body Graph accepts on POST /subscriptions. */
export type SubscriptionRequest = Omit<GraphSubscription, "id" | "applicationId" | "creatorId" | "notificationContentType">;
/** PATCH accepts only these (https://learn.microsoft.com/en-us/graph/api/subscription-update). */
export type SubscriptionPatch = Partial<Pick<GraphSubscription, "expirationDateTime" | "notificationUrl">>;

/**
 * The subscriptions API of Microsoft Graph, and nothing else. Built on
 * @microsoft/microsoft-graph-client, whose default middleware retries 429/503/504 honouring
 * Retry-After. Responses are taken raw so that every one, failed or not, yields Graph's clock
 * (Date header) and request-id.
 */
export class SubscriptionsClient {
  private constructor(
    private readonly client: Client,
    private readonly credential: TokenCredential,
    readonly settings: ProviderSettings,
    readonly credentialSource: string,
    /** Learns Graph's time from every response's Date header. */
    readonly clock: GraphClock,
  ) {}

  static async connect(settings: ProviderSettings, clock = new GraphClock()): Promise<SubscriptionsClient> {
    const { Client } = await import("@microsoft/microsoft-graph-client");
    const { TokenCredentialAuthenticationProvider } = await import(
      "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials"
    );
    const { credential, source } = await createCredential(settings);
    const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [graphScope(settings)] });
    // The client only attaches the Authorization header for hosts it knows as Graph; a custom
    // endpoint (the emulator, a private deployment) must be named, or requests go out unauthenticated.
    const customHosts = isMicrosoftGraphHost(settings.endpoint) ? undefined : new Set([new URL(settings.endpoint).hostname]);
    const client = Client.initWithMiddleware({
      authProvider,
      baseUrl: settings.endpoint,
      defaultVersion: settings.apiVersion,
      customHosts,
    });
    return new SubscriptionsClient(client, credential, settings, source, clock);
  }

  async create(body: SubscriptionRequest, version: ApiVersion): Promise<GraphSubscription> {
    return graphSubscription.parse(await this.call("create", version, "POST", "/subscriptions", body));
  }

  /** undefined when Graph no longer has it (deleted, or expired: Graph removes expired subscriptions). */
  async get(id: string, version: ApiVersion): Promise<GraphSubscription | undefined> {
    const found = await this.call("read", version, "GET", `/subscriptions/${encodeURIComponent(id)}`, undefined, [404]);
    return found === undefined ? undefined : graphSubscription.parse(found);
  }

  async list(version: ApiVersion): Promise<GraphSubscription[]> {
    const page = (await this.call("list", version, "GET", "/subscriptions")) as { value?: unknown[] };
    return (page.value ?? []).map((item) => graphSubscription.parse(item));
  }

  async update(id: string, patch: SubscriptionPatch, version: ApiVersion): Promise<GraphSubscription> {
    return graphSubscription.parse(await this.call("update", version, "PATCH", `/subscriptions/${encodeURIComponent(id)}`, patch));
  }

  /** false when it was already gone. */
  async delete(id: string, version: ApiVersion): Promise<boolean> {
    const result = await this.call("delete", version, "DELETE", `/subscriptions/${encodeURIComponent(id)}`, undefined, [404]);
    return result !== undefined;
  }

  async reauthorize(id: string, version: ApiVersion): Promise<void> {
    await this.call("reauthorize", version, "POST", `/subscriptions/${encodeURIComponent(id)}/reauthorize`);
  }

  /** What the current access token grants; the token never leaves this method. */
  async tokenPermissions(): Promise<TokenPermissions> {
    const token = await this.credential.getToken(graphScope(this.settings));
    if (!token) return { permissionType: undefined, granted: [] };
    return readTokenPermissions(token.token);
  }

  /**
   * Returns the parsed JSON body (or null for an empty 2xx body), or undefined for a status listed
   * in `absentOn`. Throws GraphApiError for every other failure.
   */
  private async call(
    operation: GraphOperation,
    version: ApiVersion,
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
    absentOn: readonly number[] = [],
  ): Promise<unknown> {
    const { ResponseType } = await import("@microsoft/microsoft-graph-client");
    const request = this.client.api(path).version(version).responseType(ResponseType.RAW);
    let response: Response;
    try {
      response = (await (method === "GET"
        ? request.get()
        : method === "POST"
          ? request.post(body ?? null)
          : method === "PATCH"
            ? request.patch(body)
            : request.delete())) as Response;
    } catch (error) {
      throw describeTransportError(operation, this.settings, this.credentialSource, error);
    }
    this.clock.observe(response.headers.get("date"));
    const text = await response.text();
    const json = text ? safeJson(text) : null;
    if (response.ok) return json;
    if (absentOn.includes(response.status)) return undefined;
    const graphError = (json as { error?: { code?: string; message?: string; innerError?: Record<string, string> } } | null)?.error;
    const requestId = response.headers.get("request-id") ?? graphError?.innerError?.["request-id"] ?? undefined;
    throw new GraphApiError(
      operation,
      response.status,
      graphError?.code,
      requestId,
      graphError?.message ?? text.slice(0, 500),
      hintFor(operation, response.status),
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 500) } };
  }
}

function hintFor(operation: GraphOperation, status: number): string | undefined {
  if (status === 401) return "The access token was refused: check msgraph:tenantId, msgraph:clientId and the credential, and that msgraph:cloud matches the tenant's cloud";
  if (status === 403) return "The app lacks a permission Graph requires for this resource, or a subscription quota is exhausted (Graph's message says which); grant the permission named by `msgraph-subscriptions validate` and grant admin consent";
  if (status === 404 && (operation === "update" || operation === "reauthorize")) return "The subscription no longer exists in Graph (deleted or expired). Run `pulumi up --refresh` so Pulumi notices and creates it again";
  if (status === 429) return "Graph is throttling this app even after retries; run again later";
  return undefined;
}

function describeTransportError(operation: GraphOperation, settings: ProviderSettings, credentialSource: string, error: unknown): Error {
  const detail = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? detail;
  // The Graph client wraps everything its middleware throws, the credential's sign-in failures included.
  const names = [(error as Error)?.name, (cause as Error | undefined)?.name];
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
