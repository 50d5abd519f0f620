import { startEmulator, startWebhookReceiver, type RunningEmulator, type RunningReceiver } from "../../emulator";
import type { EmulatorClient } from "../../emulator/clients";
import type { StatusReport } from "../../cli/status";
import { timeLeft } from "../../cli/status";
import { stateDir, trustCertificateAuthority } from "../emulator/support";
import { closeAll, serverHookTimeoutMs } from "../hooks";
import { watchSecrets } from "../secretWatch";
import { cli, exportedSecret, fakeStack, installFakePulumi, useStack, type FakeStack } from "./stackFixture";

/**
 * `msgraph-subscriptions status` against the emulator: a stack's subscriptions (read through a stand-in
 * `pulumi stack export`) checked against Graph, and an app's straight from Graph, with the health a monitor
 * alerts on and its exit code.
 */
let emulator: RunningEmulator;
let receiver: RunningReceiver;
let stackApp: EmulatorClient;
let otherApp: EmulatorClient;
const otherTenant = "7c1f4a2e-9b3d-4e6f-8a5c-2d0e1f3b4a5c";

beforeAll(async () => {
  emulator = await startEmulator({ stateDir, clients: [{}, { tenantId: otherTenant, displayName: "another tenant's app" }], validationTimeoutMs: 2_000 });
  receiver = await startWebhookReceiver({ stateDir });
  trustCertificateAuthority(emulator.caPem);
  [stackApp, otherApp] = emulator.clients as [EmulatorClient, EmulatorClient];
  watchSecrets(stackApp.clientSecret, otherApp.clientSecret);
  installFakePulumi();
  // The stack's config keeps the client secret encrypted; without --show-secrets it comes from here, as in a pipeline.
  process.env.MSGRAPH_CLIENT_SECRET = stackApp.clientSecret;
}, serverHookTimeoutMs);

afterAll(() => closeAll(receiver, emulator), serverHookTimeoutMs);

beforeEach(() => emulator.admin.reset());

const mail = (overrides: Record<string, unknown> = {}) => ({
  resource: "users/0a1b2c3d-0000-4000-8000-000000000001/messages",
  changeType: "created,updated",
  notificationUrl: `${receiver.url}/mail`,
  clientState: "status-client-state-8f2a",
  lifetimeMinutes: 600,
  renewBeforeMinutes: 60,
  ...overrides,
});

async function statusJson(stack: FakeStack, ...flags: string[]): Promise<{ code: number; report: StatusReport; stderr: string }> {
  useStack(stack);
  const { code, stdout, stderr } = await cli("status", "--stack", "dev", "--cwd", stack.dir, "--json", ...flags);
  return { code, report: JSON.parse(stdout) as StatusReport, stderr };
}

