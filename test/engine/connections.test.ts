/**
 * Issue 12, point 1, through the real Pulumi CLI: several tenants and apps in one stack. Two emulator tenants
 * and three app registrations: the stack's own (msgraph:* config), an app in a second tenant used by two
 * subscriptions, and a second app in the stack's tenant whose connection the program passes as one secret
 * Output. Each subscription must be created, read, repaired and deleted by its own app in its own tenant (an
 * app sees only its own subscriptions, so a wrong connection would find nothing), each connection must ask
 * the authority for one token per provider process, and no client secret may reach the CLI's output or the state.
 */
import { describeRequests, expectExit, startWorld, type Client, type EngineStack, type LogEntry, type SubscriptionSpecs, type World } from "./harness";

const tenantB = "7c1f4a2e-9b3d-4e6f-8a5c-2d0e1f3b4a5c";

let world: World;
let stackApp: Client;
let tenantBApp: Client;
let secondApp: Client;
beforeAll(async () => {
  world = await startWorld({
    clients: [{}, { tenantId: tenantB, displayName: "tenant B app" }, { displayName: "second app in the stack's tenant" }],
  });
  [stackApp, tenantBApp, secondApp] = world.emulator.clients;
});
afterAll(async () => {
  await world?.close();
});

/** A connection to the emulator as the given app (its secret goes to secret stack config, see the harness). */
function connectionOf(client: Client): Record<string, unknown> {
  return { tenantId: client.tenantId, clientId: client.clientId, clientSecret: client.clientSecret, endpoint: world.emulator.url, authorityHost: world.emulator.url };
}

function specs(): SubscriptionSpecs {
  return {
    // The stack's msgraph:* settings: no connection.
    home: { resource: "groups", changeType: "updated", notificationUrl: world.webhook("home") },
    // The same resource and change type as `home`: Graph's 409 for duplicates is per app and tenant.
    "b-groups": { resource: "groups", changeType: "updated", notificationUrl: world.webhook("b-groups"), connection: connectionOf(tenantBApp) },
    "b-users": { resource: "users", changeType: "updated", notificationUrl: world.webhook("b-users"), connection: connectionOf(tenantBApp) },
    "a2-groups": {
      resource: "groups",
      changeType: "updated",
      notificationUrl: world.webhook("a2-groups"),
      connection: connectionOf(secondApp),
      connectionAsOutput: true,
    },
  };
}

/** Token requests by client id, with the tenant each went to. */
function tokenRequests(): Record<string, string[]> {
  const byClient: Record<string, string[]> = {};
  for (const entry of world.admin.requestLog().filter((e: LogEntry) => /\/oauth2\/v2\.0\/token/.test(e.path))) {
    const clientId = String((entry.requestBody as Record<string, unknown> | null)?.client_id);
    (byClient[clientId] ??= []).push(entry.path.split("/")[1]!);
  }
  return byClient;
}

