#!/usr/bin/env node
import { parseArgs } from "node:util";
import { redact } from "../provider/redaction";
import { apiVersions, clouds, permissionTypes, type ApiVersion, type Cloud, type PermissionType } from "../provider/subscription/schema";

/**
 * msgraph-subscriptions: the provider's command line. Exit codes: 0 success, 1 the command ran and
 * failed (invalid input, Graph error), 2 usage error. Scripts depend on `validate`'s output shape.
 */
const usage = `Usage:
  msgraph-subscriptions validate --args '<json of Subscription inputs>'
      [--permission-type ${permissionTypes.join("|")}] [--api-version ${apiVersions.join("|")}] [--cloud ${clouds.join("|")}]
  msgraph-subscriptions reauthorize <subscription-id> [--api-version v1.0|beta]
  msgraph-subscriptions delete <subscription-id> [--api-version v1.0|beta]
  msgraph-subscriptions emulator [--port N] [--webhook-port N] [--state-dir DIR]

reauthorize and delete use the MSGRAPH_* settings (MSGRAPH_TENANT_ID, MSGRAPH_CLIENT_ID,
MSGRAPH_CLIENT_SECRET, MSGRAPH_CLOUD, MSGRAPH_ENDPOINT, MSGRAPH_AUTHORITY_HOST) or the AZURE_* environment.`;

class UsageError extends Error {}

/** Where a command writes; the process's streams unless a test passes its own. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}, got '${value}'`);
  return value as T;
}

async function validateCommand(args: string[], out: CliOutput): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      args: { type: "string" },
      "permission-type": { type: "string" },
      "api-version": { type: "string" },
      cloud: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.args === undefined) throw new UsageError("validate needs --args '<json of Subscription inputs>'");
  let inputs: unknown;
  try {
    inputs = JSON.parse(values.args);
  } catch (error) {
    // Only the position: V8's message quotes the text around the error, which may be the clientState.
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    const where = position === undefined ? "" : ` (at character ${Number(position) + 1})`;
    throw new UsageError(`--args is not valid JSON${where}; pass the inputs as one JSON object in single quotes`);
  }
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) throw new UsageError("--args must be a JSON object of Subscription inputs");
  const context = {
    apiVersion: oneOf<ApiVersion>("api-version", values["api-version"], apiVersions) ?? "v1.0",
    cloud: oneOf<Cloud>("cloud", values.cloud, clouds) ?? "global",
    permissionType: oneOf<PermissionType>("permission-type", values["permission-type"], permissionTypes),
  };
  const { validateSubscription } = await import("../provider/rules/validate");
  const result = validateSubscription(inputs as Record<string, unknown>, context);
  out.stdout(JSON.stringify({ valid: result.valid, failures: result.failures, warnings: result.warnings, rule: result.rule }) + "\n");
  return result.valid ? 0 : 1;
}

async function subscriptionCommand(command: "reauthorize" | "delete", args: string[], out: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { "api-version": { type: "string" } }, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one subscription id`);
  const [id] = positionals;
  const apiVersion = oneOf<ApiVersion>("api-version", values["api-version"], apiVersions);
  if (command === "reauthorize") {
    const { reauthorizeSubscription } = await import("../provider/reauthorize");
    await reauthorizeSubscription(id, { apiVersion });
    out.stdout(`Reauthorized subscription ${id}.\n`);
  } else {
    const { SubscriptionsClient } = await import("../provider/graph/client");
    const { resolveSettings } = await import("../provider/graph/settings");
    const settings = resolveSettings();
    const client = await SubscriptionsClient.connect(settings);
    const existed = await client.delete(id, apiVersion ?? settings.apiVersion);
    out.stdout(existed ? `Deleted subscription ${id}.\n` : `Subscription ${id} did not exist (already deleted or expired).\n`);
  }
  return 0;
}

/** Runs one command line (without `node` and the script) and resolves to the exit code; never rejects. */
export async function run(argv: string[], out: CliOutput = processOutput): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "validate":
        return await validateCommand(rest, out);
      case "reauthorize":
      case "delete":
        return await subscriptionCommand(command, rest, out);
      case "emulator": {
        const { runEmulatorCommand } = await import("../emulator/command");
        return await runEmulatorCommand(rest);
      }
      case "help":
      case "--help":
      case "-h":
        out.stdout(usage + "\n");
        return 0;
      default:
        throw new UsageError(command ? `unknown command '${command}'` : "no command given");
    }
  } catch (error) {
    const isUsage = error instanceof UsageError || String((error as { code?: unknown } | null)?.code).startsWith("ERR_PARSE_ARGS");
    const message = error instanceof Error ? error.message : String(error);
    out.stderr(`msgraph-subscriptions: ${withoutInputs(message, argv)}\n`);
    if (isUsage) {
      out.stderr(`\n${usage}\n`);
      return 2;
    }
    return 1;
  }
}

/**
 * An error message as it may be printed. Argument errors quote the argument, and a misplaced --args JSON
 * (given to another flag, or as a positional) may hold clientState or a URL with a key: the JSON is never
 * quoted, and any secret or URL query value that remains is hidden as in Graph errors.
 */
function withoutInputs(message: string, argv: readonly string[]): string {
  const inputs = argv.flatMap((arg, index) => {
    if (arg.startsWith("--args=")) return [arg.slice("--args=".length)];
    if (argv[index - 1] === "--args" || /^\s*[[{]/.test(arg)) return [arg];
    return [];
  });
  const secrets = inputs.flatMap((text) => {
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === "object" && parsed !== null ? [(parsed as { clientState?: unknown }).clientState].filter((value) => typeof value === "string") : [];
    } catch {
      return [];
    }
  });
  let shown = message;
  // Four characters at least: shorter text holds no secret, and hiding it would garble the message.
  for (const text of inputs.filter((text) => text.length >= 4).sort((a, b) => b.length - a.length)) {
    shown = shown.split(text).join("(the --args JSON, not shown)");
  }
  return redact(shown, secrets as string[]);
}

// Only as a program: tests import run() and must not start a command on import.
if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
