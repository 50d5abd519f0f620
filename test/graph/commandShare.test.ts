import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CommandShare, commandShareFolder, pulumiCommand } from "../../provider/graph/commandShare";

const identity = "tenant\u0000client\u0000https://login.microsoftonline.com\u000030:555";
const listing = [{ id: "0f6b0b7e-0000-4000-8000-000000000001", resource: "users/a/messages", expirationDateTime: "2026-12-07T10:00:00Z" }];

describe("what the provider processes of one pulumi command share", () => {
  let dir: string;
  let time: number;
  const now = () => time;
  beforeEach(() => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "command-share-")), "tokens");
    time = 1_800_000_000_000;
  });

  it("hands the update's process the listing its preview's process made", () => {
    new CommandShare(Buffer.from("client-secret-value"), identity, dir, now).write("listing", "set-1\u0000v1.0", listing);
    expect(new CommandShare(Buffer.from("client-secret-value"), identity, dir, now).read("listing", "set-1\u0000v1.0")?.value).toEqual(listing);
  });

  it.each([
    ["another command", Buffer.from("client-secret-value"), identity.replace("30:555", "31:600"), "set-1\u0000v1.0"],
    ["another secret (a rotated one)", Buffer.from("another-secret-value"), identity, "set-1\u0000v1.0"],
    ["another set", Buffer.from("client-secret-value"), identity, "set-2\u0000v1.0"],
    ["another API version", Buffer.from("client-secret-value"), identity, "set-1\u0000beta"],
  ])("hands nothing to %s", (_, material, otherIdentity, name) => {
    new CommandShare(Buffer.from("client-secret-value"), identity, dir, now).write("listing", "set-1\u0000v1.0", listing);
    expect(new CommandShare(material, otherIdentity, dir, now).read("listing", name)).toBeUndefined();
  });

  it("keeps a listing two minutes: an update confirmed after a longer pause reads Graph again", () => {
    const share = new CommandShare(Buffer.from("s"), identity, dir, now);
    share.write("listing", "set-1", listing);
    time += 2 * 60_000;
    expect(share.read("listing", "set-1")).toBeDefined();
    time += 1;
    expect(share.read("listing", "set-1")).toBeUndefined();
  });

  it("keeps neither the listing nor the names on disk readable", () => {
    new CommandShare(Buffer.from("client-secret-value"), identity, dir, now).write("listing", "set-1", listing);
    const files = fs.readdirSync(dir);
    expect(files).toEqual([expect.stringMatching(/^[0-9a-f]{40}\.listing$/)]);
    const content = fs.readFileSync(path.join(dir, files[0]!), "utf8");
    for (const plain of [listing[0]!.id, "users/a/messages", "set-1", "client-secret-value", "tenant"]) expect(content).not.toContain(plain);
    if (process.platform !== "win32") expect(fs.statSync(path.join(dir, files[0]!)).mode & 0o777).toBe(0o600);
  });

  it("drops a listing nobody took ten minutes after it was written, and a token two hours after", () => {
    const share = new CommandShare(Buffer.from("s"), identity, dir, now);
    share.write("listing", "set-1", listing);
    share.write("token", "scope", { token: "t", expiresOnTimestamp: 0 });
    const [listingFile, tokenFile] = ["listing", "token"].map((kind) => path.join(dir, fs.readdirSync(dir).find((name) => name.endsWith(`.${kind}`))!));
    const elevenMinutesAgo = new Date(Date.now() - 11 * 60_000);
    for (const file of [listingFile!, tokenFile!]) fs.utimesSync(file, elevenMinutesAgo, elevenMinutesAgo);
    share.write("listing", "set-2", listing);
    expect(fs.existsSync(listingFile!)).toBe(false);
    expect(fs.existsSync(tokenFile!)).toBe(true);
  });

  it("forgets a removed entry", () => {
    const share = new CommandShare(Buffer.from("s"), identity, dir, now);
    share.write("listing", "set-1", listing);
    share.remove("listing", "set-1");
    expect(share.read("listing", "set-1")).toBeUndefined();
  });

  it.each([
    [{ MSGRAPH_TOKEN_CACHE: "off" }, undefined],
    [{ MSGRAPH_TOKEN_CACHE_DIR: "/var/cache/tokens" }, "/var/cache/tokens"],
  ])("takes its folder from the environment: %j", (env, expected) => {
    expect(commandShareFolder(env)).toBe(expected);
  });

  it("defaults to a folder of this user's in the temporary directory", () => {
    expect(commandShareFolder({})).toContain(os.tmpdir());
  });
});

describe("the pulumi command a provider process belongs to", () => {
  /** A fake /proc: pid -> [comm, ppid, starttime]. */
  function proc(tree: Record<number, [string, number, number]>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proc-"));
    for (const [pid, [comm, ppid, start]] of Object.entries(tree)) {
      fs.mkdirSync(path.join(dir, pid));
      const fields = ["S", ppid, ...Array.from({ length: 17 }, () => 0), start, 0];
      fs.writeFileSync(path.join(dir, pid, "stat"), `${pid} (${comm}) ${fields.join(" ")}\n`);
    }
    return dir;
  }

  it.each([
    ["through the nodejs shim's shell", { 40: ["sh", 30, 7], 30: ["pulumi", 1, 555] } as Record<number, [string, number, number]>, 40, "30:555"],
    ["started directly", { 30: ["pulumi", 2, 556] } as Record<number, [string, number, number]>, 30, "30:556"],
    ["a name with spaces and parentheses on the way", { 41: ["a (b) c", 30, 7], 30: ["pulumi", 1, 557] } as Record<number, [string, number, number]>, 41, "30:557"],
  ])("is found %s", (_, tree, start, expected) => {
    expect(pulumiCommand(start, proc(tree))).toBe(expected);
  });

  it("is none outside pulumi (the msgraph-subscriptions CLI from a shell), so nothing is shared", () => {
    expect(pulumiCommand(40, proc({ 40: ["bash", 30, 7], 30: ["sshd", 1, 5] }))).toBeUndefined();
    expect(pulumiCommand(40, path.join(os.tmpdir(), "no-proc-here"))).toBeUndefined();
  });
});
