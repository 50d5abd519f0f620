/**
 * Engine-test harness: a real emulator and webhook receiver in the test process, and the real Pulumi CLI
 * driven from a child process through scripts/stack.ts (compiled: dist/scripts/stack.js), exactly as
 * `npm start` and users run it. Nothing of Pulumi runs inside jest's module sandbox, whose module registry
 * would break closure serialization.
 *
 * Each test file starts one emulator and receiver (`startWorld`) and one stack per scenario
 * (`world.stack(name)`); each stack gets its own project directory under the OS temp directory and its
 * state in `.pulumi-state/engine/` in the repository.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { providerEnvironment, startEmulator, startWebhookReceiver, type EmulatorClientOptions } from "../../emulator";

export const repoRoot = path.resolve(__dirname, "..", "..");
export const runnerScript = path.join(repoRoot, "dist", "scripts", "stack.js");
export const cliScript = path.join(repoRoot, "dist", "cli", "main.js");
export const programDir = path.join(__dirname, "program");
export const projectName = "msgraph-engine-test";
export const backendDir = path.join(repoRoot, ".pulumi-state", "engine");
export const pulumiHome = path.join(repoRoot, ".pulumi-home");
const emulatorStateDir = process.env.MSGRAPH_EMULATOR_STATE_DIR ?? path.join(repoRoot, ".emulator", "test");

/** Engine operations spawn the CLI several times; a scenario takes tens of seconds on two cores. */
jest.setTimeout(300_000);

/** Node >= 22 (the npm package `node`) when installed, else this Node. */
export const nodeBinary = fs.existsSync(path.join(repoRoot, "node_modules", ".bin", "node"))
  ? path.join(repoRoot, "node_modules", ".bin", "node")
  : process.execPath;

