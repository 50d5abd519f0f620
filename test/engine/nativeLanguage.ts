/**
 * Issue 18 §5: the native provider, driven through plain `pulumi` by a Python, Go or YAML program against the
 * emulator, behaves as the TypeScript resource does. One suite per language (native.<language>.test.ts), the
 * same steps on one stack, in order: each step starts from what the one before left.
 */
import { describeRequests, expectExit, startWorld, type EngineStack, type ProgramLanguage, type SubscriptionSpecs, type World } from "./harness";

type NativeLanguage = Exclude<ProgramLanguage, "nodejs">;

const minutes = (n: number) => n * 60_000;
const writes = (world: World) => world.subscriptionRequests().filter((r) => r.method !== "GET");
/** Pulumi prints a check failure as `property <name> value <v> has a problem: <reason>`. */
const problemLine = (output: string) => /property \S+ value .* has a problem: .*/.exec(output)?.[0];

export function nativeLanguageSuite(language: NativeLanguage, options: { reauthorize: boolean }): void {
  let world: World;
  let stack: EngineStack;
  let ids: Record<string, string>;
  const clientState = `${language}-client-state-7Kq9wZ`;

  beforeAll(async () => {
    world = await startWorld();
    stack = world.stack(`native-${language}`, { language });
  });
  afterAll(async () => {
    await world?.close(); // fails when a secret appears in any transcript or state file
  });

  interface Changes {
    usersUrl?: string;
    groupsChangeType?: string;
    groupsClientState?: string;
    usersLifetime?: number;
  }
  const rotated = `${clientState}-rotated`;
  /** Where the changes below leave the program. */
  const settled = (): Changes => ({ usersUrl: world.webhook(`${language}-users-moved`), groupsChangeType: "updated", groupsClientState: rotated });
  const specs = (changes: Changes = {}): SubscriptionSpecs => ({
    groups: {
      resource: "groups",
      changeType: changes.groupsChangeType ?? "updated,deleted",
      notificationUrl: world.webhook(`${language}-groups`),
      clientState: changes.groupsClientState ?? clientState,
    },
    users: {
      resource: "users",
      changeType: "updated",
      notificationUrl: changes.usersUrl ?? world.webhook(`${language}-users`),
      lifetimeMinutes: changes.usersLifetime ?? 180,
      renewBeforeMinutes: 60,
    },
  });

  it(`${language}: up creates both subscriptions with one POST each; clientState is ciphertext in state and the secret round-trips`, async () => {
    world.admin.clearRequestLog();
    expectExit(await stack.up(specs()), 0);
    expect(describeRequests(writes(world))).toEqual(["POST /v1.0/subscriptions -> 201", "POST /v1.0/subscriptions -> 201"]);
    ids = await stack.stateIds();
    expect(Object.keys(ids).sort()).toEqual(["groups", "users"]);
    expect(world.admin.getSubscription(ids.groups)?.clientState).toBe(clientState);

    const state = JSON.parse(await stack.exportState());
    const groups = state.deployment.resources.find((r: { urn: string }) => r.urn.endsWith("::groups"));
    expect(groups.type).toBe("msgraph-subscriptions:index:Subscription");
    for (const side of [groups.inputs, groups.outputs]) expect(side.clientState).toEqual({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) });
    expect(JSON.stringify(state)).not.toContain(clientState);
    // The ownership mark comes from the URN, as the TypeScript class derives it from project, stack and name.
    expect(groups.inputs.ownerMark).toMatch(/^\d{7}$/);
    expect((await stack.outputs()).groups.clientState).toBe(clientState);
  });

  it(`${language}: preview --expect-no-changes exits 0 and writes nothing`, async () => {
    world.admin.clearRequestLog();
    expectExit(await stack.preview(specs(), { expectNoChanges: true }), 0);
    expect(writes(world)).toEqual([]);
  });

  it(`${language}: a notificationUrl change is one PATCH of that property`, async () => {
    world.admin.clearRequestLog();
    expectExit(await stack.up(specs({ usersUrl: world.webhook(`${language}-users-moved`) })), 0);
    expect(describeRequests(writes(world))).toEqual([`PATCH /v1.0/subscriptions/${ids.users} -> 200`]);
    expect(writes(world)[0]!.requestBody).toEqual({ notificationUrl: world.webhook(`${language}-users-moved`) });
    expect(await stack.stateIds()).toEqual(ids);
  });

  // Graph refuses a second subscription with the same resource and changeType (409), so a replacement that keeps
  // both must delete first; one with a new changeType creates first and notifications never stop (compare.ts,
  // sameTarget). The TypeScript resource does the same (replace.test.ts).
  it(`${language}: a changeType change replaces, creating the new subscription before deleting the old one`, async () => {
    world.admin.clearRequestLog();
    expectExit(await stack.up(specs({ usersUrl: world.webhook(`${language}-users-moved`), groupsChangeType: "updated" })), 0);
    expect(describeRequests(writes(world))).toEqual(["POST /v1.0/subscriptions -> 201", `DELETE /v1.0/subscriptions/${ids.groups} -> 204`]);
    const after = await stack.stateIds();
    expect(after.users).toBe(ids.users);
    expect(after.groups).not.toBe(ids.groups);
    expect(world.admin.getSubscription(after.groups)).toMatchObject({ resource: "groups", changeType: "updated", clientState });
    ids = after;
  });

  it(`${language}: a clientState change keeps resource and changeType, so the replacement deletes before it creates`, async () => {
    world.admin.clearRequestLog();
    expectExit(await stack.up(specs(settled())), 0);
    expect(describeRequests(writes(world))).toEqual([`DELETE /v1.0/subscriptions/${ids.groups} -> 204`, "POST /v1.0/subscriptions -> 201"]);
    const after = await stack.stateIds();
    expect(world.admin.getSubscription(after.groups)?.clientState).toBe(rotated);
    ids = after;
  });

  it(`${language}: an invalid lifetime fails preview with the TypeScript resource's message (property, value, rule, fix), and nothing is written`, async () => {
    const invalid = specs({ ...settled(), usersLifetime: 100_000 });
    world.admin.clearRequestLog();
    const preview = await stack.preview(invalid);
    expect(preview.code).not.toBe(0);
    expect(writes(world)).toEqual([]);
    const native = problemLine(preview.output);
    expect(native).toMatch(/^property lifetimeMinutes value \{100000\} has a problem: .*/);

    const typescript = world.stack(`native-${language}-typescript-twin`);
    const twin = await typescript.preview({ users: invalid.users! });
    expect(twin.code).not.toBe(0);
    expect(native).toBe(problemLine(twin.output));
  });

  it(`${language}: drift made behind Pulumi's back exits 7 on preview --refresh --expect-no-changes; up --refresh repairs it with one PATCH`, async () => {
    const current = specs(settled());
    world.admin.updateSubscription(ids.users, { notificationUrl: world.webhook("somewhere-else") });
    world.admin.clearRequestLog();
    expectExit(await stack.preview(current, { refresh: true, expectNoChanges: true }), 7);
    expect(writes(world)).toEqual([]);
    expectExit(await stack.up(current, { refresh: true }), 0);
    expect(describeRequests(writes(world))).toEqual([`PATCH /v1.0/subscriptions/${ids.users} -> 200`]);
    expect(world.admin.getSubscription(ids.users)?.notificationUrl).toBe(world.webhook(`${language}-users-moved`));
  });

  it(`${language}: up --refresh renews a subscription whose expiry is near once the emulator's clock moves, with one PATCH of expirationDateTime`, async () => {
    const current = specs(settled());
    world.admin.advanceClock(130); // 50 of the users subscription's 180 minutes left: under renewBeforeMinutes (60)
    world.admin.clearRequestLog();
    expectExit(await stack.up(current, { refresh: true }), 0);
    const patches = writes(world);
    expect(describeRequests(patches)).toEqual([`PATCH /v1.0/subscriptions/${ids.users} -> 200`]);
    expect(Object.keys(patches[0]!.requestBody as object)).toEqual(["expirationDateTime"]);
    const renewed = Date.parse(world.admin.getSubscription(ids.users)!.expirationDateTime);
    expect(Math.abs(renewed - (world.admin.now().getTime() + minutes(180)))).toBeLessThan(minutes(2));
    expectExit(await stack.preview(current, { refresh: true, expectNoChanges: true }), 0);
  });

  if (options.reauthorize) {
    it(`${language}: the reauthorize function posts /reauthorize for the subscription on up, and not on preview`, async () => {
      world.admin.advanceClock(11); // Graph asks for ten minutes between a PATCH and a reauthorize
      const current = specs(settled());
      const withCall = { ...current, users: { ...current.users, reauthorize: true } };
      world.admin.clearRequestLog();
      expectExit(await stack.preview(withCall, { expectNoChanges: true }), 0);
      expect(world.subscriptionRequests().filter((r) => r.method === "POST")).toEqual([]);
      expectExit(await stack.up(withCall), 0);
      expect(describeRequests(writes(world))).toEqual([`POST /v1.0/subscriptions/${ids.users}/reauthorize -> 204`]);
      expect((await stack.outputs()).users.reauthorizedThrough).toBe("v1.0");
    });
  }

  it(`${language}: destroy deletes every subscription and leaves the emulator empty`, async () => {
    expectExit(await stack.destroy(), 0);
    expect(world.admin.listSubscriptions()).toEqual([]);
    expect(await stack.stateIds()).toEqual({});
  });
}
