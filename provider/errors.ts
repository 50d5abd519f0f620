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

const providerErrorBrand = Symbol.for("pulumi-msgraph-subscriptions/ProviderError");

/**
 * The provider's own failures, by kind, each keeping what caused it. Branded like GraphApiError: a
 * second copy of this module may be loaded in the provider process, so `instanceof` cannot be trusted.
 */
abstract class ProviderError extends Error {
  readonly [providerErrorBrand]: string;
  constructor(kind: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = kind;
    this[providerErrorBrand] = kind;
  }
  protected static isKind(value: unknown, kind: string): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[providerErrorBrand] === kind;
  }
}

/** Provider settings (stack config or environment) that cannot be used. */
export class SettingsError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("SettingsError", message, options);
  }
  static from(error: unknown): SettingsError {
    if (SettingsError.is(error)) return error;
    return new SettingsError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  static is(value: unknown): value is SettingsError {
    return ProviderError.isKind(value, "SettingsError");
  }
}

/** Graph already holds a subscription for the same resource and change type (409), and it is not ours to take. */
export class ConflictError extends ProviderError {
  constructor(message: string, readonly existingId: string | undefined, options?: { cause?: unknown }) {
    super("ConflictError", message, options);
  }
  static is(value: unknown): value is ConflictError {
    return ProviderError.isKind(value, "ConflictError");
  }
}

/** Graph could not be reached, or no access token could be had. */
export class TransportError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TransportError", message, options);
  }
  static is(value: unknown): value is TransportError {
    return ProviderError.isKind(value, "TransportError");
  }
}

/** An operation ran out of time (msgraph:operationTimeoutSeconds) while Graph throttled it or kept failing. */
export class DeadlineError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("DeadlineError", message, options);
  }
  static is(value: unknown): value is DeadlineError {
    return ProviderError.isKind(value, "DeadlineError");
  }
}

/**
 * msgraph:checkEndpoints is on and a notification endpoint would fail Graph's validation request
 * (provider/endpoints): raised before anything is sent to Graph, naming each failing URL, what is wrong and the fix.
 */
export class EndpointCheckError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("EndpointCheckError", message, options);
  }
  static is(value: unknown): value is EndpointCheckError {
    return ProviderError.isKind(value, "EndpointCheckError");
  }
}
