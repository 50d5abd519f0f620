#!/usr/bin/env node
/**
 * Runs a Pulumi project's program through the real Pulumi CLI, fully offline.
 *
 *   node dist/scripts/stack.js <up|preview|refresh|destroy|outputs|export|config|remove> [options]
 *
 * Why this exists: the Pulumi CLI runs a `runtime: nodejs` program through its Node.js language host,
 * which our machines cannot build (see scripts/pulumi-cli.sh). The Automation API's inline programs need
 * only the CLI: this script loads the program named by `main` in the project's Pulumi.yaml and hands it to
 * the CLI as an inline program. Everything else is the real engine: the same steps, diffs, state file,
 * secrets encryption and exit codes as `pulumi up`. With a normally installed Pulumi, `pulumi up` in the
 * project directory runs the same program.
 *
 * Offline settings (each can be overridden from the environment):
 * - state in a local file backend, `<project dir>/.pulumi-state` (PULUMI_BACKEND_URL);
 * - CLI home in `<project dir>/.pulumi-home` (PULUMI_HOME);
 * - passphrase secrets provider; unless PULUMI_CONFIG_PASSPHRASE(_FILE) is set, a random passphrase kept in
 *   `<project dir>/.pulumi-state/passphrase` (mode 0600), so secrets in state and stack config (a real
 *   msgraph:clientSecret) are never encrypted with an empty, guessable passphrase;
 * - no update checks, no plugin downloads. The dynamic-provider launcher `pulumi-resource-pulumi-nodejs`
 *   ships inside `@pulumi/pulumi`; its directory and this Node's directory go first on PATH.
 *
 * The exit code is the CLI's own: 7 when `--expect-no-changes` is violated, 1 for a failed update, 2 for
 * bad flags. (The Automation API reports every failure as code -2; the real code is recovered here.)
 *
 * This file imports only Node built-ins and `@pulumi/pulumi`, so it can be copied into any project.
 */
import * as childProcess from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as automation from "@pulumi/pulumi/automation";

const commands = ["up", "preview", "refresh", "destroy", "outputs", "export", "config", "remove"] as const;
type Command = (typeof commands)[number];

const usage = `Usage: stack <command> [options]

Commands:
  up         create or update the stack's resources (pulumi up)
  preview    show what up would do (pulumi preview)
  refresh    read every resource back and update the state (pulumi refresh)
  destroy    delete every resource (pulumi destroy)
  outputs    print the stack outputs as JSON
  export     print the state (pulumi stack export) as JSON
  config     set stack config from --config and print the stack's config (secrets hidden)
  remove     delete the stack and its state (its resources must already be destroyed)

Options:
  --dir <path>            project directory holding Pulumi.yaml (default: the current directory)
  --stack <name>          stack name (default: $PULUMI_STACK or "dev")
  --refresh               up, preview: refresh the state from the provider first
  --expect-no-changes     up, preview, refresh: exit 7 when anything would change
  --diff                  show property-level diffs
  --config <json>         set stack config first: {"key": "value", "msgraph:clientSecret": {"secret": "..."}}
  --show-secrets          outputs, export: show secret values in plain text
  --remove                destroy: remove the stack afterwards
`;

interface Options {
  command: Command;
  dir: string;
  stack: string;
  refresh: boolean;
  expectNoChanges: boolean;
  diff: boolean;
  showSecrets: boolean;
  remove: boolean;
  config?: Record<string, unknown>;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h") throw new UsageError("");
  if (!(commands as readonly string[]).includes(command)) throw new UsageError(`unknown command '${command}'`);
  const options: Options = {
    command: command as Command,
    dir: process.cwd(),
    stack: process.env.PULUMI_STACK || "dev",
    refresh: false,
    expectNoChanges: false,
    diff: false,
    showSecrets: false,
    remove: false,
  };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--dir": options.dir = path.resolve(value()); break;
      case "--stack": options.stack = value(); break;
      case "--refresh": options.refresh = true; break;
      case "--expect-no-changes": options.expectNoChanges = true; break;
      case "--diff": options.diff = true; break;
      case "--show-secrets": options.showSecrets = true; break;
      case "--remove": options.remove = true; break;
      case "--config": {
        const text = value();
        try {
          const parsed: unknown = JSON.parse(text);
          if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
          options.config = parsed as Record<string, unknown>;
        } catch (error) {
          throw new UsageError(`--config must be a JSON object of config keys (${(error as Error).message})`);
        }
        break;
      }
      default: throw new UsageError(`unknown option '${flag}'`);
    }
  }
  return options;
}

