/**
 * Issue 21: the SubscriptionSet, a fleet of subscriptions as one resource, through the plain CLI against the
 * emulator: created, read back with one list, renewed, grown and shrunk path by path, all-or-nothing when a
 * subscription fails, recovered after a kill, destroyed; its clientState secret in state.
 */
import { cliScript, describeRequests, expectExit, nodeBinary, repoRoot, runProcess, startWorld, type EngineStack, type SubscriptionSpecs, type World } from "./harness";

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

/** Mailboxes of a fleet: more than the set lists from (50), so its refresh is one list, not one GET each. */
const mailbox = (i: number) => `users/5e7f0000-0000-4000-8000-${String(i).padStart(12, "0")}/messages`;
const fleet = (paths: string[], extra: Record<string, unknown> = {}): SubscriptionSpecs => ({
  fleet: {
    resources: paths,
    changeType: "created",
    notificationUrl: world.webhook("fleet"),
    clientState: "fleet-client-state-secret",
    lifetimeMinutes: 600,
    renewBeforeMinutes: 300,
    ...extra,
  },
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => mailbox(from + i));
const liveResources = () => world.admin.listSubscriptions().map((s) => s.resource).sort();
const writes = () => world.subscriptionRequests().filter((r) => r.method !== "GET");
const lists = () => world.subscriptionRequests().filter((r) => r.method === "GET" && /\/subscriptions$/.test(r.path));

const setTypes = ["pulumi-nodejs:dynamic/msgraph:SubscriptionSet", "msgraph-subscriptions:index:SubscriptionSet"];

async function setIds(stack: EngineStack): Promise<Record<string, string>> {
  const state = JSON.parse(await stack.exportState());
  const set = state.deployment.resources.find((r: { type: string }) => setTypes.includes(r.type));
  return set?.outputs.subscriptionIds ?? {};
}

/** Graph holds exactly the declared paths, each once, and the state names each of them by Graph's id. */
async function expectGraphAndStateAgree(stack: EngineStack, paths: string[]): Promise<void> {
  expect(liveResources()).toEqual([...paths].sort());
  const ids = await setIds(stack);
  expect(Object.keys(ids).sort()).toEqual([...paths].sort());
  expect(Object.values(ids).sort()).toEqual(world.admin.listSubscriptions().map((s) => s.id).sort());
}

describe("a fleet of subscriptions as one SubscriptionSet", () => {
  let stack: EngineStack;
  const first = range(0, 60);

  it("creates one subscription per path, and keeps clientState a secret", async () => {
    stack = world.stack("set");
    world.admin.clearRequestLog();
    expectExit(await stack.up(fleet(first)), 0);
    await expectGraphAndStateAgree(stack, first);
    expect(writes().filter((r) => r.method === "POST")).toHaveLength(60);
    const state = await stack.exportState();
    expect(state).not.toContain("fleet-client-state-secret");
    expect(world.admin.listSubscriptions().every((s) => s.clientState === "fleet-client-state-secret")).toBe(true);
  });

  it("reads the fleet back with one list instead of a GET per subscription, and finds no drift", async () => {
    world.admin.clearRequestLog();
    expectExit(await stack.preview(fleet(first), { refresh: true, expectNoChanges: true }), 0);
    const requests = world.subscriptionRequests();
    expect(requests.filter((r) => r.method === "GET" && /\/subscriptions$/.test(r.path))).toHaveLength(1);
    expect(requests.filter((r) => r.method === "GET" && /\/subscriptions\/[^/]+$/.test(r.path))).toHaveLength(0);
  });

  it("sees a deleted and a re-pointed subscription as drift, and brings both back with up --refresh", async () => {
    const ids = await setIds(stack);
    world.admin.deleteSubscription(ids[mailbox(3)]!);
    world.admin.updateSubscription(ids[mailbox(4)]!, { notificationUrl: world.webhook("elsewhere") });
    expect((await stack.preview(fleet(first), { refresh: true, expectNoChanges: true })).code).not.toBe(0);
    world.admin.clearRequestLog();
    expectExit(await stack.up(fleet(first), { refresh: true }), 0);
    expect(describeRequests(writes()).sort()).toEqual(
      [`PATCH /v1.0/subscriptions/${ids[mailbox(4)]} -> 200`, "POST /v1.0/subscriptions -> 201"].sort(),
    );
    await expectGraphAndStateAgree(stack, first);
    expect(world.admin.getSubscription((await setIds(stack))[mailbox(4)]!)?.notificationUrl).toBe(world.webhook("fleet"));
  }, 90_000);

  it("renews every subscription in place once the clock passes renewBeforeMinutes, listing Graph once for the preview and the update", async () => {
    const before = await setIds(stack);
    world.admin.advanceClock(600 - 300 + 1);
    world.admin.clearRequestLog();
    // As pipelines run it: the preview, then the update, which takes the preview's listing instead of its own.
    expectExit(await stack.up(fleet(first), { refresh: true, withPreview: true }), 0);
    const patches = writes().filter((r) => r.method === "PATCH");
    expect(patches).toHaveLength(60);
    expect(writes()).toHaveLength(60);
    expect(lists()).toHaveLength(1);
    expect(await setIds(stack)).toEqual(before);
    // Sharing off: the preview and the update list Graph each.
    world.admin.clearRequestLog();
    expectExit(await stack.up(fleet(first), { refresh: true, withPreview: true, env: { MSGRAPH_TOKEN_CACHE: "off" } }), 0);
    expect(lists()).toHaveLength(2);
    expect(writes()).toHaveLength(0);
    expectExit(await stack.preview(fleet(first), { refresh: true, expectNoChanges: true }), 0);
  }, 90_000);

  it("creates only the added paths and deletes only the dropped ones", async () => {
    const next = [...range(5, 60), ...range(60, 62)];
    world.admin.clearRequestLog();
    expectExit(await stack.up(fleet(next)), 0);
    expect(writes().filter((r) => r.method === "POST")).toHaveLength(2);
    expect(writes().filter((r) => r.method === "DELETE")).toHaveLength(5);
    await expectGraphAndStateAgree(stack, next);
    // Nothing else is written, but for a new subscription's expiry corrected for Graph's clock (moved 5 hours by the renewal test).
    const added = [mailbox(60), mailbox(61)].map((path) => world.admin.listSubscriptions().find((s) => s.resource === path)!.id);
    for (const patch of writes().filter((r) => r.method === "PATCH")) expect(added.map((id) => `/v1.0/subscriptions/${id}`)).toContain(patch.path);
  });

  it("refuses a bad path at preview, naming its place in resources, the value, the rule and the fix", async () => {
    world.admin.clearRequestLog();
    const preview = await stack.preview(fleet([...range(5, 10), "users/5e7f0000/mesages", mailbox(5)]));
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/property resources\[5\] .*'users\/5e7f0000\/mesages' is not in the rule table .*closest documented paths: users\/\{id\}\/messages/);
    expect(preview.output).toMatch(/property resources\[6\] .*'users\/5e7f0000-0000-4000-8000-000000000005\/messages' is listed twice \(also resources\[0\]\); .*list it once/);
    expect(writes()).toEqual([]);
  });

  it("changes nothing in Graph when one subscription of an update fails: what it created is deleted again", async () => {
    const current = Object.keys(await setIds(stack));
    const grown = [...current, ...range(100, 110)];
    world.admin.injectFault({ kind: "status", status: 400, method: "POST", path: "/subscriptions", count: 1 });
    const failed = await stack.up(fleet(grown));
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/update of the subscription set failed for 1 of 67 subscription\(s\)/);
    expect(failed.output).toMatch(/The 9 subscription\(s\) this run had created were deleted again/);
    await expectGraphAndStateAgree(stack, current);
    expectExit(await stack.up(fleet(grown)), 0);
    await expectGraphAndStateAgree(stack, grown);
  }, 90_000);

  it("recovers from a run killed while it creates: up --refresh takes back what the killed run left, creating nothing twice", async () => {
    const current = Object.keys(await setIds(stack));
    const grown = [...current, ...range(200, 260)];
    const before = world.admin.listSubscriptions().length;
    const { killed, result } = await stack.upKilledWhen(fleet(grown), () => world.admin.listSubscriptions().length >= before + 20);
    if (!killed) expectExit(result, 0);
    expectExit(await stack.cancel(), 0);
    expectExit(await stack.up(fleet(grown), { refresh: true }), 0);
    await expectGraphAndStateAgree(stack, grown);
    expectExit(await stack.preview(fleet(grown), { refresh: true, expectNoChanges: true }), 0);
  }, 90_000);

  it("is listed subscription by subscription by msgraph-subscriptions status, and checked by doctor", async () => {
    const env = { ...stack.environment(), ...world.graphEnv() };
    const ids = await setIds(stack);
    const result = await runProcess(nodeBinary, [cliScript, "status", "--json", "--stack", stack.name, "--cwd", stack.projectDir], { cwd: repoRoot, env });
    world.transcript.push(result.output);
    expectExit(result, 0);
    const rows = (JSON.parse(result.stdout) as { subscriptions: Array<{ name: string; id: string; health: string }> }).subscriptions;
    expect(rows.map((row) => [row.name, row.id, row.health]).sort()).toEqual(Object.entries(ids).map(([path, id]) => [`fleet[${path}]`, id, "healthy"]).sort());
    const doctor = await runProcess(nodeBinary, [cliScript, "doctor", "--stack", stack.name, "--cwd", stack.projectDir], { cwd: repoRoot, env });
    world.transcript.push(doctor.output);
    expectExit(doctor, 0);
  });

  it("deletes every subscription on destroy", async () => {
    expectExit(await stack.destroy(), 0);
    expect(world.admin.listSubscriptions()).toEqual([]);
  });
});

it("is the same resource through the native provider: a YAML program's set is created, read back with one list, renewed and destroyed", async () => {
  const stack = world.stack("set-yaml", { language: "yaml" });
  world.admin.reset();
  const paths = range(300, 360);
  expectExit(await stack.up(fleet(paths)), 0);
  await expectGraphAndStateAgree(stack, paths);
  expect(await stack.exportState()).not.toContain("fleet-client-state-secret");
  world.admin.clearRequestLog();
  expectExit(await stack.preview(fleet(paths), { refresh: true, expectNoChanges: true }), 0);
  expect(world.subscriptionRequests().filter((r) => r.method === "GET" && /\/subscriptions\/[^/]+$/.test(r.path))).toHaveLength(0);
  world.admin.advanceClock(600 - 300 + 1);
  world.admin.clearRequestLog();
  expectExit(await stack.up(fleet(paths), { refresh: true, withPreview: true }), 0);
  expect(writes().filter((r) => r.method === "PATCH")).toHaveLength(60);
  expect(lists()).toHaveLength(1);
  expectExit(await stack.destroy(), 0);
  expect(world.admin.listSubscriptions()).toEqual([]);
}, 90_000);
