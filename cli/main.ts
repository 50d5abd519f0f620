#!/usr/bin/env node
import { parseArgs } from "node:util";
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

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}, got '${value}'`);
  return value as T;
}

async function validateCommand(args: string[]): Promise<number> {
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
    throw new UsageError(`--args is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) throw new UsageError("--args must be a JSON object of Subscription inputs");
  const context = {
    apiVersion: oneOf<ApiVersion>("api-version", values["api-version"], apiVersions) ?? "v1.0",
    cloud: oneOf<Cloud>("cloud", values.cloud, clouds) ?? "global",
    permissionType: oneOf<PermissionType>("permission-type", values["permission-type"], permissionTypes),
  };
  const { validateSubscription } = await import("../provider/rules/validate");
  const result = validateSubscription(inputs as Record<string, unknown>, context);
  process.stdout.write(
    JSON.stringify({ valid: result.valid, failures: result.failures, warnings: result.warnings, rule: result.rule }) + "\n",
  );
  return result.valid ? 0 : 1;
}

async function subscriptionCommand(command: "reauthorize" | "delete", args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { "api-version": { type: "string" } }, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one subscription id`);
  const [id] = positionals;
  const apiVersion = oneOf<ApiVersion>("api-version", values["api-version"], apiVersions);
  if (command === "reauthorize") {
    const { reauthorizeSubscription } = await import("../provider/reauthorize");
    await reauthorizeSubscription(id, { apiVersion });
    process.stdout.write(`Reauthorized subscription ${id}.\n`);
  } else {
    const { SubscriptionsClient } = await import("../provider/graph/client");
    const { resolveSettings } = await import("../provider/graph/settings");
    const settings = resolveSettings();
    const client = await SubscriptionsClient.connect(settings);
    const existed = await client.delete(id, apiVersion ?? settings.apiVersion);
    process.stdout.write(existed ? `Deleted subscription ${id}.\n` : `Subscription ${id} did not exist (already deleted or expired).\n`);
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "validate":
        return await validateCommand(rest);
      case "reauthorize":
      case "delete":
        return await subscriptionCommand(command, rest);
      case "emulator": {
        const { runEmulatorCommand } = await import("../emulator/command");
        return await runEmulatorCommand(rest);
      }
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(usage + "\n");
        return 0;
      default:
        throw new UsageError(command ? `unknown command '${command}'` : "no command given");
    }
  } catch (error) {
    const isUsage = error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(`msgraph-subscriptions: ${(error as Error).message}\n`);
    if (isUsage) {
      process.stderr.write(`\n${usage}\n`);
      return 2;
    }
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
