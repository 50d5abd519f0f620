import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { refreshMarginMs } from "./tokenCache";

/**
 * The access token shared by the provider processes of one machine, sealed with the credential itself.
 *
 * `pulumi up` starts the provider twice, once for its preview and once for the update, and each process
 * used to ask the authority for its own token: two token requests for one command, and one more for every
 * stack a pipeline runs. Here the first process leaves its token in a file that only a holder of the same
 * credential can open:
 * - the file is AES-256-GCM ciphertext under a key derived (HKDF-SHA256) from the credential's secret
 *   material (the client secret, the certificate file, the federated token), which never leaves memory;
 *   whoever can open the file could sign in with that material anyway;
 * - its name is an HMAC of the tenant, client, authority and scope under the same material, so it says
 *   nothing about them, and a rotated secret simply finds no file;
 * - it lives in a folder only this user may enter (0700, checked before every use), written whole (a
 *   temporary file renamed over it) and dropped once expired.
 * - it is bound to the one `pulumi` command that started the process (its process id and start time), so
 *   the next command asks for a token of its own: a permission granted since is in it, as before.
 * Only providers started by the Pulumi CLI share (found through /proc, so on Linux, where pipelines run);
 * elsewhere, and for the msgraph-subscriptions CLI, each process asks as before. Credentials without secret
 * material here (managed identity, the Azure CLI) are not sealed: their tokens come from a local endpoint or
 * their own cache. MSGRAPH_TOKEN_CACHE=off turns it off; MSGRAPH_TOKEN_CACHE_DIR moves the folder (default: a
 * folder of this user's in the system's temporary directory).
 */
export class SealedToken implements TokenCredential {
  private readonly key: Buffer;
  private readonly file: string;
  private readonly label: string;

  constructor(
    private readonly credential: TokenCredential,
    /** The secret material the key is derived from. */
    material: Buffer,
    /** What the token is for: tenant, client, authority (not secret; bound into the ciphertext). */
    identity: string,
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.label = `pulumi-msgraph-subscriptions token v1\u0000${identity}`;
    this.key = Buffer.from(hkdfSync("sha256", material, Buffer.from("pulumi-msgraph-subscriptions"), this.label, 32));
    this.file = path.join(dir, `${createHmac("sha256", this.key).update(this.label).digest("hex").slice(0, 40)}.token`);
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const scope = [scopes].flat().join(" ");
    const kept = this.read(scope);
    if (kept) return kept;
    const token = await this.credential.getToken(scopes, options);
    if (token) this.write(scope, token);
    return token;
  }

  /** Graph refused a token that is still in date (revoked, or Graph's clock differs): the next process must not take it. */
  discard(): void {
    fs.rmSync(this.file, { force: true });
  }

  private read(scope: string): AccessToken | undefined {
    if (!privateFolder(this.dir)) return undefined;
    try {
      const sealed = JSON.parse(fs.readFileSync(this.file, "utf8")) as { iv: string; tag: string; data: string };
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(sealed.iv, "base64"));
      decipher.setAAD(Buffer.from(`${this.label}\u0000${scope}`));
      decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
      const token = JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]).toString("utf8")) as AccessToken;
      return token.expiresOnTimestamp - refreshMarginMs > this.now() ? token : undefined;
    } catch {
      // Absent, unreadable, cut short, or sealed under other material: as if there were none.
      return undefined;
    }
  }

  private write(scope: string, token: AccessToken): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      if (!privateFolder(this.dir)) return;
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", this.key, iv);
      cipher.setAAD(Buffer.from(`${this.label}\u0000${scope}`));
      const data = Buffer.concat([cipher.update(JSON.stringify({ token: token.token, expiresOnTimestamp: token.expiresOnTimestamp })), cipher.final()]);
      const sealed = JSON.stringify({ iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") });
      const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString("hex")}`;
      fs.writeFileSync(temporary, sealed, { mode: 0o600 });
      fs.renameSync(temporary, this.file);
      this.dropExpired();
    } catch {
      // A cache that cannot be written costs one more token request, nothing else.
    }
  }

  /** Tokens live about an hour; a file untouched for two is of no use to anyone. */
  private dropExpired(): void {
    for (const name of fs.readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      // The file system's clock, not the token's: mtimes are on it.
      if (stat && Date.now() - stat.mtimeMs > 2 * 3_600_000) fs.rmSync(file, { force: true });
    }
  }
}

/**
 * The `pulumi` process this one descends from (the engine starts providers directly or through a shell
 * shim), as its pid and start time, which together name one command even when pids are reused.
 * undefined when there is none, or no /proc to find it in.
 */
export function pulumiCommand(start = process.ppid, proc = "/proc"): string | undefined {
  for (let pid = start, depth = 0; pid > 1 && depth < 8; depth++) {
    let stat: string;
    try {
      stat = fs.readFileSync(path.join(proc, String(pid), "stat"), "utf8");
    } catch {
      return undefined;
    }
    // "pid (comm) state ppid ... starttime": comm may hold spaces and parentheses, so split after the last ')'.
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (comm === "pulumi") return `${pid}:${fields[19]}`;
    pid = Number(fields[1]);
  }
  return undefined;
}

/** Where sealed tokens live, or undefined when MSGRAPH_TOKEN_CACHE=off. */
export function sealedTokenFolder(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (/^(off|false|0|no)$/i.test(env.MSGRAPH_TOKEN_CACHE ?? "")) return undefined;
  const uid = typeof process.getuid === "function" ? process.getuid() : os.userInfo().username;
  return env.MSGRAPH_TOKEN_CACHE_DIR ? path.resolve(env.MSGRAPH_TOKEN_CACHE_DIR) : path.join(os.tmpdir(), `pulumi-msgraph-subscriptions-${uid}`, "tokens");
}

/** Ours alone: owned by this user and closed to everyone else (POSIX; elsewhere the ACL of the user's temp folder). */
function privateFolder(dir: string): boolean {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return false;
  if (process.platform === "win32") return true;
  return stat.uid === process.getuid!() && (stat.mode & 0o077) === 0;
}
