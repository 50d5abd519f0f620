/**
 * Engine-test harness: a real emulator and webhook receiver in the test process, and the plain Pulumi CLI
 * (`pulumi up`, `preview`, `refresh`, `destroy`) run on Pulumi.yaml projects as users run it, through
 * scripts/pulumiProject.ts. Nothing of Pulumi runs inside jest's module sandbox, whose module registry
 * would break closure serialization.
 *
 * Each test file starts one emulator and receiver (`startWorld`) and one stack per scenario
 * (`world.stack(name)`); each stack gets its own project directory under the OS temp directory and its
 * state in `.pulumi-state/engine/` in the repository.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { providerEnvironment, providerStackConfig, startEmulator, startWebhookReceiver, type EmulatorClientOptions, type EmulatorOptions } from "../../emulator";
import { languageEnvironment, nativeSettings, subscriptionTypes, writeNativeProject, yamlProgramConfig, type ProgramLanguage } from "./nativePrograms";
import { nodeBinary as localNode, PulumiProject, pulumiCliDir as buildPulumiCli, repoRoot, runProcess, type RunResult } from "../../scripts/pulumiProject";

export { repoRoot, runProcess, type ProgramLanguage, type RunResult };
export const cliScript = path.join(repoRoot, "dist", "cli", "main.js");
export const programDir = path.join(__dirname, "program");
export const projectName = "msgraph-engine-test";
export const backendDir = path.join(repoRoot, ".pulumi-state", "engine");
export const pulumiHome = path.join(repoRoot, ".pulumi-home");
const emulatorStateDir = process.env.MSGRAPH_EMULATOR_STATE_DIR ?? path.join(repoRoot, ".emulator", "test");

/** Engine operations spawn the CLI several times; a scenario takes tens of seconds on two cores. */
jest.setTimeout(300_000);

/** Node >= 22 (the npm package `node`) when installed, else this Node. */
export const nodeBinary = localNode();

let cliDir: string | undefined;
/** The bin directory of the pinned Pulumi CLI (built on first use by scripts/pulumi-cli.sh). */
export function pulumiCliDir(): string {
  cliDir ??= buildPulumiCli();
  return cliDir;
}

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
export type Client = Emulator["clients"][number];
export type Admin = Emulator["admin"];
export type LogEntry = ReturnType<Admin["requestLog"]>[number];

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
  /** Every line the CLI printed in this world, and the secrets given to it: close() checks none leaked. */
  readonly transcript: string[];
  readonly secrets: Set<string>;
  close(): Promise<void>;
}

/** An access token or a JWT of any kind: never printed, whoever issued it. */
const jwtPattern = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/;

/** Where each secret of the world shows up in what the CLI printed or stored, if anywhere. */
export function leakedSecrets(texts: readonly string[], secrets: Iterable<string>): string[] {
  const leaks: string[] = [];
  for (const secret of secrets) {
    for (const text of texts) if (text.includes(secret)) leaks.push(`'${secret.slice(0, 4)}…' appears in: ${excerpt(text, text.indexOf(secret))}`);
  }
  for (const text of texts) {
    const token = jwtPattern.exec(text);
    if (token) leaks.push(`a JWT appears in: ${excerpt(text, token.index)}`);
  }
  return leaks;
}

function excerpt(text: string, at: number): string {
  return JSON.stringify(text.slice(Math.max(0, at - 80), at + 40));
}

