#!/usr/bin/env node
/**
 * `npm start`: the project's main job in one command.
 *
 * Starts the local Microsoft Graph emulator and a webhook receiver, then runs `pulumi up` on the root
 * Pulumi.yaml program (examples/demo: a mailbox, a Teams channel with lifecycle notifications, directory
 * groups) through the real Pulumi CLI, and shows what Graph now holds. In a terminal it then offers the
 * next steps (preview, drift, renewal, destroy) against the same, still running emulator.
 *
 * With real Azure credentials (MSGRAPH_CLIENT_ID or AZURE_CLIENT_ID in the environment, or msgraph:clientId
 * in the stack config) the same program runs against Microsoft Graph instead; see the README.
 *
 *   npm start                  up on the emulator, then explore (in a terminal)
 *   npm start -- --no-explore  up on the emulator and exit
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { parseArgs } from "node:util";
import type { RunningEmulator } from "../emulator";
import { PulumiProject, repoRoot as repo, type StackConfig } from "./pulumiProject";

const stateDir = path.join(repo, ".emulator", "demo");
const stackName = process.env.PULUMI_STACK || "dev";

/** Ids the demo watches on the emulator (it accepts any id; real Graph needs your own). */
const demoIds = {
  mailbox: "7a3f9d52-1c4b-4f0e-9a8d-2b6c5e4f3a21",
  teamId: "2f1e0d9c-8b7a-4c6d-9e5f-4a3b2c1d0e9f",
  channelId: "19:general@thread.tacv2",
};

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const say = (text = "") => process.stdout.write(`${text}\n`);

/** The root Pulumi.yaml project's stack, run with the plain Pulumi CLI. */
const project = new PulumiProject({ dir: repo, stack: stackName });

/** Runs `pulumi <command>` on the demo stack, on this terminal; resolves to its exit code. */
async function pulumi(command: "up" | "preview" | "destroy", flags: string[], env: Record<string, string> = {}, config?: StackConfig): Promise<number> {
  if (config) await project.setConfig(config);
  const interactive = process.stdout.isTTY;
  const result = await project[command](flags, interactive ? { env, inherit: true } : { env, echo: true });
  return result.code;
}

function demoClientState(): string {
  const file = path.join(stateDir, "client-state");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(24).toString("base64url"), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}

function showSubscriptions(emulator: RunningEmulator): void {
  const live = emulator.admin.listSubscriptions();
  say();
  say(bold(`The emulator now holds ${live.length} subscription${live.length === 1 ? "" : "s"}:`));
  for (const s of live) {
    say(`  ${s.id}  ${String(s.changeType).padEnd(23)} ${s.resource}`);
    say(`  ${"".padEnd(36)}  expires ${s.expirationDateTime}${s.lifecycleNotificationUrl ? "  (lifecycle events on)" : ""}`);
  }
}

async function runOnGraph(): Promise<number> {
  say(bold("Microsoft Graph credentials found: running the demo program against Microsoft Graph."));
  say("(Unset MSGRAPH_CLIENT_ID / AZURE_CLIENT_ID and remove msgraph:clientId from the stack config to use the emulator.)");
  say();
  const code = await pulumi("up", ["--refresh"]);
  if (code !== 0) {
    say();
    say("The program needs a reachable HTTPS notificationUrl and the ids of what to watch, for example:");
    say("  pulumi config set notificationUrl https://example.com/api/notifications");
    say("  pulumi config set mailbox someone@contoso.com; pulumi config set teamId ...; pulumi config set channelId ...");
  }
  return code;
}

