import { startEmulator, startWebhookReceiver, type RunningEmulator, type RunningReceiver } from "../../emulator";
import type { EmulatorClient } from "../../emulator/clients";
import { stateDir, trustCertificateAuthority } from "../emulator/support";
import { closeAll, serverHookTimeoutMs } from "../hooks";
import { watchSecrets } from "../secretWatch";
import { cli, exportedSecret, fakeStack, installFakePulumi, stackConfig, useStack, type FakeStack } from "./stackFixture";

/**
 * `msgraph-subscriptions doctor` against the emulator: for each subscription of a stack (read through a
 * stand-in `pulumi stack export`), the app's credentials, the token's permissions against the rule table, and
 * each endpoint against Graph's validation request; one line per problem with its fix.
 */
let emulator: RunningEmulator;
let receiver: RunningReceiver;
let stackApp: EmulatorClient;
let userReader: EmulatorClient;
const wrongSecret = "doctor-wrong-secret-4c1d";

beforeAll(async () => {
  emulator = await startEmulator({
    stateDir,
    clients: [{}, { permissions: ["User.Read.All"], displayName: "an app that may only read users" }],
    validationTimeoutMs: 2_000,
  });
  receiver = await startWebhookReceiver({ stateDir });
  trustCertificateAuthority(emulator.caPem);
  [stackApp, userReader] = emulator.clients as [EmulatorClient, EmulatorClient];
  watchSecrets(stackApp.clientSecret, userReader.clientSecret, wrongSecret);
  installFakePulumi();
}, serverHookTimeoutMs);

afterAll(() => closeAll(receiver, emulator), serverHookTimeoutMs);

beforeEach(() => {
  emulator.admin.reset();
  process.env.MSGRAPH_CLIENT_SECRET = stackApp.clientSecret;
  delete process.env.MSGRAPH_CLOUD;
});

const mail = (notificationUrl = `${receiver.url}/mail`) => ({
  resource: "users/0a1b2c3d-0000-4000-8000-000000000001/messages",
  changeType: "created",
  notificationUrl,
  lifetimeMinutes: 600,
});

async function doctor(stack: FakeStack, ...flags: string[]) {
  useStack(stack);
  return cli("doctor", "--stack", "dev", "--cwd", stack.dir, ...flags);
}

/** A stack whose state names `path` on the receiver as a subscription's URL (Graph itself would not have created it). */
async function stackPointingAt(property: "notificationUrl" | "lifecycleNotificationUrl", path: string): Promise<FakeStack> {
  const stack = await fakeStack(emulator, { mail: mail() });
  stack.editOutputs("mail", (outputs) => {
    outputs[property] = `${receiver.url}${path}`;
  });
  return stack;
}