let cliDir: string | undefined;
/** The bin directory of the pinned Pulumi CLI (built on first use by scripts/pulumi-cli.sh). */
export function pulumiCliDir(): string {
  cliDir ??= process.env.PULUMI_CLI_DIR
    ?? execFileSync("bash", [path.join(repoRoot, "scripts", "pulumi-cli.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
      .trim().split("\n").pop()!;
  return cliDir;
}

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
export type Client = Emulator["clients"][number];
export type Admin = Emulator["admin"];
export type LogEntry = ReturnType<Admin["requestLog"]>[number];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
  ms: number;
}

export interface World {
  emulator: Emulator;
  receiver: Receiver;
  admin: Admin;
  client: Client;
  /** The receiver's URL for `path` (each path is a distinct notification URL to Graph). */
  webhook(pathName?: string): string;
  /** Settings the provider and the reauthorize command read from the environment. */
  graphEnv(): Record<string, string>;
  /** Stack config for the provider (`msgraph:*`; the client secret as a secret). */
  graphConfig(): Record<string, unknown>;
  stack(name: string, options?: StackOptions): EngineStack;
  /** Graph subscription requests (POST/GET/PATCH/DELETE under /{version}/subscriptions) since the last clear. */
  subscriptionRequests(): LogEntry[];
  close(): Promise<void>;
}

export async function startWorld(options: { clients?: EmulatorClientOptions[] } = {}): Promise<World> {
  pulumiCliDir();
  const emulator = await startEmulator({ stateDir: emulatorStateDir, clients: options.clients });
  const receiver = await startWebhookReceiver({ stateDir: emulatorStateDir });
  const client = emulator.clients[0];
  const stacks: EngineStack[] = [];
  const world: World = {
    emulator,
    receiver,
    admin: emulator.admin,
    client,
    webhook: (pathName = "notifications") => `${receiver.url.replace(/\/+$/, "")}/${pathName}`,
    graphEnv: () => providerEnvironment(emulator, client),
    graphConfig: () => ({
      "msgraph:tenantId": client.tenantId,
      "msgraph:clientId": client.clientId,
      "msgraph:clientSecret": { secret: client.clientSecret },
      "msgraph:endpoint": emulator.url,
      "msgraph:authorityHost": emulator.url,
    }),
    stack: (name, options) => {
      const stack = new EngineStack(world, name, options);
      stacks.push(stack);
      return stack;
    },
    subscriptionRequests: () => emulator.admin.requestLog().filter((entry) => isSubscriptionRequest(entry.path)),
    close: async () => {
      for (const stack of stacks) stack.cleanup();
      await receiver.close();
      await emulator.close();
    },
  };
  return world;
}

export function isSubscriptionRequest(requestPath: string): boolean {
  return /^\/(v1\.0|beta)\/subscriptions(\/|\?|$)/.test(requestPath);
}

/** "POST /v1.0/subscriptions", "PATCH /v1.0/subscriptions/{id}", ... with status, for readable failures. */
export function describeRequests(entries: LogEntry[]): string[] {
  return entries.map((entry) => `${entry.method} ${entry.path} -> ${entry.status}`);
}

export interface StackOptions {
  /** Program directory (its index.js is the program); default test/engine/program. */
  programDir?: string;
  /** Project directory; default a fresh directory under the OS temp directory. */
  projectDir?: string;
  /** The runner to use (default dist/scripts/stack.js). */
  runner?: string;
  /** Extra stack config, merged over the provider settings. */
  config?: Record<string, unknown>;
  /** The project's name when projectDir holds its own Pulumi.yaml (default msgraph-engine-test). */
  projectName?: string;
}

export interface RunOptions {
  refresh?: boolean;
  expectNoChanges?: boolean;
  diff?: boolean;
  /** Extra environment for the CLI and the provider process. */
  env?: Record<string, string>;
}

export type SubscriptionSpecs = Record<string, Record<string, unknown>>;

/** The program's config: clientState values go to the secret key `clientStates`, as a consumer keeps them. */
function programConfig(specs: SubscriptionSpecs): Record<string, unknown> {
  const subscriptions: SubscriptionSpecs = {};
  const clientStates: Record<string, unknown> = {};
  for (const [name, { clientState, ...spec }] of Object.entries(specs)) {
    subscriptions[name] = clientState === undefined ? spec : { ...spec, secretClientState: true };
    if (clientState !== undefined) clientStates[name] = clientState;
  }
  return { subscriptions, clientStates: { secret: clientStates } };
}

/** One Pulumi stack of the test program, run through the stack runner. */
export class EngineStack {
  readonly projectDir: string;
  readonly project: string;
  private readonly ownsProjectDir: boolean;
  private readonly runner: string;
  private readonly extraConfig: Record<string, unknown>;
  private lastConfig = "";

  constructor(private readonly world: World, readonly name: string, options: StackOptions = {}) {
    this.runner = options.runner ?? runnerScript;
    this.extraConfig = options.config ?? {};
    this.project = options.projectName ?? projectName;
    this.ownsProjectDir = !options.projectDir;
    this.projectDir = options.projectDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `msgraph-engine-${name}-`));
    this.forgetState();
    if (!fs.existsSync(path.join(this.projectDir, "Pulumi.yaml"))) {
      fs.writeFileSync(
        path.join(this.projectDir, "Pulumi.yaml"),
        `name: ${this.project}\nruntime: nodejs\nmain: ${JSON.stringify(options.programDir ?? programDir)}\n`,
      );
    }
  }

  /** `pulumi up` of the given subscriptions. */
  up(specs?: SubscriptionSpecs, options: RunOptions = {}): Promise<RunResult> {
    return this.run("up", specs, options);
  }

  preview(specs?: SubscriptionSpecs, options: RunOptions = {}): Promise<RunResult> {
    return this.run("preview", specs, options);
  }

  refresh(options: RunOptions = {}): Promise<RunResult> {
    return this.run("refresh", undefined, options);
  }

  destroy(options: RunOptions = {}): Promise<RunResult> {
    return this.run("destroy", undefined, options);
  }

  /** Stack outputs, secrets in plain text. */
  async outputs(): Promise<Record<string, Record<string, unknown>>> {
    const result = await this.exec(["outputs", "--show-secrets"]);
    if (result.code !== 0) throw new Error(`outputs failed (${result.code}):\n${result.output}`);
    return JSON.parse(result.stdout);
  }

  /** `pulumi stack export` as stored: secrets stay encrypted. */
  async exportState(): Promise<string> {
    const result = await this.exec(["export"]);
    if (result.code !== 0) throw new Error(`export failed (${result.code}):\n${result.output}`);
    return result.stdout;
  }

  /** The state file itself in the file backend. */
  stateFile(): string {
    return path.join(backendDir, ".pulumi", "stacks", this.project, `${this.name}.json`);
  }

  /**
   * Starts the stack from nothing: state left by an interrupted earlier run would name subscriptions of an
   * emulator that no longer exists (and was encrypted with another project's passphrase salt).
   */
  private forgetState(): void {
    const root = path.join(backendDir, ".pulumi");
    const stacks = path.join(root, "stacks", this.project);
    const files = fs.existsSync(stacks) ? fs.readdirSync(stacks).filter((f) => f.startsWith(`${this.name}.json`)) : [];
    for (const leftover of [
      ...files.map((f) => path.join(stacks, f)),
      path.join(root, "history", this.project, this.name),
      path.join(root, "backups", this.project, this.name),
      path.join(root, "locks", this.project, this.name),
    ]) {
      fs.rmSync(leftover, { recursive: true, force: true });
    }
  }

  /** Graph ids of the Subscription resources in the state, by resource name. */
  async stateIds(): Promise<Record<string, string>> {
    const state = JSON.parse(await this.exportState());
    const ids: Record<string, string> = {};
    for (const resource of state.deployment?.resources ?? []) {
      if (resource.type === "pulumi-nodejs:dynamic/msgraph:Subscription") ids[resource.urn.split("::").pop()] = resource.id;
    }
    return ids;
  }

  async run(command: string, specs: SubscriptionSpecs | undefined, options: RunOptions = {}): Promise<RunResult> {
    const args = [command];
    if (options.refresh) args.push("--refresh");
    if (options.expectNoChanges) args.push("--expect-no-changes");
    if (options.diff) args.push("--diff");
    const config = specs ? { ...this.world.graphConfig(), ...this.extraConfig, ...programConfig(specs) } : undefined;
    const configText = config ? JSON.stringify(config) : "";
    if (config && configText !== this.lastConfig) args.push("--config", configText);
    const result = await this.exec(args, options.env);
    if (config) this.lastConfig = configText;
    return result;
  }

  /** Runs a command after setting the given stack config (for programs other than the test program). */
  runWithConfig(command: string, config: Record<string, unknown>, options: RunOptions = {}): Promise<RunResult> {
    return this.exec([command, "--config", JSON.stringify(config)], options.env);
  }

  private exec(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
    return runProcess(nodeBinary, [this.runner, ...args, "--dir", this.projectDir, "--stack", this.name], {
      cwd: this.projectDir,
      env: {
        ...process.env,
        PULUMI_CLI_DIR: pulumiCliDir(),
        PULUMI_BACKEND_URL: `file://${backendDir}`,
        PULUMI_HOME: pulumiHome,
        PULUMI_CONFIG_PASSPHRASE: "engine-tests",
        NODE_EXTRA_CA_CERTS: this.world.emulator.caFile,
        ...env,
      },
    });
  }

  /** Removes the project directory (the state stays in .pulumi-state/engine for inspection). */
  cleanup(): void {
    if (this.ownsProjectDir) fs.rmSync(this.projectDir, { recursive: true, force: true });
  }
}

/** Runs a process, collecting its output; echoes it when ENGINE_TEST_VERBOSE is set. */
export function runProcess(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let output = "";
    const verbose = !!process.env.ENGINE_TEST_VERBOSE;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      output += chunk;
      if (verbose) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
      output += chunk;
      if (verbose) process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, output, ms: Date.now() - started }));
  });
}

/** Fails with the CLI's output when a run did not exit as expected. */
export function expectExit(result: RunResult, code: number): void {
  if (result.code !== code) {
    throw new Error(`expected exit code ${code}, got ${result.code}; output:\n${result.output}`);
  }
}
