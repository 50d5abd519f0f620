import { graphLimits } from "../provider/limits";
import type { SubscriptionRequestClass } from "../provider/limits";
import type { ApiVersion } from "../provider/vocabulary";
import type { Authority } from "./authority";
import { badRequest, GraphError } from "./graphErrors";
import { json, type EmulatorRequest, type EmulatorResponse } from "./http";
import { toGraphJson, type SubscriptionStore } from "./subscriptions";
import type { Throttle } from "./throttle";

/**
 * Graph's subscriptions API under /v1.0 and /beta; undefined for any other path. Graph authenticates
 * first, then routes, then throttles (a request is counted per app and tenant, so only after the token
 * names them), then reads the body.
 */
export async function handleGraphRequest(
  request: EmulatorRequest,
  context: { authority: Authority; store: SubscriptionStore; throttle: Throttle; baseUrl: string },
): Promise<EmulatorResponse | undefined> {
  const version = /^\/(v1\.0|beta)(\/.*)?$/i.exec(request.path);
  if (!version) return undefined;
  const apiVersion = version[1].toLowerCase() as ApiVersion;
  const rest = version[2] ?? "/";
  // Graph authenticates before it looks at the path.
  const caller = await context.authority.verifyAccessToken(request.headers.authorization);
  const route = /^\/subscriptions(?:\/([^/]+))?(\/reauthorize)?\/?$/i.exec(rest);
  if (!route) {
    const segment = rest.split("/")[1] ?? "";
    throw badRequest(`Resource not found for the segment '${segment}'.`, "BadRequest");
  }
  const [, id, reauthorize] = route;
  const { store } = context;
  const entity = (subscription: Parameters<typeof toGraphJson>[0], includeClientState: boolean) => ({
    "@odata.context": `${context.baseUrl}/${apiVersion}/$metadata#subscriptions/$entity`,
    ...toGraphJson(subscription, { includeClientState }),
  });
  const method = request.method;
  const requestClass = classify(method, id, reauthorize);
  if (requestClass) context.throttle.admit(caller, requestClass);

  if (!id) {
    if (method === "GET") {
      // In pages, as Graph answers; the skip token is the offset (Graph's are opaque, and clients only follow them).
      const all = store.list(caller);
      const offset = Number(request.query.get("$skiptoken") ?? 0);
      const size = graphLimits.subscriptionListPageSize;
      const next = offset + size < all.length ? `${context.baseUrl}/${apiVersion}/subscriptions?$skiptoken=${offset + size}` : undefined;
      return json(200, {
        "@odata.context": `${context.baseUrl}/${apiVersion}/$metadata#subscriptions`,
        value: all.slice(offset, offset + size).map((subscription) => toGraphJson(subscription, { includeClientState: false })),
        ...(next ? { "@odata.nextLink": next } : {}),
      });
    }
    if (method === "POST") {
      const created = await store.create(caller, apiVersion, parseJson(request.rawBody));
      return json(201, entity(created, true), { Location: `${context.baseUrl}/${apiVersion}/subscriptions/${created.id}` });
    }
    throw methodNotAllowed();
  }
  if (reauthorize) {
    if (method !== "POST") throw methodNotAllowed();
    // "Request body: Don't supply a request body for this method." (reauthorize page); `null` is a body too.
    if (request.rawBody.length > 0) throw badRequest("Don't supply a request body for this method.", "InvalidRequest");
    store.reauthorize(caller, id);
    return { status: 204 };
  }
  switch (method) {
    case "GET":
      return json(200, entity(store.get(caller, id), true));
    case "PATCH":
      return json(200, entity(await store.update(caller, id, parseJson(request.rawBody)), true));
    case "DELETE":
      store.delete(caller, id);
      return { status: 204 };
    default:
      throw methodNotAllowed();
  }
}

/** Which of the throttle's request classes (graphLimits.subscriptionThrottle) a request belongs to, if any. */
function classify(method: string, id: string | undefined, reauthorize: string | undefined): SubscriptionRequestClass | undefined {
  if (reauthorize) return method === "POST" ? "reauthorize" : undefined;
  if (method === "GET") return id ? "getById" : "list";
  if (!id) return method === "POST" ? "write" : undefined;
  return method === "PATCH" || method === "DELETE" ? "write" : undefined;
}

function parseJson(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody);
  } catch {
    throw badRequest(
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
      "BadRequest",
    );
  }
}

function methodNotAllowed(): GraphError {
  return new GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request uri.");
}