describe("status of a stack", () => {
  const scenarios: Array<[string, Record<string, unknown>, (stack: FakeStack) => void, string, RegExp | undefined]> = [
    ["healthy when Graph holds it as the stack says", {}, () => {}, "healthy", undefined],
    [
      "renew-due once less than renewBeforeMinutes is left on Graph's clock",
      { renewBeforeMinutes: 599 },
      () => emulator.admin.advanceClock(2),
      "renew-due",
      /^renew-due: less than its renewBeforeMinutes \(599\) is left\. Fix: The next pulumi up renews it/,
    ],
    [
      "drifted when Graph's notificationUrl was changed outside Pulumi",
      {},
      (stack) => emulator.admin.updateSubscription(stack.ids.mail!, { notificationUrl: `${receiver.url}/elsewhere` }),
      "drifted",
      /^drifted: notificationUrl is https:\/\/localhost:\d+\/elsewhere in Graph but https:\/\/localhost:\d+\/mail in the stack \(changed outside Pulumi\)\. Fix: Run pulumi up --refresh/,
    ],
    [
      "drifted when it was renewed outside Pulumi",
      {},
      (stack) => emulator.admin.updateSubscription(stack.ids.mail!, { expirationDateTime: new Date(emulator.admin.now().getTime() + 300 * 60_000) }),
      "drifted",
      /^drifted: Graph's expirationDateTime is \S+, the stack's \S+ \(renewed or changed outside Pulumi\)/,
    ],
    [
      "missing when it was deleted before its expiry",
      {},
      (stack) => emulator.admin.deleteSubscription(stack.ids.mail!),
      "missing",
      /^missing: Graph has no subscription [0-9a-f-]+, although it would expire only at \S+: it was deleted outside Pulumi, or by Graph\. Fix: Run pulumi up --refresh/,
    ],
    [
      "expired once its expiry has passed on Graph's clock",
      {},
      () => emulator.admin.advanceClock(601),
      "expired",
      /^expired: at \S+; Graph deletes expired subscriptions, and notifications since then were missed\. Fix: Run pulumi up --refresh/,
    ],
  ];

  it.each(scenarios)("reports a subscription %s", async (_name, overrides, happen, health, problem) => {
    const stack = await fakeStack(emulator, { mail: mail(overrides) });
    happen(stack);
    const { code, report } = await statusJson(stack);
    expect(report.health).toBe(health);
    expect(code).toBe(health === "healthy" ? 0 : 1);
    const [row] = report.subscriptions;
    expect(row).toMatchObject({
      name: "mail",
      id: stack.ids.mail,
      resource: "users/0a1b2c3d-0000-4000-8000-000000000001/messages",
      changeType: "created,updated",
      health,
    });
    if (problem) expect(row!.problems).toEqual([expect.stringMatching(problem)]);
    else expect(row!.problems).toEqual([]);
  });

  it("measures the time to expiry on Graph's clock", async () => {
    const stack = await fakeStack(emulator, { mail: mail() });
    emulator.admin.advanceClock(100);
    const { report } = await statusJson(stack);
    expect(report.subscriptions[0]!.expiresInMinutes).toBeGreaterThanOrEqual(498);
    expect(report.subscriptions[0]!.expiresInMinutes).toBeLessThanOrEqual(500);
    expect(report.checkedAt).toBe(new Date(Date.parse(report.checkedAt!)).toISOString());
  });

  it("is as bad as its worst subscription, and lists every one", async () => {
    const stack = await fakeStack(emulator, { mail: mail(), groups: { resource: "groups", changeType: "updated", notificationUrl: `${receiver.url}/groups` } });
    emulator.admin.deleteSubscription(stack.ids.groups!);
    const { code, report } = await statusJson(stack);
    expect(code).toBe(1);
    expect(report.health).toBe("missing");
    expect(report.subscriptions.map((row) => [row.name, row.health])).toEqual([
      ["mail", "healthy"],
      ["groups", "missing"],
    ]);
  });

  it("prints a table with a row per subscription, each problem with its fix under it, and a summary", async () => {
    const stack = await fakeStack(emulator, { mail: mail(), groups: { resource: "groups", changeType: "updated", notificationUrl: `${receiver.url}/groups` } });
    emulator.admin.deleteSubscription(stack.ids.groups!);
    useStack(stack);
    const { code, stdout } = await cli("status", "--stack", "dev", "--cwd", stack.dir);
    expect(code).toBe(1);
    const lines = stdout.split("\n");
    expect(lines[0]).toMatch(/^NAME +RESOURCE +CHANGE TYPE +ID +EXPIRES IN +HEALTH$/);
    expect(lines[1]).toMatch(new RegExp(`^mail +users/0a1b2c3d-0000-4000-8000-000000000001/messages +created,updated +${stack.ids.mail} +9h 5\\dm +healthy$`));
    expect(lines[2]).toMatch(new RegExp(`^groups +groups +updated +${stack.ids.groups} +\\d+d \\d+h +missing$`));
    expect(lines[4]).toMatch(/^ {2}groups: missing: Graph has no subscription .* Fix: Run pulumi up --refresh to create it again$/);
    expect(lines.at(-2)).toMatch(/^2 subscription\(s\) in stack dev, checked at \S+ \(Graph's clock\): missing\.$/);
  });

  it("reads the stack named by --stack in the directory named by --cwd, without decrypting secrets", async () => {
    const stack = await fakeStack(emulator, { mail: mail() });
    await statusJson(stack);
    expect(stack.calls()).toEqual([
      expect.stringMatching(new RegExp(`^stack export --stack dev --non-interactive --cwd ${stack.dir}$`)),
      expect.stringMatching(new RegExp(`^config --json --stack dev --non-interactive --cwd ${stack.dir}$`)),
    ]);
  });

  it("masks the query of a notificationUrl, which may hold a key", async () => {
    const stack = await fakeStack(emulator, { mail: mail({ notificationUrl: `${receiver.url}/mail?code=status-function-key-1` }) });
    watchSecrets("status-function-key-1");
    const { report } = await statusJson(stack);
    expect(report.subscriptions[0]!.notificationUrl).toBe(`${receiver.url}/mail?code=***`);
  });

  it("checks a subscription with its own connection as that connection's app", async () => {
    const connection = { tenantId: otherApp.tenantId, clientId: otherApp.clientId, clientSecret: otherApp.clientSecret, endpoint: emulator.url, authorityHost: emulator.url };
    const stack = await fakeStack(emulator, { mail: mail() });
    // The stack app's subscription, recorded as if another tenant's app owned it.
    stack.editOutputs("mail", (outputs, shown) => {
      outputs.connection = { ...connection, clientSecret: exportedSecret(otherApp.clientSecret, shown) };
    });
    // Encrypted, the connection's secret cannot sign in: the subscription is unknown, and says how to fix it.
    const hidden = await statusJson(stack);
    expect(hidden.report.subscriptions[0]).toMatchObject({
      health: "unknown",
      problems: [expect.stringMatching(/whose client secret the stack holds encrypted\. Fix: Run again with --show-secrets/)],
    });
    // Decrypted, it signs in as the other app, which does not see the stack app's subscription: missing.
    const shown = await statusJson(stack, "--show-secrets");
    expect(shown.report.subscriptions[0]!.health).toBe("missing");
    expect(stack.calls().some((call) => call.startsWith("stack export --stack dev --show-secrets"))).toBe(true);
    const tokenRequests = emulator.admin.requestLog().filter((entry) => entry.path.startsWith(`/${otherTenant}/oauth2/v2.0/token`));
    expect(tokenRequests.length).toBeGreaterThan(0);
  });

  it("reports pulumi's own error, and exits 1, when the stack cannot be read", async () => {
    const stack = await fakeStack(emulator, {});
    useStack(stack);
    const { code, stdout, stderr } = await cli("status", "--stack", "missing", "--cwd", stack.dir);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(`msgraph-subscriptions: pulumi stack export --stack missing failed (exit 255): error: no stack named 'missing' found\n`);
  });

  it("says so, and exits 0, for a stack without subscriptions", async () => {
    const stack = await fakeStack(emulator, {});
    useStack(stack);
    expect(await cli("status", "--stack", "dev", "--cwd", stack.dir)).toEqual({ code: 0, stdout: "No subscriptions in stack dev.\n", stderr: "" });
  });
});

describe("status --app", () => {
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
    Object.assign(process.env, {
      MSGRAPH_TENANT_ID: stackApp.tenantId,
      MSGRAPH_CLIENT_ID: stackApp.clientId,
      MSGRAPH_ENDPOINT: emulator.url,
      MSGRAPH_AUTHORITY_HOST: emulator.url,
    });
  });
  afterEach(() => {
    for (const key of ["MSGRAPH_TENANT_ID", "MSGRAPH_CLIENT_ID", "MSGRAPH_ENDPOINT", "MSGRAPH_AUTHORITY_HOST"]) if (saved[key] === undefined) delete process.env[key];
  });

  it("lists every subscription of the app from Graph, judged by the provider's default renewal window", async () => {
    // One at the longest lifetime Graph allows (the provider's default), one at 600 minutes: under half the maximum, so due.
    const stack = await fakeStack(emulator, { longest: mail({ lifetimeMinutes: undefined, renewBeforeMinutes: undefined }), short: mail({ resource: "groups", changeType: "updated" }) });
    const { code, stdout } = await cli("status", "--app", "--json");
    const report = JSON.parse(stdout) as StatusReport;
    expect(code).toBe(1);
    expect(report.source).toEqual({ app: { tenantId: stackApp.tenantId, clientId: stackApp.clientId, endpoint: emulator.url } });
    const byId = Object.fromEntries(report.subscriptions.map((row) => [row.id, row]));
    expect(byId[stack.ids.longest!]).toMatchObject({ health: "healthy", problems: [] });
    expect(byId[stack.ids.short!]).toMatchObject({
      health: "renew-due",
      problems: [expect.stringMatching(/^renew-due: less than 20880 minutes is left, the provider's default renewal window \(half the 41760-minute maximum/)],
    });
    expect(report.subscriptions.every((row) => row.name === undefined)).toBe(true);
  });

  it("exits 0 when the app has no subscriptions", async () => {
    expect(await cli("status", "--app")).toEqual({ code: 0, stdout: `No subscriptions in app ${stackApp.clientId}.\n`, stderr: "" });
  });
});

describe("status usage", () => {
  it.each([
    [["--app", "--stack", "dev"], "--app reads no stack, so it takes no --stack"],
    [["--app", "--show-secrets"], "--app reads no stack, so it takes no --show-secrets"],
    [["--api-version", "beta"], "--api-version goes with --app"],
    [["--app", "--api-version", "v2"], "--api-version must be one of v1.0, beta, got 'v2'"],
    [["dev"], "Unexpected argument 'dev'"],
  ])("exits 2 for %j", async (args, message) => {
    const { code, stdout, stderr } = await cli("status", ...args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
  });

  it.each([
    [null, "?"],
    [-5, "expired"],
    [0, "<1m"],
    [45, "45m"],
    [312, "5h 12m"],
    [3120, "2d 4h"],
  ])("shows %p minutes left as %s", (minutes, shown) => {
    expect(timeLeft(minutes)).toBe(shown);
  });
});
