/**
 * Issue 8 §3: `pulumi up` killed with SIGKILL (CLI, language host and provider at once), its lock lifted
 * with `pulumi cancel`, and the next `pulumi up --refresh` must exit 0 with Graph and the state agreeing:
 * no orphan (in Graph, not in state), no duplicate, nothing missing, no manual step. Where exactly the
 * kill lands varies from run to run; the assertions hold for every kill point, so they do not depend on
 * timing. The last case runs the same through the native provider, from a YAML program.
 */
import { expectExit, startWorld, type EngineStack, type SubscriptionSpecs, type World } from "./harness";

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const count = 6;
const groups = (prefix: string): SubscriptionSpecs =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `group${i}`,
      {
        resource: `${prefix}/0a1b2c3d-0000-4000-8000-00000000000${i}`,
        changeType: "updated,deleted",
        notificationUrl: world.webhook(`killed-${i}`),
        clientState: `killed-run-secret-${i}`,
      },
    ]),
  );
const liveIds = () => world.admin.listSubscriptions().map((s) => s.id).sort();
const posts = () => world.subscriptionRequests().filter((r) => r.method === "POST" && /\/subscriptions$/.test(r.path)).length;

/** After recovery: exactly the declared subscriptions, each once, each in the state. */
async function expectGraphAndStateAgree(stack: EngineStack, specs: SubscriptionSpecs): Promise<void> {
  const state = await stack.stateIds();
  expect(Object.keys(state).sort()).toEqual(Object.keys(specs).sort());
  expect(liveIds()).toEqual(Object.values(state).sort());
  const resources = world.admin.listSubscriptions().map((s) => s.resource).sort();
  expect(resources).toEqual(Object.values(specs).map((s) => String(s.resource)).sort());
}

async function killRecoverAndCheck(stack: EngineStack, specs: SubscriptionSpecs, killWhen: () => boolean): Promise<void> {
  const { killed, result } = await stack.upKilledWhen(specs, killWhen);
  if (!killed) expectExit(result, 0); // it finished first: still a valid starting point for the next run
  expectExit(await stack.cancel(), 0);
  const recovery = await stack.up(specs, { refresh: true });
  expectExit(recovery, 0);
  await expectGraphAndStateAgree(stack, specs);
  expectExit(await stack.preview(specs, { refresh: true, expectNoChanges: true }), 0);
}

it.each([
  ["before any create", () => world.admin.requestLog().length > 0 && posts() === 0],
  ["mid-way through the creates", () => world.admin.listSubscriptions().length >= count / 2],
])("a run killed %s recovers on the next pulumi up --refresh with no orphan and no duplicate", async (_, killWhen) => {
  const stack = world.stack(`killed-${posts()}-${Date.now() % 1000}`);
  world.admin.reset();
  await killRecoverAndCheck(stack, groups("groups"), killWhen);
  expectExit(await stack.destroy(), 0);
  expect(liveIds()).toEqual([]);
});

it("a run killed during a replace (create before delete) recovers with only the new subscriptions left", async () => {
  const stack = world.stack("killed-replace");
  world.admin.reset();
  expectExit(await stack.up(groups("groups")), 0);
  const before = new Set(liveIds());
  const replaced = groups("users");
  await killRecoverAndCheck(stack, replaced, () => world.admin.listSubscriptions().filter((s) => !before.has(s.id)).length >= count / 2);
  expect(liveIds().filter((id) => before.has(id))).toEqual([]);
  expectExit(await stack.destroy(), 0);
  expect(liveIds()).toEqual([]);
});

it("a run of the native provider (a YAML program) killed mid-way through the creates recovers with no orphan and no duplicate", async () => {
  const stack = world.stack("killed-native-yaml", { language: "yaml" });
  world.admin.reset();
  await killRecoverAndCheck(stack, groups("groups"), () => world.admin.listSubscriptions().length >= count / 2);
  expectExit(await stack.destroy(), 0);
  expect(liveIds()).toEqual([]);
});
