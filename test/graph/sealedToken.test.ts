import type { AccessToken, TokenCredential } from "@azure/identity";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CommandShare } from "../../provider/graph/commandShare";
import { SealedToken } from "../../provider/graph/sealedToken";

const scope = "https://graph.microsoft.com/.default";
const identity = "tenant\u0000client\u0000https://login.microsoftonline.com";

/** A credential that counts its sign-ins; each answers a new token valid for an hour from `now()`. */
function countingCredential(now: () => number) {
  const counter = { calls: 0 };
  const credential: TokenCredential = {
    getToken: async (): Promise<AccessToken> => ({ token: `eyJ.access-token-${++counter.calls}.sig`, expiresOnTimestamp: now() + 3_600_000 }),
  };
  return { credential, counter };
}

describe("the token sealed for the provider processes of one machine", () => {
  let dir: string;
  let time: number;
  const now = () => time;
  beforeEach(() => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sealed-token-")), "tokens");
    time = 1_800_000_000_000;
  });

  it("lets the update's process take the token the preview's process asked for", async () => {
    const preview = countingCredential(now);
    const update = countingCredential(now);
    const first = await new SealedToken(preview.credential, new CommandShare(Buffer.from("client-secret-value"), identity, dir, now)).getToken(scope);
    const second = await new SealedToken(update.credential, new CommandShare(Buffer.from("client-secret-value"), identity, dir, now)).getToken(scope);
    expect(second?.token).toBe(first?.token);
    expect([preview.counter.calls, update.counter.calls]).toEqual([1, 0]);
  });

  it.each([
    ["another secret (a rotated one)", Buffer.from("another-secret-value"), identity, scope],
    ["another app", Buffer.from("client-secret-value"), "tenant\u0000other-client\u0000https://login.microsoftonline.com", scope],
    ["another scope", Buffer.from("client-secret-value"), identity, "https://graph.microsoft.us/.default"],
  ])("does not hand the token to %s", async (_, material, otherIdentity, otherScope) => {
    await new SealedToken(countingCredential(now).credential, new CommandShare(Buffer.from("client-secret-value"), identity, dir, now)).getToken(scope);
    const other = countingCredential(now);
    await new SealedToken(other.credential, new CommandShare(material, otherIdentity, dir, now)).getToken(otherScope);
    expect(other.counter.calls).toBe(1);
  });

  it("keeps neither the token nor the secret readable on disk, in a folder only its owner may enter", async () => {
    const token = await new SealedToken(countingCredential(now).credential, new CommandShare(Buffer.from("client-secret-value"), identity, dir, now)).getToken(scope);
    const files = fs.readdirSync(dir);
    expect(files).toHaveLength(1);
    const content = fs.readFileSync(path.join(dir, files[0]!), "utf8");
    for (const secret of [token!.token, "access-token", "client-secret-value", "tenant", "client"]) expect(content).not.toContain(secret);
    if (process.platform !== "win32") {
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    }
  });

  it("asks again five minutes before the kept token expires", async () => {
    const first = countingCredential(now);
    await new SealedToken(first.credential, new CommandShare(Buffer.from("s"), identity, dir, now)).getToken(scope);
    time += 3_600_000 - 5 * 60_000 + 1;
    const later = countingCredential(now);
    await new SealedToken(later.credential, new CommandShare(Buffer.from("s"), identity, dir, now)).getToken(scope);
    expect(later.counter.calls).toBe(1);
  });

  it("asks again after a refused token was discarded", async () => {
    const sealed = new SealedToken(countingCredential(now).credential, new CommandShare(Buffer.from("s"), identity, dir, now));
    await sealed.getToken(scope);
    sealed.discard();
    const next = countingCredential(now);
    await new SealedToken(next.credential, new CommandShare(Buffer.from("s"), identity, dir, now)).getToken(scope);
    expect(next.counter.calls).toBe(1);
  });

  it.each([
    ["a cut-short file", (file: string) => fs.writeFileSync(file, fs.readFileSync(file, "utf8").slice(0, 20))],
    ["a tampered file", (file: string) => {
      const sealed = JSON.parse(fs.readFileSync(file, "utf8"));
      sealed.data = Buffer.from("{\"token\":\"forged\",\"expiresOnTimestamp\":9e15}").toString("base64");
      fs.writeFileSync(file, JSON.stringify(sealed));
    }],
  ])("treats %s as no token", async (_, damage) => {
    await new SealedToken(countingCredential(now).credential, new CommandShare(Buffer.from("s"), identity, dir, now)).getToken(scope);
    damage(path.join(dir, fs.readdirSync(dir)[0]!));
    const next = countingCredential(now);
    const token = await new SealedToken(next.credential, new CommandShare(Buffer.from("s"), identity, dir, now)).getToken(scope);
    expect(next.counter.calls).toBe(1);
    expect(token?.token).not.toBe("forged");
  });

  if (process.platform !== "win32") {
    it("neither reads nor writes a folder others may enter", async () => {
      fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
      fs.chmodSync(dir, 0o755);
      const first = countingCredential(now);
      await new SealedToken(first.credential, new CommandShare(Buffer.from("s"), identity, dir, now)).getToken(scope);
      expect(fs.readdirSync(dir)).toEqual([]);
      const second = countingCredential(now);
      await new SealedToken(second.credential, new CommandShare(Buffer.from("s"), identity, dir, now)).getToken(scope);
      expect(second.counter.calls).toBe(1);
    });
  }
});