describe("one stack, two tenants, three apps", () => {
  let engine: EngineStack;
  let ids: Record<string, string>;

  it("creates each subscription as its own app in its own tenant, asking for one token per connection", async () => {
    engine = world.stack("connections");
    world.admin.clearRequestLog();
    expectExit(await engine.up(specs()), 0);
    ids = await engine.stateIds();
    expect(Object.keys(ids).sort()).toEqual(["a2-groups", "b-groups", "b-users", "home"]);

    const owner = (name: string) => {
      const subscription = world.admin.getSubscription(ids[name]!);
      return { tenantId: subscription?.tenantId, applicationId: subscription?.applicationId };
    };
    expect(owner("home")).toEqual({ tenantId: stackApp.tenantId, applicationId: stackApp.clientId });
    expect(owner("b-groups")).toEqual({ tenantId: tenantB, applicationId: tenantBApp.clientId });
    expect(owner("b-users")).toEqual({ tenantId: tenantB, applicationId: tenantBApp.clientId });
    expect(owner("a2-groups")).toEqual({ tenantId: stackApp.tenantId, applicationId: secondApp.clientId });
    const outputs = await engine.outputs();
    expect(outputs["b-users"].applicationId).toBe(tenantBApp.clientId);

    // One provider process (up --skip-preview), one token per connection: the two tenant-B subscriptions share theirs.
    expect(tokenRequests()).toEqual({
      [stackApp.clientId]: [stackApp.tenantId],
      [tenantBApp.clientId]: [tenantB],
      [secondApp.clientId]: [secondApp.tenantId],
    });
  });

  it("keeps each client secret a Pulumi secret in inputs and outputs, and the rest of the connection readable", async () => {
    const state = JSON.parse(await engine.exportState());
    const resource = (name: string) => state.deployment.resources.find((r: { urn: string }) => r.urn.endsWith(`::${name}`));
    const secretSignature = "4dabf18193072939515e22adb298388d";
    for (const part of ["inputs", "outputs"] as const) {
      const connection = resource("b-users")[part].connection;
      expect(connection.tenantId).toBe(tenantB);
      expect(connection.clientId).toBe(tenantBApp.clientId);
      expect(connection.clientSecret).toEqual(expect.objectContaining({ [secretSignature]: expect.any(String), ciphertext: expect.any(String) }));
      // Given as one secret Output, the whole connection is kept secret.
      expect(resource("a2-groups")[part].connection).toEqual(expect.objectContaining({ [secretSignature]: expect.any(String) }));
      expect(resource("home")[part].connection).toBeUndefined();
    }
    // The serialized provider names the package and holds nothing of any connection.
    for (const client of [tenantBApp, secondApp]) expect(resource("b-users").inputs.__provider).not.toContain(client.clientId);
    // World.close also searches every state file and transcript for each client's secret.
    for (const client of world.emulator.clients) expect(JSON.stringify(state)).not.toContain(client.clientSecret);
  });

  it("reads each subscription through its own connection: no drift, then drift in tenant B shows up as an update", async () => {
    // A read through the wrong app would find nothing, and the preview would propose to create it again.
    expectExit(await engine.preview(specs(), { refresh: true, expectNoChanges: true }), 0);

    world.admin.updateSubscription(ids["b-users"]!, { notificationUrl: world.webhook("somewhere-else") });
    world.admin.clearRequestLog();
    const preview = await engine.preview(specs(), { refresh: true, expectNoChanges: true, diff: true });
    expectExit(preview, 7);
    expect(preview.output).toMatch(/notificationUrl/);
    expect(preview.output).toMatch(/1 to update/);
    expect(preview.output).not.toMatch(/to create|to replace|to delete/);
    expect(world.subscriptionRequests().filter((r) => r.method !== "GET")).toEqual([]);

    world.admin.clearRequestLog();
    expectExit(await engine.up(specs(), { refresh: true }), 0);
    const writes = world.subscriptionRequests().filter((r) => r.method !== "GET");
    expect(describeRequests(writes)).toEqual([`PATCH /v1.0/subscriptions/${ids["b-users"]} -> 200`]);
    expect(world.admin.getSubscription(ids["b-users"]!)?.notificationUrl).toBe(world.webhook("b-users"));
    expect(await engine.stateIds()).toEqual(ids);
    expectExit(await engine.preview(specs(), { refresh: true, expectNoChanges: true }), 0);
  });

  it("destroys every subscription through the app that owns it", async () => {
    world.admin.clearRequestLog();
    expectExit(await engine.destroy(), 0);
    const deletes = world.subscriptionRequests().filter((r) => r.method === "DELETE");
    // 204 each: a DELETE through another app would be answered 404 and leave the subscription behind.
    expect(deletes.map((r) => r.status)).toEqual([204, 204, 204, 204]);
    expect(world.admin.listSubscriptions()).toEqual([]);
    expect(tokenRequests()).toEqual({
      [stackApp.clientId]: [stackApp.tenantId],
      [tenantBApp.clientId]: [tenantB],
      [secondApp.clientId]: [secondApp.tenantId],
    });
  });
});

it("refuses an invalid connection at preview, naming the field, its value, the rule and the fix, never the secret", async () => {
  const stack = world.stack("bad-connection");
  const bad: SubscriptionSpecs = {
    typo: {
      resource: "groups",
      changeType: "updated",
      notificationUrl: world.webhook("typo"),
      connection: { ...connectionOf(tenantBApp), tenantId: "contoso corp" },
    },
  };
  world.admin.clearRequestLog();
  const preview = await stack.preview(bad);
  expect(preview.code).not.toBe(0);
  expect(preview.output).toMatch(/connection\.tenantId: 'contoso corp' is not a tenant: give the directory \(tenant\) id/);
  expect(preview.output).not.toContain(tenantBApp.clientSecret);
  expect(tokenRequests()).toEqual({});
});
