import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import type { CommandShare } from "./commandShare";
import { refreshMarginMs } from "./tokenCache";

/**
 * The access token shared by the provider processes of one `pulumi` command (commandShare.ts says how it is
 * sealed and bound): `pulumi up` starts the provider for its preview and again for the update, and the second
 * process takes the first one's token instead of asking the authority again. The next command asks for a
 * token of its own, so a permission granted since is in it, as before.
 */
export class SealedToken implements TokenCredential {
  /** The scopes this process asked for, so that a refused token is discarded for each. */
  private readonly scopes = new Set<string>();

  constructor(
    private readonly credential: TokenCredential,
    private readonly share: CommandShare,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const scope = [scopes].flat().join(" ");
    this.scopes.add(scope);
    const kept = this.share.read<AccessToken>("token", scope)?.value;
    if (kept && kept.expiresOnTimestamp - refreshMarginMs > this.share.now()) return kept;
    const token = await this.credential.getToken(scopes, options);
    if (token) this.share.write("token", scope, { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp });
    return token;
  }

  /** Graph refused a token that is still in date (revoked, or Graph's clock differs): the next process must not take it. */
  discard(): void {
    for (const scope of this.scopes) this.share.remove("token", scope);
  }
}
