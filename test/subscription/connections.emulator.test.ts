import * as path from "node:path";
import * as tls from "node:tls";
import { startEmulator, startWebhookReceiver, type RunningEmulator, type RunningReceiver } from "../../emulator";
import type { EmulatorClient } from "../../emulator/clients";
import { resolveSettings } from "../../provider/graph/settings";
import { ConfiguredContext, ProviderContext } from "../../provider/subscription/context";
import { SubscriptionProvider } from "../../provider/subscription/implementation";
import type { ConnectionInput } from "../../provider/schema";
import { closeAll, serverHookTimeoutMs } from "../hooks";
import { watchSecrets } from "../secretWatch";

/**
 * The provider context's per-connection clients against the emulator (real HTTPS, the real @azure/identity
 * flow): one Graph client, token cache, throttle gate and clock per connection, and a subscription in a second
 * tenant managed through its own connection from create to delete.
 */
const stateDir = process.env.MSGRAPH_EMULATOR_STATE_DIR ?? path.join(__dirname, "..", "..", ".emulator", "test");
const tenantB = "7c1f4a2e-9b3d-4e6f-8a5c-2d0e1f3b4a5c";
let emulator: RunningEmulator;
let receiver: RunningReceiver;
let stackApp: EmulatorClient;
let tenantBApp: EmulatorClient;
let secondApp: EmulatorClient;

beforeAll(async () => {
  emulator = await startEmulator({ stateDir, clients: [{}, { tenantId: tenantB }, { displayName: "second app" }], validationTimeoutMs: 2_000 });
  receiver = await startWebhookReceiver({ stateDir });
  [stackApp, tenantBApp, secondApp] = emulator.clients as [EmulatorClient, EmulatorClient, EmulatorClient];
  watchSecrets(...emulator.clients.map((client) => client.clientSecret), "revoked-secret-3c9a");
  // Node reads NODE_EXTRA_CA_CERTS at start-up only; trust the emulator's CA for this worker too.
  tls.setDefaultCACertificates([...tls.getCACertificates("default"), emulator.caPem]);
}, serverHookTimeoutMs);

afterAll(() => closeAll(receiver, emulator), serverHookTimeoutMs);

beforeEach(() => emulator.admin.reset());

function connectionOf(client: EmulatorClient): ConnectionInput {
  return { tenantId: client.tenantId, clientId: client.clientId, clientSecret: client.clientSecret, endpoint: emulator.url, authorityHost: emulator.url };
}

/** A provider process's context, signed in as the stack's app through msgraph:* settings. */
function stackContext(): ProviderContext {
  const config: Record<string, string> = {
    "msgraph:endpoint": emulator.url,
    "msgraph:authorityHost": emulator.url,
    "msgraph:tenantId": stackApp.tenantId,
    "msgraph:clientId": stackApp.clientId,
    "msgraph:clientSecret": stackApp.clientSecret,
  };
  return ProviderContext.fromSettings(resolveSettings((key) => config[key], {}));
}

/** Token requests the emulator answered, as "<tenant> <client id>". */
function tokenRequests(): string[] {
  return emulator.admin
    .requestLog()
    .filter((entry) => /\/oauth2\/v2\.0\/token/.test(entry.path))
    .map((entry) => `${entry.path.split("/")[1]} ${(entry.requestBody as Record<string, string>).client_id}`)
    .sort();
}

