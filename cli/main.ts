#!/usr/bin/env node
import { parseArgs } from "node:util";
import { redact } from "../provider/redaction";
import { apiVersions, clouds, permissionTypes, type ApiVersion, type Cloud, type PermissionType } from "../provider/vocabulary";
import { doctorCommand } from "./doctor";
import {
  exitCode,
  parserOptions,
  programName,
  renderCommandHelp,
  renderOverview,
  renderUsage,
  UsageError,
  type CliOutput,
  type CommandSpec,
  type ParsedCommandLine,
} from "./help";
import { statusCommand } from "./status";

export type { CliOutput } from "./help";

/**
 * msgraph-subscriptions: the provider's command line. Exit codes: 0 success, 1 the command ran and
 * failed (invalid input, Graph error), 2 usage error. Scripts depend on `validate`'s output shape.
 * Each command is one entry of `commands`: its help, its options (which the parser accepts) and its run.
 */

const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const settingsNote =
  "Signs in with the MSGRAPH_* settings (MSGRAPH_TENANT_ID, MSGRAPH_CLIENT_ID, MSGRAPH_CLIENT_SECRET, MSGRAPH_CLOUD, " +
  "MSGRAPH_ENDPOINT, MSGRAPH_AUTHORITY_HOST, MSGRAPH_API_VERSION, and the retry settings), or, without a client id and secret, " +
  "the AZURE_* environment (client secret or certificate, workload identity, managed identity, Azure CLI login). Stack config is not read.";

const apiVersionOption = {
  type: "string",
  value: "VERSION",
  description: `${apiVersions.join(" or ")}; default MSGRAPH_API_VERSION, else v1.0.`,
} as const;

const subscriptionId = { "<subscription-id>": "The subscription's id: the Subscription resource's id output, or the id a 409 error names." };

const exampleId = "7f105c7d-2dc5-4530-97cd-4e7ae6534c07";

