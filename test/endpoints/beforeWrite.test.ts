import { startEmulator, startWebhookReceiver, type RunningEmulator, type RunningReceiver } from "../../emulator";
import { EndpointCheckError } from "../../provider/errors";
import { resolveSettings } from "../../provider/graph/settings";
import { SubscriptionProvider } from "../../provider/subscription/implementation";
import { emulatorConfig, stateDir, trustCertificateAuthority } from "../emulator/support";
import { closeAll, serverHookTimeoutMs } from "../hooks";
import { watchSecrets } from "../secretWatch";

/**
 * msgraph:checkEndpoints in the provider's create and update, without the engine: with the setting on, a
 * failing endpoint fails the operation before anything is sent to Graph; Event Hubs and Event Grid
 * addresses are not checked; with it off (the default) Graph validates on its own, as before.
 */
let emulator: RunningEmulator;
let receiver: RunningReceiver;

beforeAll(async () => {
  emulator = await startEmulator({ stateDir, validationTimeoutMs: 2_000 });
  receiver = await startWebhookReceiver({ stateDir });
  trustCertificateAuthority(emulator.caPem);
  watchSecrets(...emulator.clients.map((client) => client.clientSecret));
}, serverHookTimeoutMs);

afterAll(() => closeAll(receiver, emulator), serverHookTimeoutMs);

beforeEach(() => emulator.admin.reset());

function provider(checkEndpoints?: string): SubscriptionProvider {
  const config = emulatorConfig(emulator, { "msgraph:checkEndpoints": checkEndpoints });
  return SubscriptionProvider.withSettings(resolveSettings((key) => config[key], {}));
}

const groups = (notificationUrl: string) => ({ resource: "groups", changeType: "updated", notificationUrl, lifetimeMinutes: 600 });

/** Writes to Graph's subscriptions API (POST, PATCH, DELETE) since the last reset. */
const graphWrites = () => emulator.admin.requestLog().filter((entry) => /^\/(v1\.0|beta)\/subscriptions/.test(entry.path) && entry.method !== "GET");

async function checked(lifecycle: SubscriptionProvider, inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await lifecycle.check({}, inputs);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}

describe("create with msgraph:checkEndpoints", () => {
  it.each([
    ["an empty echo", "/empty-token", /notificationUrl https:\/\/localhost:\d+\/empty-token answered 200 with an empty body/],
    ["a 500", "/reject", /notificationUrl https:\/\/localhost:\d+\/reject answered 500 instead of 200 OK/],
  ])("fails before any POST when the endpoint gives %s", async (_name, path, message) => {
    const lifecycle = provider("true");
    const error = await lifecycle.create(await checked(lifecycle, groups(`${receiver.url}${path}`))).catch((caught: unknown) => caught);
    expect(EndpointCheckError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect(graphWrites()).toEqual([]);
    expect(emulator.admin.listSubscriptions()).toEqual([]);
  });

  it("checks lifecycleNotificationUrl too", async () => {
    const lifecycle = provider("true");
    const inputs = { ...groups(`${receiver.url}/notifications`), lifecycleNotificationUrl: `${receiver.url}/wrong-content-type` };
    await expect(lifecycle.create(await checked(lifecycle, inputs))).rejects.toThrow(/lifecycleNotificationUrl https:\/\/localhost:\d+\/wrong-content-type answered with Content-Type application\/json/);
    expect(graphWrites()).toEqual([]);
  });

  it("creates the subscription when the endpoint passes, after one request of its own and Graph's", async () => {
    const lifecycle = provider("true");
    const before = receiver.validations.length;
    const { id } = await lifecycle.create(await checked(lifecycle, groups(`${receiver.url}/fine`)));
    expect(emulator.admin.getSubscription(id)).toBeDefined();
    expect(receiver.validations.length - before).toBe(2);
  });

  it.each([
    ["EventHub", "EventHub:https://contoso.servicebus.windows.net/eventhubname/orders?tenantId=contoso.com"],
    ["EventGrid", "EventGrid:?azuresubscriptionid=8a8a8a8a-0000-0000-0000-000000000000&resourcegroup=rg&partnertopic=orders&location=westcentralus"],
  ])("skips the check for an %s address and creates the subscription", async (_kind, address) => {
    const lifecycle = provider("true");
    const before = receiver.validations.length;
    const { id } = await lifecycle.create(await checked(lifecycle, groups(address)));
    expect(emulator.admin.getSubscription(id)).toBeDefined();
    expect(receiver.validations.length).toBe(before);
  });

  it("is off by default: Graph's own validation then fails the create, with Graph's message", async () => {
    const lifecycle = provider();
    const before = receiver.validations.length;
    await expect(lifecycle.create(await checked(lifecycle, groups(`${receiver.url}/empty-token`)))).rejects.toThrow(
      /Subscription validation request failed\. Response must exactly match validationToken query parameter/,
    );
    expect(receiver.validations.length - before).toBe(1);
  });

  it("is read from MSGRAPH_CHECK_ENDPOINTS when stack config lacks it", () => {
    expect(resolveSettings(() => undefined, { MSGRAPH_CHECK_ENDPOINTS: "true" }).checkEndpoints).toBe(true);
    expect(resolveSettings(() => undefined, {}).checkEndpoints).toBe(false);
    expect(() => resolveSettings(() => undefined, { MSGRAPH_CHECK_ENDPOINTS: "sometimes" })).toThrow(/msgraph:checkEndpoints \(or MSGRAPH_CHECK_ENDPOINTS\) = "sometimes"/);
  });
});

describe("update with msgraph:checkEndpoints", () => {
  it("fails before the PATCH when a new notificationUrl fails the check, and leaves the subscription as it was", async () => {
    const lifecycle = provider("true");
    const inputs = await checked(lifecycle, groups(`${receiver.url}/fine`));
    const { id, outs } = await lifecycle.create(inputs);
    emulator.admin.clearRequestLog();
    const moved = await checked(lifecycle, groups(`${receiver.url}/reject`));
    await expect(lifecycle.update(id, outs, moved)).rejects.toThrow(/notificationUrl https:\/\/localhost:\d+\/reject answered 500 instead of 200 OK/);
    expect(graphWrites()).toEqual([]);
    expect(emulator.admin.getSubscription(id)?.notificationUrl).toBe(`${receiver.url}/fine`);
  });

  it("sends no validation request for an update that keeps notificationUrl", async () => {
    const lifecycle = provider("true");
    const { id, outs } = await lifecycle.create(await checked(lifecycle, groups(`${receiver.url}/fine`)));
    const before = receiver.validations.length;
    await lifecycle.update(id, outs, await checked(lifecycle, { ...groups(`${receiver.url}/fine`), lifetimeMinutes: 700 }));
    expect(receiver.validations.length).toBe(before);
  });
});
