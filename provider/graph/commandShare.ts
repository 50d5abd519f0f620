import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * What the provider processes of one `pulumi` command share, sealed with the credential itself.
 *
 * `pulumi up` starts the provider twice, once for its preview and once for the update, and each process used
 * to do its own sign-in and, with `--refresh`, its own reading of Graph. Here the first process leaves what it
 * got (the access token, a set's listing) in files that only a holder of the same credential can open:
 * - each file is AES-256-GCM ciphertext under a key derived (HKDF-SHA256) from the credential's secret material
 *   (the client secret, the certificate file, the federated token), which never leaves memory; whoever can open
 *   the file could sign in with that material anyway;
 * - its name is an HMAC of the entry's name under the same key, so it says nothing about the tenant, app or
 *   entry, and a rotated secret simply finds no file;
 * - the files live in a folder only this user may enter (0700, checked before every use), written whole (a
 *   temporary file renamed over it) and dropped once stale;
 * - the key is bound to the one `pulumi` command that started the process (its process id and start time), so
 *   the next command signs in and reads Graph on its own.
 * Only providers started by the Pulumi CLI share (found through /proc, so on Linux, where pipelines run);
 * elsewhere, and for the msgraph-subscriptions CLI, each process works alone. Credentials without secret
 * material here (managed identity, the Azure CLI) share nothing. MSGRAPH_TOKEN_CACHE=off turns sharing off;
 * MSGRAPH_TOKEN_CACHE_DIR moves the folder (default: a folder of this user's in the system's temporary directory).
 */
export class CommandShare {
  private readonly key: Buffer;
  private readonly label: string;

  constructor(
    /** The secret material the key is derived from. */
    material: Buffer,
    /** Whose and which command's: tenant, client, authority, pulumi command (not secret; bound into the key). */
    identity: string,
    private readonly dir: string,
    readonly now: () => number = Date.now,
  ) {
    this.label = `pulumi-msgraph-subscriptions share v1\u0000${identity}`;
    this.key = Buffer.from(hkdfSync("sha256", material, Buffer.from("pulumi-msgraph-subscriptions"), this.label, 32));
  }

  /** The entry `name` of `kind`, and when it was written; undefined when absent, stale, damaged or sealed under other material. */
  read<T>(kind: EntryKind, name: string): { value: T; writtenAt: number } | undefined {
    if (!privateFolder(this.dir)) return undefined;
    try {
      const sealed = JSON.parse(fs.readFileSync(this.file(kind, name), "utf8")) as { iv: string; tag: string; data: string };
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(sealed.iv, "base64"));
      decipher.setAAD(this.aad(kind, name));
      decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
      const entry = JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]).toString("utf8")) as {
        value: T;
        writtenAt: number;
      };
      return this.now() - entry.writtenAt <= staleAfterMs[kind] ? entry : undefined;
    } catch {
      // Absent, unreadable, cut short, or sealed under other material: as if there were none.
      return undefined;
    }
  }

  /** `writtenAt`: when what is shared was read, if before now. */
  write(kind: EntryKind, name: string, value: unknown, writtenAt = this.now()): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      if (!privateFolder(this.dir)) return;
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", this.key, iv);
      cipher.setAAD(this.aad(kind, name));
      const data = Buffer.concat([cipher.update(JSON.stringify({ value, writtenAt })), cipher.final()]);
      const sealed = JSON.stringify({ iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") });
      const file = this.file(kind, name);
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
      fs.writeFileSync(temporary, sealed, { mode: 0o600 });
      fs.renameSync(temporary, file);
      this.dropStale();
    } catch {
      // A share that cannot be written costs the next process the work again, nothing else.
    }
  }

  remove(kind: EntryKind, name: string): void {
    try {
      fs.rmSync(this.file(kind, name), { force: true });
      this.dropStale();
    } catch {
      // The entry stays until it is stale; a later process reads it only within its age.
    }
  }

  private file(kind: EntryKind, name: string): string {
    return path.join(this.dir, `${createHmac("sha256", this.key).update(this.aad(kind, name)).digest("hex").slice(0, 40)}.${kind}`);
  }

  private aad(kind: EntryKind, name: string): Buffer {
    return Buffer.from(`${this.label}\u0000${kind}\u0000${name}`);
  }

  /** Files of any command past their kind's age are of no use to anyone. */
  private dropStale(): void {
    for (const name of fs.readdirSync(this.dir)) {
      // "<hmac>.<kind>", or "<hmac>.<kind>.<pid>.<hex>" for a write a killed process left half done.
      const kind = name.split(".")[1] as EntryKind;
      const file = path.join(this.dir, name);
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      // The file system's clock, not Graph's: mtimes are on it.
      if (stat && Date.now() - stat.mtimeMs > (dropAfterMs[kind] ?? dropAfterMs.token)) fs.rmSync(file, { force: true });
    }
  }
}

/** What is shared: a token, or the listing a set's refresh made. */
export type EntryKind = "token" | "listing";

/**
 * How long an entry is good for. A token carries its own expiry (sealedToken.ts checks it), so its entry only
 * needs to outlive one command. A listing is Graph as it was: `pulumi up --refresh --yes` goes from its preview
 * to its update within seconds, and an update confirmed by a person after a longer pause reads Graph again.
 */
const staleAfterMs: Record<EntryKind, number> = { token: 2 * 3_600_000, listing: 2 * 60_000 };
/** A listing of thousands of subscriptions is megabytes: it goes soon after it is stale. */
const dropAfterMs: Record<EntryKind, number> = { token: 2 * 3_600_000, listing: 10 * 60_000 };

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

/** Where shared entries live, or undefined when MSGRAPH_TOKEN_CACHE=off. */
export function commandShareFolder(env: NodeJS.ProcessEnv = process.env): string | undefined {
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
