/**
 * Issue 18 §1 through a Python program: the native provider reaches a second tenant both ways a user can ask for
 * it, an explicit provider resource (`msgraph.Provider("tenant-b", ...)`) and a per-resource `connection`, beside
 * the stack's default provider. Each subscription is created, refreshed and deleted by its own app in its own
 * tenant (an app sees only its own subscriptions, so a wrong connection would find nothing), and neither client
 * secret reaches the CLI's output or the state in plain text (world.close checks).
 */
import { describeRequests, expectExit, startWorld, type Client, type SubscriptionSpecs, type World } from "./harness";

const tenantB = "7c1f4a2e-9b3d-4e6f-8a5c-2d0e1f3b4a5c";

let world: World;
let stackApp: Client;
let tenantBApp: Client;
beforeAll(async () => {
  world = await startWorld({ clients: [{}, { tenantId: tenantB, displayName: "tenant B app" }] });
  [stackApp, tenantBApp] = world.emulator.clients;
});
afterAll(async () => {
  await world?.close();
});

it("python: an explicit Provider for tenant B and a per-resource connection each create, refresh and delete in their own tenant", async () => {
  const tenantBSettings = { tenantId: tenantBApp.tenantId, clientId: tenantBApp.clientId, endpoint: world.emulator.url, authorityHost: world.emulator.url };
  world.secrets.add(tenantBApp.clientSecret);
  const stack = world.stack("native-tenants", {
    language: "python",
    config: { providers: { "tenant-b": tenantBSettings }, providerSecrets: { secret: { "tenant-b": tenantBApp.clientSecret } } },
  });
  // The same resource and changeType three times: Graph's 409 for duplicates is per app and tenant.
  const specs: SubscriptionSpecs = {
    home: { resource: "groups", changeType: "updated", notificationUrl: world.webhook("home") },
    viaProvider: { resource: "groups", changeType: "updated", notificationUrl: world.webhook("via-provider"), provider: "tenant-b" },
    viaConnection: {
      resource: "users",
      changeType: "updated",
      notificationUrl: world.webhook("via-connection"),
      connection: { ...tenantBSettings, clientSecret: tenantBApp.clientSecret },
    },
  };
  expectExit(await stack.up(specs), 0);
  const ids = await stack.stateIds();
  const owner = (id: string) => world.admin.getSubscription(id)?.applicationId;
  expect({ home: owner(ids.home!), viaProvider: owner(ids.viaProvider!), viaConnection: owner(ids.viaConnection!) }).toEqual({
    home: stackApp.clientId,
    viaProvider: tenantBApp.clientId,
    viaConnection: tenantBApp.clientId,
  });

  // The Provider's client secret is stored encrypted, as the connection's is.
  const state = JSON.parse(await stack.exportState());
  const provider = state.deployment.resources.find((r: { type: string; urn: string }) => r.type === "pulumi:providers:msgraph-subscriptions" && r.urn.endsWith("::tenant-b"));
  expect(provider.inputs.clientSecret).toEqual({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) });

  // Refresh reads each through its own app: nothing drifts, nothing is written.
  world.admin.clearRequestLog();
  expectExit(await stack.preview(specs, { refresh: true, expectNoChanges: true }), 0);
  expect(world.subscriptionRequests().filter((r) => r.method !== "GET")).toEqual([]);

  world.admin.clearRequestLog();
  expectExit(await stack.destroy(), 0);
  expect(describeRequests(world.subscriptionRequests()).sort()).toEqual(Object.values(ids).map((id) => `DELETE /v1.0/subscriptions/${id} -> 204`).sort());
  expect(world.admin.listSubscriptions()).toEqual([]);
});

it("python: an explicit Provider with an invalid setting fails preview naming the setting, its value and the rule, and sends nothing to Graph", async () => {
  const stack = world.stack("native-bad-provider", {
    language: "python",
    config: {
      providers: { "tenant-b": { tenantId: tenantBApp.tenantId, clientId: tenantBApp.clientId, endpoint: world.emulator.url, authorityHost: world.emulator.url, cloud: "mars" } },
      providerSecrets: { secret: { "tenant-b": tenantBApp.clientSecret } },
    },
  });
  world.admin.clearRequestLog();
  const preview = await stack.preview({ viaProvider: { resource: "groups", changeType: "updated", notificationUrl: world.webhook("bad"), provider: "tenant-b" } });
  expect(preview.code).not.toBe(0);
  expect(preview.output).toMatch(/msgraph-subscriptions:cloud \(or MSGRAPH_CLOUD\) = "mars": .*global.*usgov-l4.*china/);
  expect(world.subscriptionRequests()).toEqual([]);
});
