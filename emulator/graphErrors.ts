/**
 * Graph's error body: {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}
 * (https://learn.microsoft.com/en-us/graph/errors). Handlers throw GraphError; the server renders it,
 * because only the server knows the request id and the emulated date.
 */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "GraphError";
  }
}

export interface RequestIdentity {
  requestId: string;
  clientRequestId?: string;
  date: Date;
}

export function graphErrorBody(error: GraphError, identity: RequestIdentity): unknown {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        date: identity.date.toISOString().replace(/\.\d{3}Z$/, ""),
        "request-id": identity.requestId,
        "client-request-id": identity.clientRequestId ?? identity.requestId,
      },
    },
  };
}

export const badRequest = (message: string, code = "BadRequest") => new GraphError(400, code, message);
export const notFound = () =>
  new GraphError(404, "ResourceNotFound", "The object was not found. It may have expired or been deleted.");
