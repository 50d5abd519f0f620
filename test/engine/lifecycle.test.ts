/**
 * Issue 3 §3, promises 1, 2, 10 and 11, through the real Pulumi CLI: up creates with one POST each and
 * exports what Graph returns; an immediate preview proposes nothing, also after the provider's code
 * changes; the state holds no secret in plain text; destroy leaves the emulator empty.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  describeRequests, EngineStack, expectExit, programDir, repoRoot, startWorld, type SubscriptionSpecs, type World,
} from "./harness";

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

/** Three realistic subscriptions: a directory resource, a mailbox, a Teams channel with lifecycle events. */
function realistic(world: World, clientState: string): SubscriptionSpecs {
  return {
    "group-changes": { resource: "groups", changeType: ["updated", "deleted"], notificationUrl: world.webhook("groups"), clientState },
    "inbox-mail": {
      resource: "users/7a3f9d52-1c4b-4f0e-9a8d-2b6c5e4f3a21/mailFolders('Inbox')/messages",
      changeType: "created",
      notificationUrl: world.webhook("mail"),
      clientState,
    },
    "channel-messages": {
      resource: "teams/2f1e0d9c-8b7a-4c6d-9e5f-4a3b2c1d0e9f/channels/19:general@thread.tacv2/messages",
      changeType: "created,updated,deleted",
      notificationUrl: world.webhook("teams"),
      lifecycleNotificationUrl: world.webhook("lifecycle"),
      lifetimeMinutes: 120,
      clientState,
    },
  };
}

/** Output properties that mirror a Graph property of the same name. */
const mirrored = [
  "resource", "changeType", "notificationUrl", "lifecycleNotificationUrl", "applicationId", "creatorId",
  "notificationContentType", "includeResourceData", "latestSupportedTlsVersion", "clientState",
] as const;

/** Each place `needle` occurs in `text`, with the JSON around it, for a readable failure. */
function leaks(where: string, text: string, needle: string | RegExp): string[] {
  const found: string[] = [];
  const pattern = typeof needle === "string" ? new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g") : new RegExp(needle.source, "g");
  for (const match of text.matchAll(pattern)) {
    found.push(`${where}: ...${text.slice(Math.max(0, match.index - 200), match.index + match[0].length + 40)}...`);
  }
  return found;
}

describe("lifecycle of a stack through the Pulumi CLI", () => {
  let stack: EngineStack;
  const clientState = `client-state-${Math.random().toString(36).slice(2)}`;
  let specs: SubscriptionSpecs;

  beforeAll(() => {
    stack = world.stack("lifecycle");
    specs = realistic(world, clientState);
  });

  it("1. up creates each declared subscription with exactly one POST; stack outputs equal what Graph returns", async () => {
    world.admin.clearRequestLog();
    const result = await stack.up(specs);
    expectExit(result, 0);

    const requests = world.subscriptionRequests();
    const posts = requests.filter((r) => r.method === "POST" && /\/subscriptions$/.test(r.path.split("?")[0]));
    expect(describeRequests(posts)).toEqual(Object.keys(specs).map(() => "POST /v1.0/subscriptions -> 201"));
    expect(requests.filter((r) => r.method !== "POST")).toEqual([]);

    const live = world.admin.listSubscriptions();
    expect(live).toHaveLength(3);
    const outputs = await stack.outputs();
    for (const [name, spec] of Object.entries(specs)) {
      const output = outputs[name];
      expect(output).toBeDefined();
      const graph = world.admin.getSubscription(String(output.id));
      expect(graph).toBeDefined();
      expect(graph!.resource).toBe(spec.resource);
      const pick = (from: Record<string, unknown>) => Object.fromEntries(mirrored.map((p) => [p, from[p] ?? null]));
      expect({ name, ...pick(output) }).toEqual({ name, ...pick(graph!) });
      // Graph writes seven fractional digits; the instant is what must agree.
      expect(typeof output.expirationDateTime).toBe("string");
      expect(Date.parse(String(output.expirationDateTime))).toBe(Date.parse(graph!.expirationDateTime));
    }
    const ids = await stack.stateIds();
    expect(Object.values(ids).sort()).toEqual(live.map((s) => s.id).sort());
  });

  it("2. an immediate preview --expect-no-changes exits 0 and sends nothing to Graph; so does preview --refresh", async () => {
    world.admin.clearRequestLog();
    const preview = await stack.preview(specs, { expectNoChanges: true, diff: true });
    expectExit(preview, 0);
    expect(preview.output).not.toMatch(/__provider/);
    expect(world.subscriptionRequests()).toEqual([]);

    const refreshed = await stack.preview(specs, { refresh: true, expectNoChanges: true, diff: true });
    expectExit(refreshed, 0);
    const requests = world.subscriptionRequests();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.method === "GET")).toBe(true);
  });

  it("10. the state (pulumi stack export and the state file) holds no client secret, no token and no plaintext clientState", async () => {
    const tokenRequests = world.admin.requestLog().filter((r) => /\/oauth2\/v2\.0\/token/.test(r.path));
    const exported = await stack.exportState();
    const stateFile = fs.readFileSync(stack.stateFile(), "utf8");
    // Tokens were issued (preview --refresh above fetched one), so there was something that could leak.
    expect(tokenRequests.length).toBeGreaterThan(0);
    for (const [where, text] of [["pulumi stack export", exported], ["state file", stateFile]]) {
      expect(text).toContain("pulumi-nodejs:dynamic/msgraph:Subscription");
      expect(leaks(where, text, world.client.clientSecret)).toEqual([]);
      expect(leaks(where, text, clientState)).toEqual([]);
      expect(leaks(where, text, /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./)).toEqual([]); // a JWT (access token)
      expect(leaks(where, text, /Bearer /)).toEqual([]);
    }
    const state = JSON.parse(exported);
    const subscriptions = state.deployment.resources.filter((r: { type: string }) => r.type === "pulumi-nodejs:dynamic/msgraph:Subscription");
    expect(subscriptions).toHaveLength(3);
    const secretSig = "4dabf18193072939515e22adb298388d";
    for (const resource of subscriptions) {
      expect(resource.inputs.clientState?.[secretSig]).toBeDefined();
      expect(resource.outputs.clientState?.[secretSig]).toBeDefined();
      // The serialized provider requires the implementation by package name and captures no setting.
      const provider = JSON.stringify(resource.outputs.__provider);
      expect(provider).toContain("pulumi-msgraph-subscriptions/");
      expect(provider).not.toContain(world.emulator.url);
    }
  });

  it("11. destroy deletes every subscription; the emulator is empty", async () => {
    const ids = await stack.stateIds();
    world.admin.clearRequestLog();
    const result = await stack.destroy();
    expectExit(result, 0);
    const deletes = world.subscriptionRequests().filter((r) => r.method === "DELETE");
    expect(deletes.map((r) => r.path.split("/").pop()).sort()).toEqual(Object.values(ids).sort());
    expect(world.admin.listSubscriptions()).toEqual([]);
    expect(await stack.stateIds()).toEqual({});
  });
});