describe("doctor", () => {
  it("prints a summary only, and exits 0, when credentials, permissions and endpoints are all fine", async () => {
    const stack = await fakeStack(emulator, { mail: mail(), groups: { resource: "groups", changeType: "updated", notificationUrl: `${receiver.url}/groups` } });
    expect(await doctor(stack)).toEqual({ code: 0, stdout: "No problems in the 2 subscription(s) of stack dev.\n", stderr: "" });
  });

  it.each([
    ["notificationUrl", "/reject", /answered 500 instead of 200 OK\. Fix: Handle POST requests carrying \?validationToken=/],
    ["notificationUrl", "/encoded-token", /echoed the token still URL-encoded/],
    ["notificationUrl", "/slow", /did not answer within 10 seconds\. Fix: Answer the validation request at once/],
    ["lifecycleNotificationUrl", "/wrong-content-type", /answered with Content-Type application\/json instead of text\/plain/],
  ])("reports a %s that fails Graph's validation request (%s) on one line with its fix", async (property, path, problem) => {
    const stack = await stackPointingAt(property as "notificationUrl", path);
    const { code, stdout } = await doctor(stack);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]!.startsWith(`mail: ${property} ${receiver.url}${path} `)).toBe(true);
    expect(lines[0]).toMatch(problem);
    expect(lines[0]).toMatch(/\(Graph would answer: "Subscription validation request (failed|timed out)/);
    expect(lines[1]).toBe("1 problem(s) in the 1 subscription(s) of stack dev.");
  }, 30_000);

  it("sends one request per URL, and names every subscription that uses a failing one", async () => {
    const stack = await fakeStack(emulator, { a: mail(), b: { resource: "groups", changeType: "updated", notificationUrl: `${receiver.url}/mail` } });
    for (const name of ["a", "b"]) stack.editOutputs(name, (outputs) => void (outputs.notificationUrl = `${receiver.url}/reject`));
    const before = receiver.validations.length;
    const { code, stdout } = await doctor(stack);
    expect(code).toBe(1);
    expect(stdout.split("\n")[0]).toMatch(new RegExp(`^a, b: notificationUrl ${receiver.url.replace(/[.]/g, "\\.")}/reject answered 500`));
    expect(receiver.validations.length - before).toBe(1);
  });

  it("sends nothing to Event Hubs and Event Grid addresses, which Graph does not validate", async () => {
    const address = "EventHub:https://contoso.servicebus.windows.net/eventhubname/orders?tenantId=contoso.com";
    const stack = await fakeStack(emulator, { hub: mail(address) });
    const before = receiver.validations.length;
    expect((await doctor(stack)).code).toBe(0);
    expect(receiver.validations.length).toBe(before);
  });

  it("reports a token without any of the least-privileged permissions the rule table lists, naming them and the app", async () => {
    const stack = await fakeStack(emulator, { mail: mail() });
    // The stack now signs in as the app that may only read users.
    stack.setConfig(stackConfig(emulator, userReader));
    process.env.MSGRAPH_CLIENT_SECRET = userReader.clientSecret;
    const { code, stdout } = await doctor(stack);
    expect(code).toBe(1);
    expect(stdout.split("\n")[0]).toBe(
      "mail: permissions for users/0a1b2c3d-0000-4000-8000-000000000001/messages (message): Graph needs one of these " +
        "application permissions: Mail.Read, and the token grants User.Read.All. " +
        `Fix: Grant one of them to the app registration ${userReader.clientId} in tenant ${userReader.tenantId} (with admin consent), then run again`,
    );
  });

  it("reports credentials that get no token once for all the subscriptions using them, and never prints the secret", async () => {
    const stack = await fakeStack(emulator, { mail: mail(), groups: { resource: "groups", changeType: "updated", notificationUrl: `${receiver.url}/groups` } });
    process.env.MSGRAPH_CLIENT_SECRET = wrongSecret;
    const { code, stdout } = await doctor(stack);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^the stack's msgraph:\\* settings \\(used by mail, groups\\): no access token from ${emulator.url.replace(/[.]/g, "\\.")}: .+\\. Fix: Check msgraph:tenantId, msgraph:clientId and msgraph:clientSecret`),
    );
    expect(stdout).not.toContain(wrongSecret);
  });

  it("reports settings that cannot be used once, with the setting named", async () => {
    const stack = await fakeStack(emulator, { mail: mail() });
    process.env.MSGRAPH_CLOUD = "nowhere";
    const { code, stdout } = await doctor(stack);
    expect(code).toBe(1);
    expect(stdout.split("\n")[0]).toMatch(/^mail: credentials: Invalid Microsoft Graph provider settings: msgraph:cloud \(or MSGRAPH_CLOUD\) = "nowhere"/);
  });

  it("asks for --show-secrets when a connection's client secret is encrypted, and checks it with them", async () => {
    const stack = await fakeStack(emulator, { mail: mail() });
    stack.editOutputs("mail", (outputs, shown) => {
      outputs.connection = {
        tenantId: userReader.tenantId,
        clientId: userReader.clientId,
        clientSecret: exportedSecret(userReader.clientSecret, shown),
        endpoint: emulator.url,
        authorityHost: emulator.url,
      };
    });
    const hidden = await doctor(stack);
    expect(hidden.code).toBe(1);
    expect(hidden.stdout.split("\n")[0]).toMatch(/^mail: credentials could not be checked: it signs in with its own connection, whose client secret the stack holds encrypted\. Fix: Run again with --show-secrets/);
    // Decrypted, the connection signs in, and its app's permissions are what is wrong.
    const shown = await doctor(stack, "--show-secrets");
    expect(shown.stdout.split("\n")[0]).toMatch(new RegExp(`^mail: permissions for .* Fix: Grant one of them to the app registration ${userReader.clientId} in tenant`));
  });

  it("notes on stderr an endpoint it could not check because the stack holds it encrypted", async () => {
    const stack = await fakeStack(emulator, { mail: mail() }, { secretOutputs: ["notificationUrl"] });
    const { code, stderr } = await doctor(stack);
    expect(code).toBe(0);
    expect(stderr).toBe("note: mail: notificationUrl is a secret in the stack and was not checked; run again with --show-secrets to check it\n");
  });

  it("exits 2 for an argument it does not take", async () => {
    const { code, stderr } = await cli("doctor", "prod");
    expect(code).toBe(2);
    expect(stderr).toContain("Unexpected argument 'prod'");
  });
});

describe("doctor on a large stack", () => {
  it.each([
    [199, {}, false],
    [200, {}, true],
    [5000, {}, true],
    [5000, { PULUMI_SKIP_CHECKPOINTS: "true" }, false],
  ])("with %i Subscription resources and %j warns: %s", async (resources, env, warns) => {
    const { largeStack } = await import("../../cli/doctor");
    const warnings = largeStack(resources, env);
    expect(warnings.length > 0).toBe(warns);
    if (warns) expect(warnings[0]).toMatch(new RegExp(`${resources} Subscription resources.*Fix: .*SubscriptionSet.*PULUMI_SKIP_CHECKPOINTS=true.*pulumi up --refresh`));
  });
});
