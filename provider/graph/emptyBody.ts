import type { Context, Middleware } from "@microsoft/microsoft-graph-client";

/**
 * The Graph client labels every POST as JSON, even one without a body. Graph's reauthorize page says
 * "Don't supply a request body for this method", and a strict server refuses a Content-Type that
 * announces a body nobody sent, so requests without a body go out without one.
 */
export class WithoutEmptyBodyContentType implements Middleware {
  private next?: Middleware;

  async execute(context: Context): Promise<void> {
    const options = context.options;
    if (options && (options.body === undefined || options.body === null) && options.headers) {
      const headers = options.headers as Record<string, string>;
      for (const name of Object.keys(headers)) if (name.toLowerCase() === "content-type") delete headers[name];
    }
    return this.next?.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