describe("2. no spurious diffs after the provider's own code changes", () => {
  let project: string;
  afterAll(() => {
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  it("preview --expect-no-changes exits 0 after the installed package's provider and lifecycle code change", async () => {
    // A project with its own copy of the package (as a consumer installs it), so the copy can be edited.
    project = fs.mkdtempSync(path.join(os.tmpdir(), "msgraph-engine-upgrade-"));
    const modules = path.join(project, "node_modules");
    fs.mkdirSync(modules);
    for (const entry of fs.readdirSync(path.join(repoRoot, "node_modules"))) {
      if (entry === "pulumi-msgraph-subscriptions" || entry === ".bin" || entry.startsWith(".")) continue;
      fs.symlinkSync(path.join(repoRoot, "node_modules", entry), path.join(modules, entry));
    }
    const copy = path.join(modules, "pulumi-msgraph-subscriptions");
    fs.mkdirSync(copy);
    fs.copyFileSync(path.join(repoRoot, "package.json"), path.join(copy, "package.json"));
    fs.cpSync(path.join(repoRoot, "dist"), path.join(copy, "dist"), { recursive: true });
    fs.copyFileSync(path.join(programDir, "index.js"), path.join(project, "index.js"));
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: msgraph-engine-test\nruntime: nodejs\nmain: .\n");

    const stack = world.stack("upgrade", { projectDir: project });
    const specs: SubscriptionSpecs = {
      users: { resource: "users", changeType: "updated", notificationUrl: world.webhook("users"), clientState: "upgrade-state" },
    };
    expectExit(await stack.up(specs), 0);
    const before = fs.readFileSync(stack.stateFile(), "utf8");

    // "Upgrade" the package: the serialized provider's text and the lifecycle implementation both change.
    const providerFile = path.join(copy, "dist", "provider", "dynamic", "provider.js");
    const providerText = fs.readFileSync(providerFile, "utf8");
    const upgraded = providerText.replace(/return this\.load\(\)\.check\(/, "/* upgraded */ return this.load().check(");
    expect(upgraded).not.toBe(providerText);
    fs.writeFileSync(providerFile, upgraded);
    fs.appendFileSync(path.join(copy, "dist", "provider", "subscription", "implementation.js"), "\n// upgraded\n");
    expect(before).not.toContain("upgraded");

    world.admin.clearRequestLog();
    const preview = await stack.preview(specs, { expectNoChanges: true, diff: true });
    expectExit(preview, 0);
    const up = await stack.up(specs, { expectNoChanges: true });
    expectExit(up, 0);
    expect(world.subscriptionRequests().filter((r) => r.method !== "GET")).toEqual([]);
    expectExit(await stack.destroy(), 0);
  });
});