async function runOnEmulator(explore: boolean): Promise<number> {
  const { providerEnvironment, startEmulator, startWebhookReceiver } = await import("../emulator");
  const emulator = await startEmulator({ stateDir });
  const receiver = await startWebhookReceiver({ stateDir });
  const client = emulator.clients[0];
  // The provider reads its settings from the MSGRAPH_* environment when the stack config has none, and
  // trusts the emulator's certificate authority through NODE_EXTRA_CA_CERTS (TLS is verified as usual).
  const env = providerEnvironment(emulator, client);
  const config = {
    notificationUrl: `${receiver.url}/notifications`,
    lifecycleNotificationUrl: `${receiver.url}/lifecycle`,
    ...demoIds,
    clientState: { secret: demoClientState() },
  };

  try {
    say(bold(`Local Microsoft Graph emulator: ${emulator.url}    webhook receiver: ${receiver.url}`));
    say(`Signed in as the emulator's application client ${client.clientId} (${client.permissionType} permissions).`);
    say("Running `pulumi up --refresh` on Pulumi.yaml (examples/demo/index.ts): the emulator starts empty each time,");
    say("so the refresh drops subscriptions left in the state by an earlier run and up creates them again.");
    say();
    const code = await pulumi("up", ["--refresh"], env, config);
    if (code !== 0) {
      say(`\npulumi up failed (exit code ${code}).`);
      return code;
    }
    showSubscriptions(emulator);
    say(`Graph validated each notification URL first: the receiver answered ${receiver.validations.length} validation handshake${receiver.validations.length === 1 ? "" : "s"}.`);

    if (!explore || !process.stdin.isTTY) {
      say();
      say(bold("What to try next"));
      say("  npm start                 in a terminal: then preview, make drift, renew and destroy against the emulator");
      say("  npm test                  unit tests and the engine tests (the real Pulumi CLI against the emulator)");
      say("  examples/demo/index.ts    the program: edit it and run npm start again");
      say("With Pulumi installed and real Azure credentials, `pulumi preview`, `pulumi refresh` and `pulumi destroy`");
      say("work on this project as on any other (see the README).");
      return 0;
    }
    return await explorer(emulator, env);
  } finally {
    await receiver.close();
    await emulator.close();
  }
}

async function explorer(emulator: RunningEmulator, env: Record<string, string>): Promise<number> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const menu = [
    "",
    bold("What next? The emulator keeps running until you quit."),
    "  p  pulumi preview --refresh --expect-no-changes   is Graph still what the program declares?",
    "  d  drift: change inbox-mail's notificationUrl behind Pulumi's back, then preview (exit code 7)",
    "  u  pulumi up --refresh                            repair drift, renew what is due",
    "  t  move Graph's clock 6 days ahead                renewal becomes due; a short-lived subscription expires",
    "  x  pulumi destroy                                 delete every subscription",
    "  q  quit",
  ].join("\n");
  try {
    for (;;) {
      say(menu);
      const answer = (await rl.question("> ")).trim().toLowerCase();
      switch (answer) {
        case "p": {
          const code = await pulumi("preview", ["--refresh", "--expect-no-changes", "--diff"], env);
          say(code === 0 ? "\nExit code 0: no drift." : `\nExit code ${code}${code === 7 ? ": the preview proposes changes." : ""}`);
          break;
        }
        case "d": {
          const mail = emulator.admin.listSubscriptions().find((s) => String(s.resource).includes("messages") && String(s.resource).includes("Inbox"));
          if (!mail) {
            say("No mail subscription in the emulator; run up first.");
            break;
          }
          const elsewhere = String(mail.notificationUrl).replace(/\/notifications$/, "/somewhere-else");
          emulator.admin.updateSubscription(mail.id, { notificationUrl: elsewhere });
          say(`Changed ${mail.id} in the emulator: notificationUrl is now ${elsewhere}.`);
          const code = await pulumi("preview", ["--refresh", "--expect-no-changes", "--diff"], env);
          say(`\nExit code ${code}: a pipeline running this would fail here. Choose u to put it back with one PATCH.`);
          break;
        }
        case "u":
          await pulumi("up", ["--refresh"], env);
          showSubscriptions(emulator);
          break;
        case "t": {
          const now = emulator.admin.advanceClock(6 * 24 * 60);
          say(`Graph's clock now reads ${now.toISOString()}. The mail subscription has under a day left, within its`);
          say("renewBeforeMinutes; the Teams channel subscription (kept for a day) has expired and Graph deleted it.");
          say("Choose u: it renews the first by PATCH and creates the second again; groups keep their expiry.");
          break;
        }
        case "x":
          await pulumi("destroy", [], env);
          showSubscriptions(emulator);
          break;
        case "q":
        case "":
          return 0;
        default:
          say(`Unknown choice '${answer}'.`);
      }
    }
  } finally {
    rl.close();
  }
}

async function main(): Promise<void> {
  let flags: { "no-explore"?: boolean; graph?: boolean };
  try {
    flags = parseArgs({ options: { "no-explore": { type: "boolean" }, graph: { type: "boolean" } } }).values;
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\nusage: npm start [-- --no-explore] [-- --graph]\n`);
    process.exit(2);
  }
  const config = await project.config();
  const onGraph = flags.graph === true
    || (!process.env.MSGRAPH_ENDPOINT && !!(process.env.MSGRAPH_CLIENT_ID || process.env.AZURE_CLIENT_ID || config["msgraph:clientId"]));
  process.exitCode = onGraph ? await runOnGraph() : await runOnEmulator(flags["no-explore"] !== true);
}

void main().catch((error) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
