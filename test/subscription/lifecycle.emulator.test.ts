import * as path from "node:path";
import * as tls from "node:tls";
import { SubscriptionProvider } from "../../provider/subscription/implementation";
import { resolveSettings } from "../../provider/graph/settings";
import { reauthorizeSubscription } from "../../provider/reauthorize";
import { startEmulator, startWebhookReceiver, type RunningEmulator, type RunningReceiver } from "../../emulator";
import { closeAll, serverHookTimeoutMs } from "../hooks";
import { watchSecrets } from "../secretWatch";
import { emulatorConfig } from "../emulator/support";

/**
 * The provider's lifecycle against the emulator: real HTTPS, the real @azure/identity
 * client-credentials flow, the real Graph client. Asserts on what the emulator holds and on what
 * the provider sent, not only on return values.
 */
const stateDir = process.env.MSGRAPH_EMULATOR_STATE_DIR ?? path.join(__dirname, "..", "..", ".emulator", "test");
let emulator: RunningEmulator;
let receiver: RunningReceiver;
/** A provider as one provider process has it; connectAs makes a new one, as a new process would. */
let lifecycle: SubscriptionProvider;
const clientState = "lifecycle-secret-5d1e";

function connectAs(clientIndex: number, overrides: Record<string, string> = {}) {
  const config = emulatorConfig(emulator, overrides, clientIndex);
  lifecycle = SubscriptionProvider.withSettings(resolveSettings((key) => config[key], {}));
}

beforeAll(async () => {
  emulator = await startEmulator({
    stateDir,
    clients: [{}, { permissions: ["User.Read.All"], displayName: "mail-less app" }],
    validationTimeoutMs: 2_000,
  });
  receiver = await startWebhookReceiver({ stateDir, slowDelayMs: 3_000 });
  watchSecrets(clientState, ...emulator.clients.map((c) => c.clientSecret));
  // Node reads NODE_EXTRA_CA_CERTS at start-up only; trust the emulator's CA for this worker too.
  tls.setDefaultCACertificates([...tls.getCACertificates("default"), emulator.caPem]);
}, serverHookTimeoutMs);

afterAll(() => closeAll(receiver, emulator), serverHookTimeoutMs);

beforeEach(() => {
  emulator.admin.reset();
  connectAs(0);
});

const mail = () => ({
  resource: "users/0a1b2c3d-0000-4000-8000-000000000001/messages",
  changeType: "created,updated",
  notificationUrl: `${receiver.url}/mail`,
  clientState,
  lifetimeMinutes: 600,
  renewBeforeMinutes: 60,
});

async function created(inputs: Record<string, unknown> = mail()) {
  const checked = await lifecycle.check({}, inputs);
  expect(checked.failures ?? []).toEqual([]);
  const result = await lifecycle.create(checked.inputs!);
  return { ...result, inputs: checked.inputs! };
}