export const commands = {
  validate: {
    summary: "Check Subscription inputs against Graph's documented rules, as pulumi preview does, without calling Graph.",
    synopsis: "--args '<json of Subscription inputs>' [--permission-type TYPE] [--api-version VERSION] [--cloud CLOUD]",
    options: {
      args: {
        type: "string",
        value: "JSON",
        description:
          "Required. The Subscription's inputs as one JSON object, in single quotes, with the names a Pulumi program uses " +
          "(resource, changeType, notificationUrl, lifetimeMinutes, ...).",
      },
      "permission-type": {
        type: "string",
        value: "TYPE",
        description:
          `${permissionTypes.join(", ")}. Applies the rules that depend on it (me/ paths need a signed-in user; ` +
          "some resources support one type only). Without it, those rules are skipped.",
      },
      "api-version": { type: "string", value: "VERSION", description: `${apiVersions.join(" or ")}; default v1.0.` },
      cloud: { type: "string", value: "CLOUD", description: `${clouds.join(", ")}; default global.` },
    },
    notes: [
      "Prints one JSON line on stdout with the keys valid (true or false), failures (each with property and reason), " +
        "warnings, and rule (the rule-table row that matched, or null). It does not check the permissions an access token " +
        "grants; pulumi preview does, when it has credentials.",
    ],
    exitCodes: {
      [exitCode.ok]: "The inputs are valid (warnings, if any, are in the output).",
      [exitCode.failed]: "The inputs break a rule; each failure names the property, the rule and the fix.",
      [exitCode.usage]: "Usage error: an unknown option or value, or --args missing, not JSON or not an object. Nothing is printed on stdout.",
    },
    examples: [
      `${programName} validate --args '{"resource":"users/6e7b768e-07e2-4810-8459-485f84f8f204/messages","changeType":"created","notificationUrl":"https://hooks.contoso.com/graph/mail","lifetimeMinutes":4320}' --permission-type application`,
    ],
    run: validateCommand,
  },
  reauthorize: {
    summary: "Reauthorize a subscription without renewing it (POST /subscriptions/{id}/reauthorize), as a reauthorizationRequired lifecycle event asks.",
    synopsis: "<subscription-id> [--api-version VERSION]",
    arguments: subscriptionId,
    options: { "api-version": apiVersionOption },
    notes: [
      settingsNote,
      "Graph asks not to reauthorize a subscription within ten minutes of renewing it (PATCH); a renewal reauthorizes too. " +
        "To reauthorize a subscription a stack manages, change its reauthorizeTrigger input instead.",
    ],
    exitCodes: {
      [exitCode.ok]: "Graph reauthorized the subscription.",
      [exitCode.failed]:
        "Graph refused (the error names its status, code and request-id; 404 means the subscription no longer exists), or Graph or the sign-in could not be reached.",
      [exitCode.usage]: "Usage error: no subscription id, more than one, or an unknown option or value.",
    },
    examples: [`${programName} reauthorize ${exampleId}`],
    run: (commandLine, out) => subscriptionCommand("reauthorize", commandLine, out),
  },
  delete: {
    summary: "Delete a subscription that no stack manages, such as the one a 409 conflict names.",
    synopsis: "<subscription-id> [--api-version VERSION]",
    arguments: subscriptionId,
    options: { "api-version": apiVersionOption },
    notes: [
      settingsNote,
      "A subscription a stack manages is better deleted by removing it from the program: deleted here, the next " +
        "pulumi preview --refresh shows it as gone and pulumi up creates it again.",
    ],
    exitCodes: {
      [exitCode.ok]: "Deleted, or it was already gone (deleted or expired); the output says which.",
      [exitCode.failed]: "Graph refused (the error names its status, code and request-id), or Graph or the sign-in could not be reached.",
      [exitCode.usage]: "Usage error: no subscription id, more than one, or an unknown option or value.",
    },
    examples: [`${programName} delete ${exampleId}`],
    run: (commandLine, out) => subscriptionCommand("delete", commandLine, out),
  },
  status: statusCommand,
  doctor: doctorCommand,
  emulator: {
    summary: "Start a local Microsoft Graph emulator (subscriptions API, sign-in, admin API) and a webhook receiver on localhost.",
    synopsis: "[--port N] [--webhook-port N] [--state-dir DIR] [--throttle]",
    options: {
      port: { type: "string", value: "N", description: "HTTPS port of the emulator; default 0, any free port." },
      "webhook-port": { type: "string", value: "N", description: "HTTPS port of the webhook receiver; default 0, any free port." },
      "state-dir": {
        type: "string",
        value: "DIR",
        description: "Keeps the certificate authority between runs, and this run's client secret (mode 0600); default ./.emulator.",
      },
      throttle: {
        type: "boolean",
        description: "Enforce Graph's throttle on the subscriptions API (per app and tenant: 500 writes per 20 seconds); PUT /_emulator/throttle switches it later.",
      },
    },
    notes: [
      "Prints one JSON line on stdout with what a program needs (graphEndpoint, authorityHost, caFile, tenantId, clientId, " +
        "clientSecretFile, webhookUrl, adminUrl), then instructions on stderr, and runs until Ctrl+C or SIGTERM. " +
        "Trust caFile with NODE_EXTRA_CA_CERTS. The validation handshake reaches loopback addresses only.",
    ],
    exitCodes: {
      [exitCode.ok]: "Stopped by Ctrl+C (SIGINT) or SIGTERM.",
      [exitCode.failed]: "Could not start, for example because a port is in use or the state directory cannot be written.",
      [exitCode.usage]: "Usage error: an unknown option, or a port that is not a number from 0 to 65535.",
    },
    examples: [`${programName} emulator --port 8443 --webhook-port 8444 --state-dir .emulator`],
    run: async ({ args }) => {
      const { runEmulatorCommand } = await import("../emulator/command");
      return runEmulatorCommand(args);
    },
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof commands;

function oneOf<T extends string>(flag: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly unknown[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}, got '${String(value)}'`);
  return value as T;
}

async function validateCommand({ values }: ParsedCommandLine, out: CliOutput): Promise<number> {
  if (typeof values.args !== "string") throw new UsageError("validate needs --args '<json of Subscription inputs>'");
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
  return result.valid ? exitCode.ok : exitCode.failed;
}

async function subscriptionCommand(command: "reauthorize" | "delete", { values, positionals }: ParsedCommandLine, out: CliOutput): Promise<number> {
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one subscription id`);
  const [id] = positionals as [string];
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
  return exitCode.ok;
}

function commandNamed(name: string | undefined): [CommandName, CommandSpec] | undefined {
  return name !== undefined && Object.hasOwn(commands, name) ? [name as CommandName, commands[name as CommandName]] : undefined;
}

/** `help`, `--help`, `-h`, optionally followed by a command's name. */
function printHelp(topic: string | undefined, out: CliOutput): number {
  if (topic === undefined) {
    out.stdout(renderOverview(commands));
    return exitCode.ok;
  }
  const command = commandNamed(topic);
  if (!command) throw new UsageError(`no command '${topic}'`);
  out.stdout(renderCommandHelp(...command));
  return exitCode.ok;
}

/** Runs one command line (without `node` and the script) and resolves to the exit code; never rejects. */
export async function run(argv: string[], out: CliOutput = processOutput): Promise<number> {
  const [name, ...rest] = argv;
  const command = commandNamed(name);
  try {
    if (name === "help" || name === "--help" || name === "-h") return printHelp(rest[0], out);
    if (!command) throw new UsageError(name ? `unknown command '${name}'` : "no command given");
    const [commandName, spec] = command;
    const options = parserOptions(spec);
    // Help wins over everything else on the line, but only where -h/--help is a flag, not another flag's value.
    if (parseArgs({ args: rest, options, strict: false, allowPositionals: true }).values.help === true) {
      out.stdout(renderCommandHelp(commandName, spec));
      return exitCode.ok;
    }
    const { values, positionals } = parseArgs({ args: rest, options, strict: true, allowPositionals: spec.arguments !== undefined });
    return await spec.run({ values: values as ParsedCommandLine["values"], positionals, args: rest }, out);
  } catch (error) {
    const isUsage = error instanceof UsageError || String((error as { code?: unknown } | null)?.code).startsWith("ERR_PARSE_ARGS");
    // Not `instanceof Error`: parseArgs's errors come from Node's own realm, which differs under a test runner's VM.
    const message = typeof (error as { message?: unknown } | null)?.message === "string" ? (error as Error).message : String(error);
    out.stderr(`${programName}: ${withoutInputs(message, argv)}\n`);
    if (isUsage) {
      out.stderr(`\n${command ? renderUsage(...command) : renderOverview(commands)}`);
      return exitCode.usage;
    }
    return exitCode.failed;
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