/** The directory holding `bin/pulumi`: $PULUMI_CLI_DIR (a bin directory), scripts/pulumi-cli.sh, or PATH. */
function pulumiRoot(): string {
  const fromEnv = process.env.PULUMI_CLI_DIR;
  let binDir: string | undefined = fromEnv ? path.resolve(fromEnv) : undefined;
  if (!binDir) {
    const script = path.resolve(__dirname, "..", "..", "scripts", "pulumi-cli.sh");
    if (fs.existsSync(script)) {
      const out = childProcess.execFileSync("bash", [script], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
      binDir = out.trim().split("\n").pop();
    }
  }
  if (!binDir) {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
      if (dir && fs.existsSync(path.join(dir, "pulumi"))) { binDir = dir; break; }
    }
  }
  if (!binDir || !fs.existsSync(path.join(binDir, "pulumi"))) {
    throw new Error("no Pulumi CLI found: install Pulumi (https://www.pulumi.com/docs/install/) or set PULUMI_CLI_DIR to the directory holding `pulumi`");
  }
  if (path.basename(binDir) !== "bin") {
    throw new Error(`the Pulumi CLI must live in a directory named 'bin' (found ${binDir}); set PULUMI_CLI_DIR to such a directory`);
  }
  return path.dirname(binDir);
}

/** The program exported by `main`: a function (its result becomes the stack outputs) or top-level code. */
function inlineProgram(mainPath: string): automation.PulumiFn {
  return async () => {
    // Required inside the program so that top-level resource declarations run with the engine connected.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(mainPath);
    const fn = typeof exported === "function" ? exported : typeof exported?.default === "function" ? exported.default : undefined;
    return fn ? await fn() : { ...exported };
  };
}

function configMap(config: Record<string, unknown>): automation.ConfigMap {
  const map: automation.ConfigMap = {};
  for (const [key, raw] of Object.entries(config)) {
    const isSecret = typeof raw === "object" && raw !== null && "secret" in raw;
    const value = isSecret ? (raw as { secret: unknown }).secret : raw;
    map[key] = { value: typeof value === "string" ? value : JSON.stringify(value), secret: isSecret };
  }
  return map;
}

/** The CLI's real exit code from an Automation API error (its own `code` is always -2). */
export function exitCodeOf(error: unknown): number {
  const result = (error as { commandResult?: { code?: number; err?: { exitCode?: unknown } } }).commandResult;
  if (typeof result?.err?.exitCode === "number") return result.err.exitCode;
  const match = /exit code (\d+)/.exec(String((error as Error)?.message ?? ""));
  if (match) return Number(match[1]);
  return 1;
}

