import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

/**
 * One access token per provider process. The Pulumi engine calls the provider for many resources at
 * once; each first call would ask the authority for its own token before any was cached, and each
 * token request costs a round trip and counts against the authority's limits. Concurrent callers share
 * the request in flight, and later callers the token, until five minutes before it expires (the margin
 * @azure/identity itself uses for refreshing).
 */
export class SharedToken implements TokenCredential {
  private current?: { scopes: string; token: AccessToken; at: number };
  private inFlight?: { scopes: string; promise: Promise<AccessToken | null> };
  private requests = 0;

  constructor(
    private readonly credential: TokenCredential,
    private readonly now: () => number = Date.now,
  ) {}

  /** Token requests sent to the credential so far. */
  get requestCount(): number {
    return this.requests;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const key = [scopes].flat().join(" ");
    if (this.current?.scopes === key && this.current.token.expiresOnTimestamp - refreshMarginMs > this.now()) return this.current.token;
    if (this.inFlight?.scopes !== key) {
      this.requests++;
      const promise = this.credential.getToken(scopes, options).finally(() => {
        if (this.inFlight?.promise === promise) this.inFlight = undefined;
      });
      this.inFlight = { scopes: key, promise };
    }
    const token = await this.inFlight.promise;
    if (token) this.current = { scopes: key, token, at: this.now() };
    return token;
  }

  /**
   * Graph refused a token it should have taken (401 InvalidAuthenticationToken): forget it, here and in the
   * sealed file, so the next request asks for a new one. Only a token held since before `sentAt`: a
   * refusal of a request that left before the current token arrived says nothing about it.
   */
  discard(sentAt: number): boolean {
    if (!this.current || this.current.at > sentAt) return false;
    this.current = undefined;
    (this.credential as Partial<Discardable>).discard?.();
    return true;
  }
}

interface Discardable {
  discard(): void;
}

/** Five minutes: the margin @azure/identity itself refreshes at; a token this close to expiry is not handed out. */
export const refreshMarginMs = 5 * 60_000;