const graphRequests = () => emulator.admin.requestLog().filter((entry) => /^\/(v1\.0|beta)\//.test(entry.path));

describe("check", () => {
  it("returns canonical inputs for a valid subscription", async () => {
    const result = await lifecycle.check({}, { ...mail(), changeType: ["updated", "Created"] });
    expect(result.failures ?? []).toEqual([]);
    expect(result.inputs).toMatchObject({ changeType: "created,updated" });
  });

  it("reports a secret input's failure on the resource, naming the property, since Pulumi prints a property's value unmasked", async () => {
    const long = "s".repeat(200);
    const result = await lifecycle.check({}, { ...mail(), clientState: long });
    expect(result.failures).toEqual([{ property: "", reason: expect.stringMatching(/^clientState: \(value hidden\) is 200 characters; Graph v1\.0 accepts at most 128/) }]);
    expect(JSON.stringify(result.failures)).not.toContain(long);
  });

  it("fails the preview with the permissions to grant when the token holds none of them", async () => {
    connectAs(1);
    const result = await lifecycle.check({}, mail());
    expect(result.failures).toEqual([
      {
        property: "resource",
        reason: expect.stringMatching(/needs one of these application permissions: Mail\.Read.*the access token grants User\.Read\.All/),
      },
    ]);
  });

  it("checks the OneDrive for work or school row, not the personal one, for an application token", async () => {
    connectAs(1);
    const result = await lifecycle.check({}, { ...mail(), resource: "users/0a1b2c3d-0000-4000-8000-000000000001/drive/root", changeType: "updated" });
    expect(result.failures).toEqual([{ property: "resource", reason: expect.stringContaining("Files.ReadWrite.All") }]);
  });

  it("never throws, even when the provider settings are broken", async () => {
    const config = { get: (key: string) => (key === "msgraph:cloud" ? "mars" : undefined) };
    await expect(lifecycle.configure({ config } as never)).rejects.toThrow(/msgraph:cloud/);
    const result = await lifecycle.check({}, mail());
    // The settings are at fault, not the resource's inputs: the failure names no input.
    expect(result.failures).toEqual([{ property: "", reason: expect.stringContaining("msgraph:cloud") }]);
  });

  it("sends nothing to Graph or the sign-in endpoint when the rules already refuse the input", async () => {
    const result = await lifecycle.check({}, { ...mail(), resource: "communications/presences/abc", changeType: "updated", lifetimeMinutes: 120 });
    expect(result.failures?.map((f) => f.property)).toContain("lifetimeMinutes");
    expect(emulator.admin.requestLog()).toEqual([]);
  });
});

describe("create", () => {
  it("creates the subscription with one POST and returns what Graph returns", async () => {
    const { id, outs } = await created();
    const held = emulator.admin.getSubscription(id)!;
    expect(held).toMatchObject({ resource: mail().resource, changeType: "created,updated", notificationUrl: mail().notificationUrl, clientState });
    expect(outs).toMatchObject({ expirationDateTime: held.expirationDateTime, applicationId: emulator.clients[0].clientId, graphApiVersion: "v1.0" });
    expect(graphRequests().map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1.0/subscriptions"]);
    expect(receiver.validations.map((v) => v.path)).toContain("/mail");
  });

  it("asks Graph for the declared lifetime", async () => {
    const { outs } = await created();
    const minutes = (Date.parse(outs.expirationDateTime) - emulator.admin.now().getTime()) / 60_000;
    expect(minutes).toBeGreaterThan(598);
    expect(minutes).toBeLessThanOrEqual(600);
  });

  // OneDrive paths match two rows (personal and work or school); the token's permission type picks one.
  it.each([
    ["without check first, as a provider process that only creates", false],
    ["after check in the same process", true],
  ])("chooses the row for the token's permission type %s", async (_name, checkFirst) => {
    const drive = { ...mail(), resource: "users/0a1b2c3d-0000-4000-8000-000000000001/drive/root", changeType: "updated", lifetimeMinutes: 120 };
    if (checkFirst) expect((await lifecycle.check({}, drive)).failures ?? []).toEqual([]);
    const result = await lifecycle.create(drive);
    expect(result.outs.ruleId).toBe("v1.0/driveItem/business");
  });

  it("reports Graph's defaults for properties the program left out", async () => {
    const { outs } = await created();
    expect(outs).toMatchObject({ latestSupportedTlsVersion: "v1_2", includeResourceData: false });
    expect(await lifecycle.diff("id", outs, mail())).toEqual({ changes: false });
  });

  it.each([
    ["behind", 300],
    ["ahead of", -300],
  ])("measures the lifetime on Graph's clock when this machine's clock is %s Graph's", async (_how, minutes) => {
    emulator.admin.advanceClock(minutes);
    const { outs } = await created();
    const minutesLeft = (Date.parse(outs.expirationDateTime) - emulator.admin.now().getTime()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(598);
    expect(minutesLeft).toBeLessThanOrEqual(600);
  });

  it("explains a 409 duplicate with the existing id and the two ways out", async () => {
    const first = await created();
    await expect(created({ ...mail(), notificationUrl: `${receiver.url}/other` })).rejects.toThrow(
      new RegExp(`already has subscription ${first.id} .*adoptExisting: true.*msgraph-subscriptions delete ${first.id}`),
    );
    expect(emulator.admin.listSubscriptions()).toHaveLength(1);
  });

  it("keeps the subscription when a gateway timeout hid a POST that succeeded and the client's retry met a 409", async () => {
    emulator.admin.injectFault({ status: 504, method: "POST", path: "/subscriptions", afterApply: true, retryAfterSeconds: 1 });
    const { id } = await created();
    const posts = graphRequests().filter((r) => r.method === "POST").map((r) => r.status);
    expect(posts).toEqual([504, 409]);
    expect(emulator.admin.listSubscriptions().map((s) => s.id)).toEqual([id]);
  });

  it("takes a 409 for exactly the subscription it just asked for as its own: a retried POST that had landed", async () => {
    const fixed = { ...mail(), lifetimeMinutes: undefined, renewBeforeMinutes: undefined, expirationDateTime: new Date(Date.now() + 300 * 60_000).toISOString() };
    const first = await created(fixed);
    const again = await created(fixed);
    expect(again.id).toBe(first.id);
    expect(emulator.admin.listSubscriptions()).toHaveLength(1);
  });

  it("takes back the subscription a killed run created with this resource's mark, in a new process, with no 409", async () => {
    const marked = { ...mail(), ownerMark: "1234567" };
    const first = await created(marked);
    expect(emulator.admin.getSubscription(first.id)!.expirationDateTime).toMatch(/\.1234567Z$/);
    connectAs(0); // the next pulumi up: a new provider process, whose expiry target has moved on
    const again = await created({ ...marked, notificationUrl: `${receiver.url}/moved` });
    expect(again.id).toBe(first.id);
    expect(emulator.admin.listSubscriptions()).toHaveLength(1);
    expect(emulator.admin.getSubscription(first.id)!.notificationUrl).toBe(`${receiver.url}/moved`);
  });

  it.each([
    ["another resource's mark", { ownerMark: "7654321" }],
    ["no mark (made by hand)", { ownerMark: undefined }],
  ])("still refuses with 409 a subscription carrying %s", async (_, theirs) => {
    const foreign = await created({ ...mail(), ...theirs });
    connectAs(0);
    await expect(created({ ...mail(), ownerMark: "1234567" })).rejects.toThrow(new RegExp(`already has subscription ${foreign.id} .*adoptExisting: true`));
    expect(emulator.admin.listSubscriptions()).toHaveLength(1);
  });

  it.each([
    ["lifecycleNotificationUrl", { lifecycleNotificationUrl: "https://localhost:1/lifecycle" }],
    ["clientState", { clientState: "a-different-secret" }],
  ])("refuses to adopt a subscription whose %s differs, since Graph cannot change it in place", async (name, change) => {
    const first = await created();
    const failure = await created({ ...mail(), ...change, adoptExisting: true }).catch((error) => String(error));
    expect(failure).toContain(`subscription ${first.id} differs from the program in ${name}`);
    expect(failure).not.toContain("a-different-secret");
  });

  it("adopts the existing subscription on a 409 when adoptExisting is set, bringing its URL to the program's", async () => {
    const first = await created();
    const adopted = await created({ ...mail(), notificationUrl: `${receiver.url}/adopted`, adoptExisting: true });
    expect(adopted.id).toBe(first.id);
    expect(emulator.admin.getSubscription(first.id)!.notificationUrl).toBe(`${receiver.url}/adopted`);
  });

  it("reports Graph's handshake failure with status, code and request-id", async () => {
    await expect(created({ ...mail(), notificationUrl: `${receiver.url}/reject` })).rejects.toThrow(
      /create subscription failed: Graph answered 400 \w+: Subscription validation request failed.*request-id [0-9a-f-]{36}/,
    );
  });

  it("retries after a 429 with Retry-After and succeeds", async () => {
    emulator.admin.injectFault({ status: 429, retryAfterSeconds: 1, count: 1, method: "POST" });
    const { id } = await created();
    expect(emulator.admin.getSubscription(id)).toBeDefined();
    expect(graphRequests().map((r) => r.status)).toEqual([429, 201]);
  });

  it("names the sign-in failure and the credential source, never the secret, when the client secret is wrong", async () => {
    connectAs(0, { "msgraph:clientSecret": "wrong-secret-e4c2" });
    const failure = await lifecycle.create(mail()).catch((error) => String(error));
    expect(failure).toMatch(/could not get an access token from https:\/\/localhost:\d+ using stack config \(msgraph:clientId\/clientSecret\): .*AADSTS7000215/);
    expect(failure).not.toContain("wrong-secret-e4c2");
    expect(emulator.admin.listSubscriptions()).toEqual([]);
  });

  it("never puts clientState into an error message", async () => {
    const failure = await created({ ...mail(), notificationUrl: `${receiver.url}/reject` }).catch((error) => String(error));
    expect(failure).not.toContain(clientState);
  });
});

describe("read", () => {
  it("returns the live values, and the inputs that would produce them, so refresh shows drift", async () => {
    const { id, outs } = await created();
    emulator.admin.updateSubscription(id, { notificationUrl: `${receiver.url}/moved` });
    const result = await lifecycle.read(id, outs);
    expect(result.props).toMatchObject({ notificationUrl: `${receiver.url}/moved` });
    expect(result.inputs).toMatchObject({ notificationUrl: `${receiver.url}/moved`, clientState });
    expect(await lifecycle.diff(id, result.props!, mail())).toEqual({ changes: true });
  });

  it.each([
    ["deleted", (id: string) => emulator.admin.deleteSubscription(id)],
    ["expired", (id: string) => emulator.admin.expireSubscription(id)],
  ])("returns no id for a subscription %s out of band, so the engine drops it", async (_how, vanish) => {
    const { id, outs } = await created();
    vanish(id);
    expect(await lifecycle.read(id, outs)).toEqual({});
  });

  it("does not re-create a live subscription that this machine's fast clock thinks expired", async () => {
    emulator.admin.advanceClock(-700); // Graph's clock 700 minutes behind this machine's
    const { id, outs } = await created();
    connectAs(0); // a new provider process, which has not heard Graph's clock yet
    expect(Date.parse(outs.expirationDateTime)).toBeLessThan(Date.now());
    expect(await lifecycle.diff(id, outs, mail())).toEqual({ changes: false });
  });

  it("learns Graph's clock, so renewal follows Graph's time rather than the build agent's", async () => {
    const { id, outs } = await created();
    emulator.admin.advanceClock(545);
    const refreshed = await lifecycle.read(id, outs);
    expect(await lifecycle.diff(id, refreshed.props!, mail())).toEqual({ changes: true });
  });
});

describe("update", () => {
  it("PATCHes only notificationUrl when only notificationUrl changed", async () => {
    const { id, outs, inputs } = await created();
    emulator.admin.clearRequestLog();
    const next = { ...inputs, notificationUrl: `${receiver.url}/new` };
    const { outs: after } = await lifecycle.update(id, outs, next);
    const patches = graphRequests().filter((r) => r.method === "PATCH");
    expect(patches).toHaveLength(1);
    expect(patches[0].requestBody).toEqual({ notificationUrl: `${receiver.url}/new` });
    expect(after).toMatchObject({ notificationUrl: `${receiver.url}/new` });
  });

  it("renews by PATCHing only expirationDateTime once renewal is due", async () => {
    const { id, outs, inputs } = await created();
    emulator.admin.advanceClock(545);
    const refreshed = (await lifecycle.read(id, outs)).props!;
    emulator.admin.clearRequestLog();
    const { outs: after } = await lifecycle.update(id, refreshed, inputs);
    const patches = graphRequests().filter((r) => r.method === "PATCH");
    expect(patches.map((p) => Object.keys(p.requestBody as object))).toEqual([["expirationDateTime"]]);
    const minutesLeft = (Date.parse(after!.expirationDateTime) - emulator.admin.now().getTime()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(598);
  });

  it("reauthorizes in place when reauthorizeTrigger changes", async () => {
    const { id, outs, inputs } = await created();
    emulator.admin.clearRequestLog();
    await lifecycle.update(id, outs, { ...inputs, reauthorizeTrigger: "2026-11-22" });
    expect(graphRequests().map((r) => `${r.method} ${r.path}`)).toEqual([`POST /v1.0/subscriptions/${id}/reauthorize`]);
    expect(emulator.admin.getSubscription(id)!.lastReauthorizedDateTime).not.toBeNull();
  });

  it("renews instead of reauthorizing when a PATCH was made less than ten minutes ago, as Graph asks", async () => {
    const { id, outs, inputs } = await created();
    const { outs: moved } = await lifecycle.update(id, outs, { ...inputs, notificationUrl: `${receiver.url}/new` });
    emulator.admin.clearRequestLog();
    await lifecycle.update(id, moved, { ...inputs, notificationUrl: `${receiver.url}/new`, reauthorizeTrigger: "now" });
    const writes = graphRequests().filter((r) => r.method !== "GET");
    expect(writes.map((r) => `${r.method} ${Object.keys(r.requestBody as object ?? {})}`)).toEqual(["PATCH expirationDateTime"]);
  });

  it("says to refresh when the subscription is gone", async () => {
    const { id, outs, inputs } = await created();
    emulator.admin.deleteSubscription(id);
    await expect(lifecycle.update(id, outs, { ...inputs, notificationUrl: `${receiver.url}/new` })).rejects.toThrow(/404.*pulumi up --refresh/);
  });
});

describe("delete", () => {
  it("deletes the subscription", async () => {
    const { id, outs } = await created();
    await lifecycle.delete(id, outs);
    expect(emulator.admin.listSubscriptions()).toEqual([]);
  });

  it("counts a subscription that is already gone as deleted", async () => {
    const { id, outs } = await created();
    emulator.admin.expireSubscription(id);
    await expect(lifecycle.delete(id, outs)).resolves.toBeUndefined();
  });
});

describe("reauthorizeSubscription", () => {
  it("POSTs /reauthorize with settings from the MSGRAPH_* environment", async () => {
    const { id } = await created();
    const client = emulator.clients[0];
    const saved = { ...process.env };
    Object.assign(process.env, {
      MSGRAPH_ENDPOINT: emulator.url,
      MSGRAPH_AUTHORITY_HOST: emulator.url,
      MSGRAPH_TENANT_ID: client.tenantId,
      MSGRAPH_CLIENT_ID: client.clientId,
      MSGRAPH_CLIENT_SECRET: client.clientSecret,
    });
    try {
      await reauthorizeSubscription(id);
    } finally {
      process.env = saved;
    }
    expect(emulator.admin.getSubscription(id)!.lastReauthorizedDateTime).not.toBeNull();
  });
});
