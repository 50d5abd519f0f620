import type { IncomingMessage } from "node:http";

/**
 * The body of a request as the hosting framework left it. Plain node:http leaves the stream unread;
 * Express's body parsers (express.json(), express.text(), express.raw()) read it and set `req.body`, after
 * which the stream is empty. The handler takes whichever is there.
 */

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body over ${limitBytes} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/** A request that a body parser may have read already. */
export type NodeRequest = IncomingMessage & { body?: unknown };

export function readRequestBody(request: NodeRequest, limitBytes: number): Promise<unknown> {
  if (request.body !== undefined) return Promise.resolve(request.body);
  if (request.readableEnded) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        request.removeAllListeners("data");
        request.resume();
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