async function run(options: Options): Promise<number> {
  const auto: typeof automation = require("@pulumi/pulumi/automation");
  const dir = options.dir;
  if (!fs.existsSync(path.join(dir, "Pulumi.yaml"))) throw new UsageError(`no Pulumi.yaml in ${dir} (use --dir)`);

  const pulumiCommand = await auto.PulumiCommand.get({ root: pulumiRoot() });
  const settings = await (await auto.LocalWorkspace.create({ workDir: dir, pulumiCommand })).projectSettings();
  const mainPath = path.resolve(dir, settings.main ?? ".");

  // The dynamic provider runs `pulumi-resource-pulumi-nodejs` from PATH with the program directory as its
  // working directory; the launcher ships in @pulumi/pulumi and calls `node`.
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [mainPath] }));
  const env: Record<string, string> = {
    PATH: [path.dirname(process.execPath), sdkDir, process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL || `file://${path.join(dir, ".pulumi-state")}`,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  if (process.env.PULUMI_CONFIG_PASSPHRASE === undefined && process.env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined) {
    env.PULUMI_CONFIG_PASSPHRASE_FILE = localPassphraseFile(dir);
  }
  if (env.PULUMI_BACKEND_URL.startsWith("file://")) fs.mkdirSync(env.PULUMI_BACKEND_URL.slice("file://".length), { recursive: true });
  const pulumiHome = process.env.PULUMI_HOME || path.join(dir, ".pulumi-home");
  fs.mkdirSync(pulumiHome, { recursive: true });

  const stack = await auto.LocalWorkspace.createOrSelectStack(
    { stackName: options.stack, projectName: settings.name, program: inlineProgram(mainPath) },
    { workDir: dir, pulumiHome, pulumiCommand, envVars: env, secretsProvider: "passphrase" },
  );
  if (options.config) await stack.setAllConfig(configMap(options.config));

  const color = process.stdout.isTTY ? "always" : "never";
  const stream = {
    color,
    onOutput: (text: string) => process.stdout.write(text),
    onError: (text: string) => process.stderr.write(text),
  } as const;
  const flags = { diff: options.diff, expectNoChanges: options.expectNoChanges };

  switch (options.command) {
    case "up":
      await stack.up({ ...stream, ...flags, refresh: options.refresh });
      return 0;
    case "preview":
      await stack.preview({ ...stream, ...flags, refresh: options.refresh });
      return 0;
    case "refresh":
      await stack.refresh({ ...stream, ...flags });
      return 0;
    case "destroy":
      await stack.destroy({ ...stream, ...flags });
      if (options.remove) await stack.workspace.removeStack(options.stack);
      return 0;
    case "outputs": {
      const outputs = await stack.outputs();
      const shown = Object.fromEntries(Object.entries(outputs).map(([k, o]) =>
        [k, o.secret && !options.showSecrets ? "[secret]" : o.value]));
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      return 0;
    }
    case "export": {
      // Automation's exportStack() always decrypts secrets; run the CLI itself so that, without
      // --show-secrets, this prints the state exactly as stored.
      const args = ["stack", "export", "--stack", options.stack, ...(options.showSecrets ? ["--show-secrets"] : [])];
      const result = childProcess.spawnSync(pulumiCommand.command, args, {
        cwd: dir,
        env: { ...process.env, ...env, PATH: `${path.dirname(pulumiCommand.command)}${path.delimiter}${env.PATH}`, PULUMI_HOME: pulumiHome },
        stdio: ["ignore", "inherit", "inherit"],
      });
      return result.status ?? 1;
    }
    case "config": {
      const config = await stack.getAllConfig();
      const shown = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      return 0;
    }
    case "remove":
      await stack.workspace.removeStack(options.stack);
      return 0;
  }
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) process.stderr.write(`stack: ${error.message}\n\n`);
    process.stderr.write(usage);
    process.exit(error.message ? 2 : 0);
  }
  try {
    process.exitCode = await run(options);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`stack: ${error.message}\n`);
      process.exitCode = 2;
    } else if ((error as { commandResult?: unknown }).commandResult) {
      // The CLI's output was already streamed; only its exit code is left to pass on, unless the CLI
      // never ran (then the message is all there is).
      process.exitCode = exitCodeOf(error);
      if (!/exit code \d+/.test(String((error as Error).message))) process.stderr.write(`stack: ${(error as Error).message}\n`);
    } else {
      process.stderr.write(`stack: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  }
}

if (require.main === module) void main();

/** A random passphrase for this project's local state, made once and readable by this user only. */
function localPassphraseFile(dir: string): string {
  const file = path.join(dir, ".pulumi-state", "passphrase");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  }
  return file;
}
