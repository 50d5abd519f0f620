const brand = Symbol.for("pulumi-msgraph-subscriptions/GraphApiError");

export type GraphOperation = "create" | "read" | "update" | "delete" | "reauthorize" | "list";

/**
 * A failed Graph call. Carries Graph's status, error code and request-id, which Microsoft support
 * asks for. Branded instead of relying on `instanceof`: the provider process can load a second copy
 * of this module.
 */
export class GraphApiError extends Error {
  readonly [brand] = true;
  constructor(
    readonly operation: GraphOperation,
    readonly statusCode: number,
    readonly graphCode: string | undefined,
    readonly requestId: string | undefined,
    readonly graphMessage: string,
    hint?: string,
  ) {
    super(
      `${operation} subscription failed: Graph answered ${statusCode} ${graphCode ?? ""}`.trimEnd() +
        `: ${graphMessage || "(no message)"}` +
        ` (request-id ${requestId ?? "n/a"})` +
        (hint ? `. ${hint}` : ""),
    );
    this.name = "GraphApiError";
  }

  static is(value: unknown): value is GraphApiError {
    return typeof value === "object" && value !== null && brand in value;
  }
}