export async function startWorld(options: { clients?: EmulatorClientOptions[]; graphAhead?: EmulatorOptions["graphAhead"] } = {}): Promise<World> {
  pulumiCliDir();
  const emulator = await startEmulator({ stateDir: emulatorStateDir, clients: options.clients, graphAhead: options.graphAhead });
  let receiver: Receiver;
  try {
    receiver = await startWebhookReceiver({ stateDir: emulatorStateDir });
  } catch (error) {
    await emulator.close(); // half a world would keep jest alive
    throw error;
  }
  const client = emulator.clients[0];
  const stacks: EngineStack[] = [];
  const world: World = {
    emulator,
    receiver,
    admin: emulator.admin,
    client,
    webhook: (pathName = "notifications") => `${receiver.url.replace(/\/+$/, "")}/${pathName}`,
    graphEnv: () => providerEnvironment(emulator, client),
    graphConfig: () => providerStackConfig(emulator, client),
    stack: (name, options) => {
      const stack = new EngineStack(world, name, options);
      stacks.push(stack);
      return stack;
    },
    subscriptionRequests: () => emulator.admin.requestLog().filter((entry) => isSubscriptionRequest(entry.path)),
    transcript: [],
    secrets: new Set(emulator.clients.map((c) => c.clientSecret)),
    close: async () => {
      const stored = stacks.map((stack) => stack.stateFile()).filter((file) => fs.existsSync(file)).map((file) => fs.readFileSync(file, "utf8"));
      const leaks = leakedSecrets([...world.transcript, ...stored], world.secrets);
      for (const stack of stacks) stack.cleanup();
      await receiver.close();
      await emulator.close();
      if (leaks.length > 0) throw new Error(`secrets leaked into CLI output or state:\n${leaks.join("\n")}`);
    },
  };
  return world;
}

function backendOf(backend: StackOptions["backend"]): { backendUrl?: string; backendEnv?: Record<string, string> } {
  if (backend === undefined || backend === "file") return {};
  if (backend === "file-with-sidecars") return { backendUrl: `file://${backendDir}` };
  return { backendUrl: backend.url, backendEnv: backend.env };
}

export function isSubscriptionRequest(requestPath: string): boolean {
  return /^\/(v1\.0|beta)\/subscriptions(\/|\?|$)/.test(requestPath);
}

/** "POST /v1.0/subscriptions", "PATCH /v1.0/subscriptions/{id}", ... with status, for readable failures. */
export function describeRequests(entries: LogEntry[]): string[] {
  return entries.map((entry) => `${entry.method} ${entry.path} -> ${entry.status}`);
}

export interface StackOptions {
  /**
   * The program's language: nodejs runs the dynamic resource (test/engine/program); python, go and yaml run the
   * native provider from bin/ (nativePrograms.ts). Default nodejs.
   */
  language?: ProgramLanguage;
  /** Program directory (its index.js is the program); default test/engine/program. */
  programDir?: string;
  /** Project directory; default a fresh directory under the OS temp directory. */
  projectDir?: string;
  /** Extra stack config, merged over the provider settings. */
  config?: Record<string, unknown>;
  /** The project's name when projectDir holds its own Pulumi.yaml (default msgraph-engine-test). */
  projectName?: string;
  /**
   * Where the state lives: the file backend without metadata sidecars (default, `?metadata=skip`), the file backend as
   * users have it by default (`file://<dir>`, with sidecars), or another backend's URL and environment (azblob).
   */
  backend?: "file" | "file-with-sidecars" | { url: string; env: Record<string, string> };
}

export interface RunOptions {
  refresh?: boolean;
  expectNoChanges?: boolean;
  diff?: boolean;
  /** Extra environment for the CLI and the provider process. */
  env?: Record<string, string>;
  /** up, refresh and destroy run their preview first, as pipelines' `--yes` does (tests skip it by default). */
  withPreview?: boolean;
}

export type SubscriptionSpecs = Record<string, Record<string, unknown>>;

/**
 * The program's config: clientState values go to the secret key `clientStates`, and a connection's clientSecret to
 * the secret key `connectionSecrets`, as a consumer keeps them.
 */