const graphRequests = () => emulator.admin.requestLog().filter((entry) => /^\/(v1\.0|beta)\//.test(entry.path));

describe("ProviderContext", () => {
  it("keeps one connection per app and tenant: equal connections share it, others and the stack's do not", async () => {
    const context = stackContext();
    const b = context.connection(connectionOf(tenantBApp));
    expect(context.connection({ ...connectionOf(tenantBApp), endpoint: `${emulator.url}/` })).toBe(b);
    expect(context.connection(connectionOf(secondApp))).not.toBe(b);
    expect(context.connection()).not.toBe(b);
    expect(context.connection()).toBe(context.connection());
    expect(context.connectionCount).toBe(2);
    expect(await context.graph(connectionOf(tenantBApp))).toBe(await b.graph());
  });

  it("gives each connection its own throttle gate and clock, so one app's throttling never holds up another's", async () => {
    const context = stackContext();
    const [stack, b, second] = await Promise.all([context.graph(), context.graph(connectionOf(tenantBApp)), context.graph(connectionOf(secondApp))]);
    b.gate.pause(30);
    expect(b.gate.remainingMs()).toBeGreaterThan(29_000);
    expect(stack.gate.remainingMs()).toBe(0);
    expect(second.gate.remainingMs()).toBe(0);
    expect(new Set([stack.clock, b.clock, second.clock]).size).toBe(3);
    expect(stack.clock).toBe(context.clock);
  });

  it("asks the authority once per connection, however many operations ask at once", async () => {
    const context = stackContext();
    const asks = [undefined, connectionOf(tenantBApp), connectionOf(secondApp)].flatMap((connection) => Array.from({ length: 10 }, () => context.tokenPermissions(connection)));
    const granted = await Promise.all(asks);
    expect(granted.every((permissions) => permissions?.permissionType === "application")).toBe(true);
    expect(tokenRequests()).toEqual(
      [`${stackApp.tenantId} ${stackApp.clientId}`, `${tenantB} ${tenantBApp.clientId}`, `${secondApp.tenantId} ${secondApp.clientId}`].sort(),
    );
  });

  it("gives a rotated secret its own connection, and keys connections without any secret in the clear", () => {
    const context = stackContext();
    const current = context.connection(connectionOf(tenantBApp));
    const revoked = context.connection({ ...connectionOf(tenantBApp), clientSecret: "revoked-secret-3c9a" });
    expect(revoked).not.toBe(current);
    const keys = [...(context as unknown as { connections: Map<string, unknown> }).connections.keys()].join("\n");
    expect(keys).toContain(tenantB);
    expect(keys).not.toContain(tenantBApp.clientSecret);
    expect(keys).not.toContain("revoked-secret-3c9a");
  });

  it("refuses a stored connection that cannot be used, naming the field and hiding the secret", () => {
    const context = stackContext();
    const broken = { ...connectionOf(tenantBApp), tenantId: "not a tenant" };
    expect(() => context.connection(broken)).toThrow(/^this resource's connection cannot be used: connection\.tenantId: 'not a tenant' is not a tenant/);
    // The secret pasted into the tenant id by mistake is still the secret.
    expect(() => context.connection({ ...connectionOf(tenantBApp), tenantId: tenantBApp.clientSecret })).toThrow(/connection\.tenantId: '\(hidden\)' is not a tenant/);
  });
});

describe("a subscription in another tenant", () => {
  const mail = () => ({
    resource: "users/0a1b2c3d-0000-4000-8000-000000000001/messages",
    changeType: "created",
    notificationUrl: `${receiver.url}/tenant-b`,
    lifetimeMinutes: 600,
    renewBeforeMinutes: 60,
    connection: connectionOf(tenantBApp),
  });

  it("is created, read, kept on a rotated secret without any Graph call, and deleted, each through its own connection", async () => {
    const provider = new SubscriptionProvider(new ConfiguredContext(stackContext()));
    const checked = await provider.check({}, mail());
    expect(checked.failures ?? []).toEqual([]);
    const created = await provider.create(checked.inputs!);
    expect(emulator.admin.getSubscription(created.id)).toMatchObject({ tenantId: tenantB, applicationId: tenantBApp.clientId });
    expect(created.outs).toMatchObject({ applicationId: tenantBApp.clientId, connection: connectionOf(tenantBApp) });

    const read = await provider.read(created.id, created.outs!);
    expect(read).toMatchObject({ id: created.id, props: { applicationId: tenantBApp.clientId }, inputs: { connection: connectionOf(tenantBApp) } });

    // The state still holds a secret since revoked; the program holds the current one.
    const stale = { ...created.outs, connection: { ...connectionOf(tenantBApp), clientSecret: "revoked-secret-3c9a" } };
    expect(await provider.diff(created.id, stale, checked.inputs!)).toEqual({ changes: true });
    emulator.admin.clearRequestLog();
    const updated = await provider.update(created.id, stale, checked.inputs!);
    expect(graphRequests()).toEqual([]);
    expect(updated.outs).toMatchObject({ connection: connectionOf(tenantBApp), expirationDateTime: created.outs!.expirationDateTime });

    emulator.admin.clearRequestLog();
    await provider.delete(created.id, updated.outs!);
    expect(graphRequests().map((entry) => `${entry.method} ${entry.status}`)).toEqual(["DELETE 204"]);
    expect(emulator.admin.getSubscription(created.id)).toBeUndefined();
  });

  it("is invisible to the stack's app, which is why read and delete take the connection from the state", async () => {
    const provider = new SubscriptionProvider(new ConfiguredContext(stackContext()));
    const created = await provider.create((await provider.check({}, mail())).inputs!);
    const { connection: _connection, ...withoutConnection } = created.outs!;
    expect(await provider.read(created.id, withoutConnection)).toEqual({});
    expect(emulator.admin.getSubscription(created.id)).toBeDefined();
    await provider.delete(created.id, created.outs!);
    expect(emulator.admin.getSubscription(created.id)).toBeUndefined();
  });
});
