/**
 * Issue 3 §3, promises 5, 6 and 8, through the real Pulumi CLI: in-place updates PATCH only the field
 * that changed; renewal happens by PATCH only once it is due on Graph's clock; reauthorization happens in
 * place, from the program's trigger input and from the command line.
 */
import { cliScript, describeRequests, expectExit, nodeBinary, repoRoot, runProcess, startWorld, type SubscriptionSpecs, type World } from "./harness";

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const minutes = (n: number) => n * 60_000;
let afterClockTest: (() => void) | undefined;
afterEach(() => {
  afterClockTest?.();
  afterClockTest = undefined;
});

it("5. editing notificationUrl, then expirationDateTime in the program: one PATCH each, carrying only that field", async () => {
  const stack = world.stack("patch");
  const expiry = new Date(world.admin.now().getTime() + minutes(2 * 24 * 60)).toISOString();
  const base = { resource: "groups", changeType: "updated,deleted", clientState: "patch-state" };
  const specs = (notificationUrl: string, expirationDateTime: string): SubscriptionSpecs => ({
    group: { ...base, notificationUrl, expirationDateTime },
  });
  expectExit(await stack.up(specs(world.webhook("first"), expiry)), 0);
  const { group: id } = await stack.stateIds();

  world.admin.clearRequestLog();
  expectExit(await stack.up(specs(world.webhook("second"), expiry)), 0);
  let writes = world.subscriptionRequests().filter((r) => r.method !== "GET");
  expect(describeRequests(writes)).toEqual([`PATCH /v1.0/subscriptions/${id} -> 200`]);
  expect(writes[0].requestBody).toEqual({ notificationUrl: world.webhook("second") });
  expect(world.admin.getSubscription(id)?.notificationUrl).toBe(world.webhook("second"));

  const later = new Date(Date.parse(expiry) + minutes(24 * 60)).toISOString();
  world.admin.clearRequestLog();
  expectExit(await stack.up(specs(world.webhook("second"), later)), 0);
  writes = world.subscriptionRequests().filter((r) => r.method !== "GET");
  expect(describeRequests(writes)).toEqual([`PATCH /v1.0/subscriptions/${id} -> 200`]);
  expect(Object.keys(writes[0].requestBody as object)).toEqual(["expirationDateTime"]);
  // The program's instant to the second; the sub-second digits carry the resource's ownership mark.
  const sent = (writes[0].requestBody as { expirationDateTime: string }).expirationDateTime;
  expect(sent).toMatch(new RegExp(`^${later.slice(0, 19)}\\.\\d{7}Z$`));
  expect(world.admin.getSubscription(id)!.expirationDateTime).toBe(sent);
  expect(await stack.stateIds()).toEqual({ group: id });

  expectExit(await stack.destroy(), 0);
});

it("6. with lifetimeMinutes/renewBeforeMinutes, up renews by PATCH only once renewal is due on the emulator's clock", async () => {
  const stack = world.stack("renewal");
  const specs: SubscriptionSpecs = {
    users: { resource: "users", changeType: "updated", notificationUrl: world.webhook("renewal"), lifetimeMinutes: 180, renewBeforeMinutes: 60 },
  };
  expectExit(await stack.up(specs), 0);
  const { users: id } = await stack.stateIds();
  // The other scenarios of this file expect Graph's clock to agree with this machine's.
  afterClockTest = () => world.admin.setClock(new Date());
  const created = Date.parse(world.admin.getSubscription(id)!.expirationDateTime);
  expect(Math.abs(created - (world.admin.now().getTime() + minutes(180)))).toBeLessThan(minutes(2));

  // 80 minutes left: more than renewBeforeMinutes, so nothing to do.
  world.admin.advanceClock(100);
  world.admin.clearRequestLog();
  expectExit(await stack.up(specs, { refresh: true }), 0);
  expect(world.subscriptionRequests().filter((r) => r.method !== "GET")).toEqual([]);
  expect(Date.parse(world.admin.getSubscription(id)!.expirationDateTime)).toBe(created);

  // 50 minutes left: renewal is due.
  world.admin.advanceClock(30);
  world.admin.clearRequestLog();
  expectExit(await stack.up(specs, { refresh: true }), 0);
  const writes = world.subscriptionRequests().filter((r) => r.method !== "GET");
  expect(describeRequests(writes)).toEqual([`PATCH /v1.0/subscriptions/${id} -> 200`]);
  expect(Object.keys(writes[0].requestBody as object)).toEqual(["expirationDateTime"]);
  const renewed = Date.parse(world.admin.getSubscription(id)!.expirationDateTime);
  expect(Math.abs(renewed - (world.admin.now().getTime() + minutes(180)))).toBeLessThan(minutes(2));
  expect(await stack.stateIds()).toEqual({ users: id });

  // Renewed: the next run has nothing to do again.
  world.admin.clearRequestLog();
  expectExit(await stack.up(specs, { refresh: true, expectNoChanges: true }), 0);
  expect(world.subscriptionRequests().filter((r) => r.method !== "GET")).toEqual([]);

  expectExit(await stack.destroy(), 0);
});

it("8. changing reauthorizeTrigger reauthorizes in place; `msgraph-subscriptions reauthorize <id>` works on the stack's subscription", async () => {
  const stack = world.stack("reauthorize");
  const specs = (trigger: string): SubscriptionSpecs => ({
    channel: {
      resource: "teams/2f1e0d9c-8b7a-4c6d-9e5f-4a3b2c1d0e9f/channels/19:general@thread.tacv2/messages",
      changeType: "created",
      notificationUrl: world.webhook("channel"),
      lifecycleNotificationUrl: world.webhook("lifecycle"),
      lifetimeMinutes: 120,
      reauthorizeTrigger: trigger,
    },
  });
  expectExit(await stack.up(specs("2026-11")), 0);
  const { channel: id } = await stack.stateIds();
  expect(world.admin.getSubscription(id)?.lastReauthorizedDateTime).toBeNull();

  world.admin.clearRequestLog();
  const up = await stack.up(specs("2026-12"));
  expectExit(up, 0);
  const writes = world.subscriptionRequests().filter((r) => r.method !== "GET");
  expect(describeRequests(writes)).toEqual([`POST /v1.0/subscriptions/${id}/reauthorize -> 204`]);
  const first = world.admin.getSubscription(id)?.lastReauthorizedDateTime;
  expect(first).toEqual(expect.any(String));
  expect(await stack.stateIds()).toEqual({ channel: id });

  // The command line, with the same settings from the environment.
  world.admin.advanceClock(5);
  world.admin.clearRequestLog();
  const cli = await runProcess(nodeBinary, [cliScript, "reauthorize", id], {
    cwd: repoRoot,
    env: { ...process.env, ...world.graphEnv() },
  });
  expect({ code: cli.code, output: cli.output }).toEqual({ code: 0, output: expect.any(String) });
  expect(describeRequests(world.subscriptionRequests())).toEqual([`POST /v1.0/subscriptions/${id}/reauthorize -> 204`]);
  const second = world.admin.getSubscription(id)?.lastReauthorizedDateTime;
  expect(Date.parse(second!)).toBeGreaterThan(Date.parse(first!));

  // The stack does not see the command-line reauthorization as a change.
  expectExit(await stack.preview(specs("2026-12"), { refresh: true, expectNoChanges: true, diff: true }), 0);
  expectExit(await stack.destroy(), 0);
});