function programConfig(specs: SubscriptionSpecs, secrets?: Set<string>): Record<string, unknown> {
  const subscriptions: SubscriptionSpecs = {};
  const clientStates: Record<string, unknown> = {};
  const connectionSecrets: Record<string, unknown> = {};
  for (const [name, { clientState, ...spec }] of Object.entries(specs)) {
    subscriptions[name] = clientState === undefined ? spec : { ...spec, secretClientState: true };
    if (clientState !== undefined) clientStates[name] = clientState;
    if (typeof clientState === "string") secrets?.add(clientState);
    const connection = spec.connection as Record<string, unknown> | undefined;
    if (connection?.clientSecret !== undefined) {
      const { clientSecret, ...rest } = connection;
      subscriptions[name] = { ...subscriptions[name], connection: rest, secretConnection: true };
      connectionSecrets[name] = clientSecret;
      if (typeof clientSecret === "string") secrets?.add(clientSecret);
    }
  }
  return { subscriptions, clientStates: { secret: clientStates }, connectionSecrets: { secret: connectionSecrets } };
}

/** One Pulumi stack of a Pulumi.yaml project (default: the test program), run with the plain CLI. */
export class EngineStack {
  readonly projectDir: string;
  readonly language: ProgramLanguage;
  readonly project: string;
  private readonly ownsProjectDir: boolean;
  private readonly extraConfig: Record<string, unknown>;
  private readonly pulumi: PulumiProject;
  private lastConfig = "";

