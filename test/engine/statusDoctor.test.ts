/**
 * Issue 12, points 2, 4 and 5 through the real Pulumi CLI: `msgraph-subscriptions status` and `doctor` read a
 * stack that `pulumi up` wrote (pulumi stack export, without the passphrase), and msgraph:checkEndpoints stops a
 * `pulumi up` before Graph is asked when an endpoint would fail Graph's validation request.
 */
import { startWebhookReceiver, type RunningReceiver } from "../../emulator";
import type { StatusReport } from "../../cli/status";
import { cliScript, expectExit, nodeBinary, repoRoot, runProcess, startWorld, type EngineStack, type SubscriptionSpecs, type World } from "./harness";

let world: World;
let doomed: RunningReceiver | undefined;
beforeAll(async () => {
  world = await startWorld();
  doomed = await startWebhookReceiver({ stateDir: process.env.MSGRAPH_EMULATOR_STATE_DIR ?? `${repoRoot}/.emulator/test` });
});
afterAll(async () => {
  await doomed?.close();
  await world?.close();
});

/** The command line as a user runs it next to the stack: pulumi on PATH, the MSGRAPH_* settings, no passphrase unless asked. */
async function command(stack: EngineStack, args: string[], options: { passphrase?: boolean } = {}) {
  const env = { ...stack.environment(), ...world.graphEnv() };
  if (!options.passphrase) {
    delete env.PULUMI_CONFIG_PASSPHRASE;
    delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  }
  const result = await runProcess(nodeBinary, [cliScript, ...args, "--stack", stack.name, "--cwd", stack.projectDir], { cwd: repoRoot, env });
  world.transcript.push(result.output);
  return result;
}

it("status and doctor check the subscriptions of a stack pulumi up wrote, and say what is wrong with each", async () => {
  const stack = world.stack("status-doctor");
  const specs: SubscriptionSpecs = {
    groups: { resource: "groups", changeType: "updated", notificationUrl: world.webhook("groups"), clientState: "status-doctor-1" },
    users: { resource: "users", changeType: "updated", notificationUrl: world.webhook("users") },
    mail: { resource: "users/6b0e8c1d-2a3f-4e5d-9c7b-1a2b3c4d5e6f/messages", changeType: "created", notificationUrl: `${doomed!.url}/mail`, lifetimeMinutes: 600 },
  };
  expectExit(await stack.up(specs), 0);
  const ids = await stack.stateIds();

  const healthy = await command(stack, ["status", "--json"]);
  expectExit(healthy, 0);
  const report = JSON.parse(healthy.stdout) as StatusReport;
  // In the state's order, which is the order the engine finished them in.
  expect(report.subscriptions.map((row) => [row.name, row.id, row.health]).sort()).toEqual([
    ["groups", ids.groups, "healthy"],
    ["mail", ids.mail, "healthy"],
    ["users", ids.users, "healthy"],
  ]);
  expect(report.subscriptions.find((row) => row.name === "mail")?.expiresInMinutes).toBeGreaterThan(590);
  expectExit(await command(stack, ["doctor"]), 0);

  // Behind Pulumi's back: one subscription redirected in Graph, one endpoint gone.
  world.admin.updateSubscription(ids.users, { notificationUrl: world.webhook("elsewhere") });
  await doomed!.close();
  doomed = undefined;

  const drifted = await command(stack, ["status"]);
  expectExit(drifted, 1);
  expect(drifted.stdout).toMatch(new RegExp(`^users +users +updated +${ids.users} +\\d+d \\d+h +drifted$`, "m"));
  expect(drifted.stdout).toMatch(/^ {2}users: drifted: notificationUrl is \S+\/elsewhere in Graph but \S+\/users in the stack/m);

  const diagnosed = await command(stack, ["doctor"]);
  expectExit(diagnosed, 1);
  expect(diagnosed.stdout.split("\n")).toEqual([
    expect.stringMatching(/^mail: notificationUrl https:\/\/localhost:(\d+)\/mail refused the connection on port \1 \(ECONNREFUSED\): nothing listens there\. Fix: Start the webhook app/),
    "1 problem(s) in the 3 subscription(s) of stack status-doctor.",
    "",
  ]);

  // With the passphrase, --show-secrets decrypts the state (clientState) and checks the same.
  expectExit(await command(stack, ["status", "--show-secrets"], { passphrase: true }), 1);

  expectExit(await stack.up(specs, { refresh: true }), 0);
  expectExit(await command(stack, ["status"]), 0);
  expectExit(await stack.destroy(), 0);
});

it("msgraph:checkEndpoints fails pulumi up before any POST when an endpoint would fail Graph's validation request", async () => {
  const stack = world.stack("check-endpoints", { config: { "msgraph:checkEndpoints": "true" } });
  const specs: SubscriptionSpecs = { groups: { resource: "groups", changeType: "updated", notificationUrl: world.webhook("wrong-content-type") } };
  world.admin.clearRequestLog();
  const failed = await stack.up(specs);
  expectExit(failed, 1);
  expect(failed.output).toMatch(/msgraph:checkEndpoints: Graph's validation request would fail, so nothing was sent to Graph/);
  expect(failed.output).toMatch(/notificationUrl https:\/\/localhost:\d+\/wrong-content-type answered with Content-Type application\/json instead of text\/plain/);
  expect(world.subscriptionRequests().filter((entry) => entry.method === "POST")).toEqual([]);

  const fixed: SubscriptionSpecs = { groups: { ...specs.groups, notificationUrl: world.webhook("groups-checked") } };
  expectExit(await stack.up(fixed), 0);
  expectExit(await stack.destroy(), 0);
});

it("status and doctor read a stack of the native provider (a YAML program) as they read the dynamic resource's", async () => {
  const stack = world.stack("status-doctor-native", { language: "yaml" });
  const specs: SubscriptionSpecs = {
    groups: { resource: "groups", changeType: "updated", notificationUrl: world.webhook("native-groups"), clientState: "status-doctor-native-1" },
    users: { resource: "users", changeType: "updated", notificationUrl: world.webhook("native-users") },
  };
  expectExit(await stack.up(specs), 0);
  const ids = await stack.stateIds();

  const status = await command(stack, ["status", "--json"]);
  expectExit(status, 0);
  const report = JSON.parse(status.stdout) as StatusReport;
  expect(report.subscriptions.map((row) => [row.name, row.id, row.health]).sort()).toEqual([
    ["groups", ids.groups, "healthy"],
    ["users", ids.users, "healthy"],
  ]);
  expectExit(await command(stack, ["doctor"]), 0);
  expectExit(await stack.destroy(), 0);
});
