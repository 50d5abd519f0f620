import { mkdir, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "./emulator";
import { startWebhookReceiver } from "./webhookReceiver";

/**
 * `msgraph-subscriptions emulator [--port N] [--state-dir DIR] [--webhook-port N] [--throttle]`: starts the emulator and
 * a webhook receiver, prints one JSON line with everything a program needs to reach them, and runs until
 * SIGINT or SIGTERM (or until `signal` aborts, for tests). Resolves with the exit code. `--throttle`
 * turns on Graph's subscription-API throttle (PUT /_emulator/throttle switches it later).
 *
 * The client secret is never printed (stdout often ends up in CI logs): it is written to
 * `<stateDir>/client-secret`, readable by the owner only, and the JSON line names that file.
 */

export interface CommandIo {
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  signal?: AbortSignal;
}

export interface EmulatorCommandOutput {
  graphEndpoint: string;
  authorityHost: string;
  caFile: string;
  tenantId: string;
  clientId: string;
  /**
   * File holding the client secret (mode 0600): the emulator's own throwaway credential, new on every
   * start; it opens nothing but this local emulator.
   */
  clientSecretFile: string;
  webhookUrl: string;
  adminUrl: string;
}

const usage = "usage: msgraph-subscriptions emulator [--port N] [--state-dir DIR] [--webhook-port N] [--throttle]\n";

export async function runEmulatorCommand(argv: readonly string[], io: CommandIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const parsed = parseArguments(argv);
  if ("help" in parsed) {
    stdout.write(usage);
    return 0;
  }
  if ("error" in parsed) {
    stderr.write(`${parsed.error}\n${usage}`);
    return 2;
  }

  const emulator = await startEmulator({ port: parsed.port, stateDir: parsed.stateDir, throttle: parsed.throttle });
  const receiver = await startWebhookReceiver({ stateDir: parsed.stateDir, port: parsed.webhookPort }).catch(async (error) => {
    await emulator.close();
    throw error;
  });
  const client = emulator.clients[0];
  let clientSecretFile: string;
  try {
    clientSecretFile = await writeClientSecret(parsed.stateDir, client.clientSecret);
  } catch (error) {
    await Promise.all([emulator.close(), receiver.close()]);
    throw error;
  }
  const output: EmulatorCommandOutput = {
    graphEndpoint: emulator.url,
    authorityHost: emulator.url,
    caFile: emulator.caFile,
    tenantId: client.tenantId,
    clientId: client.clientId,
    clientSecretFile,
    webhookUrl: `${receiver.url}/notifications`,
    adminUrl: `${emulator.url}/_emulator`,
  };
  stdout.write(`${JSON.stringify(output)}\n`);
  stderr.write(instructions(output));

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      io.signal?.removeEventListener("abort", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener("abort", stop, { once: true });
  });
  await Promise.all([emulator.close(), receiver.close()]);
  stderr.write("emulator stopped\n");
  return 0;
}

type Parsed = { port: number; webhookPort: number; stateDir: string; throttle: boolean } | { help: true } | { error: string };

const options = {
  port: { type: "string" },
  "webhook-port": { type: "string" },
  "state-dir": { type: "string" },
  throttle: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function parseArguments(argv: readonly string[]): Parsed {
  let values;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    return { error: usageProblem(error) };
  }
  if (values.help) return { help: true };
  const empty = (["port", "webhook-port", "state-dir"] as const).find((name) => values[name] === "");
  if (empty) return { error: `--${empty} needs a value` };
  const port = portNumber("port", values.port);
  const webhookPort = portNumber("webhook-port", values["webhook-port"]);
  if (typeof port === "string") return { error: port };
  if (typeof webhookPort === "string") return { error: webhookPort };
  return { port, webhookPort, stateDir: path.resolve(values["state-dir"] ?? ".emulator"), throttle: values.throttle === true };
}

/** The port, 0 (any free port) when absent, or the usage error. */
function portNumber(name: string, value: string | undefined): number | string {
  const port = Number(value ?? 0);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : `--${name} must be a port number (0-65535), got '${value}'`;
}

/**
 * parseArgs names the offending argument in quotes; the two mistakes people make most keep the emulator's
 * own short wording, and the rest keep Node's, which already says what to do.
 */
function usageProblem(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS_")) throw error;
  const message = (error as Error).message;
  const named = /'([^']*)'/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option '${named}'`;
  if (message.endsWith("argument missing")) return `${named.replace(/ <value>$/, "")} needs a value`;
  return message;
}

function instructions(output: EmulatorCommandOutput): string {
  return [
    "",
    `Microsoft Graph emulator on ${output.graphEndpoint} (admin API: ${output.adminUrl}, webhook receiver: ${output.webhookUrl}).`,
    `The client secret is in ${output.clientSecretFile} (owner-only): the emulator's own local test credential, new on every start; it opens nothing else.`,
    "",
    "Trust the emulator's CA in every Node process that calls it (Node reads this only at start-up):",
    `  export NODE_EXTRA_CA_CERTS=${shellQuote(output.caFile)}`,
    "",
    "Point a stack at it:",
    `  pulumi config set msgraph:endpoint ${output.graphEndpoint}`,
    `  pulumi config set msgraph:authorityHost ${output.authorityHost}`,
    `  pulumi config set msgraph:tenantId ${output.tenantId}`,
    `  pulumi config set msgraph:clientId ${output.clientId}`,
    `  pulumi config set --secret msgraph:clientSecret "$(cat ${shellQuote(output.clientSecretFile)})"`,
    "",
    "Press Ctrl+C to stop.",
    "",
  ].join("\n");
}

/** Writes the secret to <stateDir>/client-secret, created afresh with mode 0600 so no looser file is reused. */
async function writeClientSecret(stateDir: string, secret: string): Promise<string> {
  const file = path.join(stateDir, "client-secret");
  await mkdir(stateDir, { recursive: true });
  await rm(file, { force: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  return file;
}

function shellQuote(value: string): string {
  return /^[\w./:-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