  constructor(private readonly world: World, readonly name: string, options: StackOptions = {}) {
    this.extraConfig = options.config ?? {};
    this.project = options.projectName ?? projectName;
    this.ownsProjectDir = !options.projectDir;
    this.projectDir = options.projectDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `msgraph-engine-${name}-`));
    this.forgetState();
    this.language = options.language ?? "nodejs";
    if (fs.existsSync(path.join(this.projectDir, "Pulumi.yaml"))) {
      // The project's own (an example's).
    } else if (this.language !== "nodejs") {
      writeNativeProject(this.projectDir, this.project, this.language, {});
    } else {
      fs.writeFileSync(
        path.join(this.projectDir, "Pulumi.yaml"),
        `name: ${this.project}\nruntime: nodejs\nmain: ${JSON.stringify(options.programDir ?? programDir)}\n`,
      );
    }
    this.pulumi = new PulumiProject({
      dir: this.projectDir,
      stack: name,
      backendDir,
      pulumiHome,
      passphrase: "engine-tests",
      cliDir: pulumiCliDir(),
      ...backendOf(options.backend),
    });
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
  outputs(): Promise<Record<string, any>> {
    return this.pulumi.outputs(true);
  }

  /** `pulumi stack export` as stored: secrets stay encrypted. */
  exportState(): Promise<string> {
    return this.pulumi.exportState();
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
      // The CLI keeps locks under the organization: .pulumi/locks/organization/<project>/<stack>.
      path.join(root, "locks", "organization", this.project, this.name),
    ]) {
      fs.rmSync(leftover, { recursive: true, force: true });
    }
  }

  /** Graph ids of the Subscription resources in the state, by resource name. */
  async stateIds(): Promise<Record<string, string>> {
    const state = JSON.parse(await this.exportState());
    const ids: Record<string, string> = {};
    for (const resource of state.deployment?.resources ?? []) {
      if (subscriptionTypes.includes(resource.type)) ids[resource.urn.split("::").pop()] = resource.id;
    }
    return ids;
  }

  async run(command: "up" | "preview" | "refresh" | "destroy", specs: SubscriptionSpecs | undefined, options: RunOptions = {}): Promise<RunResult> {
    if (specs) {
      const config = this.stackConfig(specs);
      const configText = JSON.stringify(config);
      if (configText !== this.lastConfig) {
        if (this.language === "yaml") writeNativeProject(this.projectDir, this.project, "yaml", specs);
        await this.pulumi.setConfig(config);
        this.lastConfig = configText;
      }
    }
    return this.command(command, options);
  }

  /** `pulumi up` of the given subscriptions, SIGKILLed with its plugins once `killWhen` holds. */
  async upKilledWhen(specs: SubscriptionSpecs, killWhen: () => boolean, options: { flags?: string[]; env?: Record<string, string> } = {}): Promise<{ killed: boolean; result: RunResult }> {
    if (this.language === "yaml") writeNativeProject(this.projectDir, this.project, "yaml", specs);
    await this.pulumi.setConfig(this.stackConfig(specs));
    this.lastConfig = "";
    return this.killedWhen("up", killWhen, options);
  }

  /** `pulumi up` or `destroy` of the stack's current config, SIGKILLed with its plugins once `killWhen` holds. */
  async killedWhen(command: "up" | "destroy", killWhen: () => boolean, options: { flags?: string[]; env?: Record<string, string> } = {}): Promise<{ killed: boolean; result: RunResult }> {
    const env = { NODE_EXTRA_CA_CERTS: this.world.emulator.caFile, ...languageEnvironment(this.language), ...options.env };
    const outcome = await this.pulumi.killedWhen(command, killWhen, options.flags ?? [], { env });
    this.world.transcript.push(outcome.result.output);
    return outcome;
  }

  /** `pulumi cancel`, for the lock a killed run leaves. */
  cancel(): Promise<RunResult> {
    return this.pulumi.cancel();
  }

  /** Sets the stack config for the given subscriptions without running a command, for scripts that run `pulumi` themselves. */
  async configure(specs: SubscriptionSpecs): Promise<void> {
    if (this.language === "yaml") writeNativeProject(this.projectDir, this.project, "yaml", specs);
    await this.pulumi.setConfig(this.stackConfig(specs));
    this.lastConfig = "";
  }

  /** The environment `pulumi` runs with on this stack (CLI and Node on PATH, backend, passphrase, the emulator's CA), for scripts that run it themselves. */
  environment(): NodeJS.ProcessEnv {
    return this.pulumi.environment({ NODE_EXTRA_CA_CERTS: this.world.emulator.caFile, ...languageEnvironment(this.language) });
  }

  /**
   * The stack config for these subscriptions: the provider settings (under the native package's namespace for the
   * native provider), the extra config, and the program's.
   */
  private stackConfig(specs: SubscriptionSpecs): Record<string, unknown> {
    const settings = { ...this.world.graphConfig(), ...this.extraConfig };
    const provider = this.language === "nodejs" ? settings : nativeSettings(settings);
    return { ...provider, ...programConfig(specs, this.world.secrets), ...(this.language === "yaml" ? yamlProgramConfig(specs) : {}) };
  }

  /** Runs a command after setting the given stack config (for programs other than the test program). */
  async runWithConfig(command: "up" | "preview" | "refresh" | "destroy", config: Record<string, unknown>, options: RunOptions = {}): Promise<RunResult> {
    await this.pulumi.setConfig(config);
    return this.command(command, options);
  }

  private async command(command: "up" | "preview" | "refresh" | "destroy", options: RunOptions): Promise<RunResult> {
    const flags = [
      ...(options.refresh ? ["--refresh"] : []),
      ...(options.expectNoChanges ? ["--expect-no-changes"] : []),
      ...(options.diff ? ["--diff"] : []),
    ];
    const run = {
      env: { NODE_EXTRA_CA_CERTS: this.world.emulator.caFile, ...languageEnvironment(this.language), ...options.env },
      echo: !!process.env.ENGINE_TEST_VERBOSE,
      withPreview: options.withPreview,
    };
    const result = await this.pulumi[command](flags, run);
    this.world.transcript.push(result.output);
    return result;
  }

  /** Removes the project directory (the state stays in .pulumi-state/engine for inspection). */
  cleanup(): void {
    if (this.ownsProjectDir) fs.rmSync(this.projectDir, { recursive: true, force: true });
  }
}

/** Fails with the CLI's output when a run did not exit as expected. */
export function expectExit(result: RunResult, code: number): void {
  if (result.code !== code) {
    throw new Error(`expected exit code ${code}, got ${result.code}; output:\n${result.output}`);
  }
}
