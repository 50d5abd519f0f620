/**
 * Runs the plain Pulumi CLI (`pulumi up`, `preview`, `destroy`, ...) on a `Pulumi.yaml` project, offline.
 *
 * Users run this provider with a normal Pulumi install; this module only supplies what this repository's
 * machines lack, so the demo, the engine tests and the benchmarks run Pulumi exactly as users do:
 * - the pinned CLI and its Node.js language host, built once by scripts/pulumi-cli.sh (or a `pulumi` on
 *   PATH), and Node >= 22 (the npm package `node`) first on PATH for the language host and the
 *   dynamic-provider launcher;
 * - a local file backend (`<project>/.pulumi-state` unless PULUMI_BACKEND_URL says otherwise) and CLI home;
 * - a passphrase secrets provider whose passphrase, unless PULUMI_CONFIG_PASSPHRASE(_FILE) is set, is a
 *   random one kept in `<backend>/passphrase` (mode 0600): secrets in state are never encrypted with an
 *   empty, guessable passphrase;
 * - no update checks and no plugin downloads.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The repository: this file runs from scripts/ (tests) and from dist/scripts/ (compiled). */
function repositoryRoot(from: string): string {
  return fs.existsSync(path.join(from, "package.json")) ? from : repositoryRoot(path.dirname(from));
}
export const repoRoot = repositoryRoot(__dirname);

/** Node >= 22 from the npm package `node` when installed, else the Node running this. */
export function nodeBinary(): string {
  const local = path.join(repoRoot, "node_modules", ".bin", "node");
  return fs.existsSync(local) ? fs.realpathSync(local) : process.execPath;
}

/** The bin directory of the pinned Pulumi CLI: $PULUMI_CLI_DIR, or scripts/pulumi-cli.sh (which builds it once). */
export function pulumiCliDir(): string {
  if (process.env.PULUMI_CLI_DIR) return path.resolve(process.env.PULUMI_CLI_DIR);
  const output = execFileSync("bash", [path.join(repoRoot, "scripts", "pulumi-cli.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return output.trim().split("\n").pop()!;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
  ms: number;
}

export interface RunOptions {
  /** Extra environment for the CLI, the program and the provider process. */
  env?: Record<string, string>;
  /** Show the output on this terminal as it arrives (it is collected as well). */
  echo?: boolean;
  /** up, refresh and destroy run their preview first, as `--yes` alone does, instead of `--skip-preview`. */
  withPreview?: boolean;
  /** Connect the CLI to this terminal (interactive prompts); nothing is collected. */
  inherit?: boolean;
}

export interface PulumiProjectOptions {
  /** The directory holding Pulumi.yaml. */
  dir: string;
  stack: string;
  /** File-backend directory (default: PULUMI_BACKEND_URL, else `<dir>/.pulumi-state`). */
  backendDir?: string;
  /** PULUMI_HOME (default: `<dir>/.pulumi-home`). */
  pulumiHome?: string;
  /** Passphrase for the stack's secrets (default: PULUMI_CONFIG_PASSPHRASE(_FILE), else a random one kept in the backend). */
  passphrase?: string;
  /** The directory holding `pulumi` and `pulumi-language-nodejs` (default: pulumiCliDir()). */
  cliDir?: string;
  /**
   * PULUMI_BACKEND_URL instead of the file backend in backendDir without sidecars: `file://<dir>` as users have it by
   * default, or `azblob://…`, with `backendEnv` (AZURE_STORAGE_ACCOUNT, AZURE_STORAGE_KEY) for it.
   */
  backendUrl?: string;
  backendEnv?: Record<string, string>;
}

/** Config values as `{"key": value}`; `{"secret": value}` stores it encrypted. Objects are stored as JSON. */
export type StackConfig = Record<string, unknown>;

export class PulumiProject {
  readonly dir: string;
  readonly stack: string;
  readonly backendDir: string;
  private readonly options: PulumiProjectOptions;
  private cliDir?: string;
  private stackSelected = false;

  constructor(options: PulumiProjectOptions) {
    this.options = options;
    this.dir = path.resolve(options.dir);
    this.stack = options.stack;
    const fromEnv = process.env.PULUMI_BACKEND_URL?.startsWith("file://") ? process.env.PULUMI_BACKEND_URL.slice("file://".length).split("?")[0] : undefined;
    this.backendDir = path.resolve(options.backendDir ?? fromEnv ?? path.join(this.dir, ".pulumi-state"));
  }

  /** The project's name, from Pulumi.yaml. */
  projectName(): string {
    const text = fs.readFileSync(path.join(this.dir, "Pulumi.yaml"), "utf8");
    const match = /^name:\s*["']?([^"'\s#]+)/m.exec(text);
    if (!match) throw new Error(`${this.dir}/Pulumi.yaml has no name`);
    return match[1]!;
  }

  /** The environment `pulumi` runs with. */
  environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    this.cliDir ??= this.options.cliDir ?? pulumiCliDir();
    fs.mkdirSync(this.backendDir, { recursive: true });
    const pulumiHome = this.options.pulumiHome ?? process.env.PULUMI_HOME ?? path.join(this.dir, ".pulumi-home");
    fs.mkdirSync(pulumiHome, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: [this.cliDir, path.dirname(nodeBinary()), process.env.PATH ?? ""].join(path.delimiter),
      // No `.attrs` sidecar per state file: the file backend (gocloud fileblob) rewrites it in place, not
      // atomically, so a SIGKILL at that moment left it empty and every later command failed with
      // "failed to load checkpoint: EOF" (killedRun.test.ts, once in a cold CI run). The state file itself is
      // written to a temporary file and renamed.
      PULUMI_BACKEND_URL: this.options.backendUrl ?? `file://${this.backendDir}?metadata=skip`,
      ...this.options.backendEnv,
      PULUMI_HOME: pulumiHome,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    if (this.options.passphrase !== undefined) {
      env.PULUMI_CONFIG_PASSPHRASE = this.options.passphrase;
      delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
    } else if (env.PULUMI_CONFIG_PASSPHRASE === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined) {
      env.PULUMI_CONFIG_PASSPHRASE_FILE = this.passphraseFile();
    }
    return { ...env, ...extra };
  }

  /** Runs `pulumi <args>` in the project directory on this project's stack, selecting (or creating) it first. */
  async pulumi(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    await this.selectStack();
    return this.exec(args, options);
  }

  /**
   * `pulumi up`, killed with SIGKILL together with everything it started (language host, program,
   * provider) once `killWhen` holds, as a pipeline agent that is cancelled or dies would: no signal
   * handler runs, no state is written after the kill. `killed` says whether it came to that.
   */
  upKilledWhen(killWhen: () => boolean, flags: readonly string[] = [], options: RunOptions = {}): Promise<{ killed: boolean; result: RunResult }> {
    return this.killedWhen("up", killWhen, flags, options);
  }

  /** `pulumi up` or `pulumi destroy` (`--yes --skip-preview`), killed as upKilledWhen says. */
  async killedWhen(command: "up" | "destroy", killWhen: () => boolean, flags: readonly string[] = [], options: RunOptions = {}): Promise<{ killed: boolean; result: RunResult }> {
    await this.selectStack();
    const started = Date.now();
    const env = this.environment(options.env);
    const child = spawn(path.join(this.cliDir!, "pulumi"), [command, "--yes", "--skip-preview", "--non-interactive", "--stack", this.stack, ...flags], {
      cwd: this.dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    let killed = false;
    const poll = setInterval(() => {
      if (!killed && killWhen()) {
        killed = true;
        // The CLI starts resource plugins in process groups of their own, so the group kill alone would
        // leave the provider running: kill every descendant found before the kill, too.
        const everything = [child.pid!, ...descendantsOf(child.pid!)];
        for (const pid of everything) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
      }
    }, 20);
    return new Promise((resolve, reject) => {
      child.on("error", (error) => {
        clearInterval(poll);
        reject(error);
      });
      child.on("close", (code, signal) => {
        clearInterval(poll);
        resolve({ killed, result: { code: code ?? (signal ? 128 : 1), stdout: output, stderr: "", output, ms: Date.now() - started } });
      });
    });
  }

  /** `pulumi cancel --yes`: lifts the lock a killed run left on the stack. */
  cancel(): Promise<RunResult> {
    return this.pulumi(["cancel", "--yes"]);
  }

  /** `pulumi up --yes`, `preview`, `refresh --yes`, `destroy --yes` with the given flags. */
  up(flags: readonly string[] = [], options?: RunOptions): Promise<RunResult> {
    return this.pulumi(["up", "--yes", ...skipPreview(options), ...flags], options);
  }
  preview(flags: readonly string[] = [], options?: RunOptions): Promise<RunResult> {
    return this.pulumi(["preview", ...flags], options);
  }
  refresh(flags: readonly string[] = [], options?: RunOptions): Promise<RunResult> {
    return this.pulumi(["refresh", "--yes", ...skipPreview(options), ...flags], options);
  }
  destroy(flags: readonly string[] = [], options?: RunOptions): Promise<RunResult> {
    return this.pulumi(["destroy", "--yes", ...skipPreview(options), ...flags], options);
  }

  /** Sets stack config; keys without a namespace belong to the project. */
  async setConfig(config: StackConfig): Promise<void> {
    const project = this.projectName();
    const json: Record<string, { value: string; secret: boolean }> = {};
    for (const [key, raw] of Object.entries(config)) {
      const secret = typeof raw === "object" && raw !== null && "secret" in raw;
      const value = secret ? (raw as { secret: unknown }).secret : raw;
      json[key.includes(":") ? key : `${project}:${key}`] = { value: typeof value === "string" ? value : JSON.stringify(value), secret };
    }
    const result = await this.pulumi(["config", "set-all", "--json", JSON.stringify(json)]);
    if (result.code !== 0) throw new Error(`pulumi config set-all failed (exit ${result.code}):\n${result.output}`);
  }

  /** The stack's config, secrets hidden; {} when the stack has none. */
  async config(): Promise<Record<string, unknown>> {
    const result = await this.pulumi(["config", "--json"]);
    if (result.code !== 0) return {};
    const parsed = JSON.parse(result.stdout) as Record<string, { value?: string; secret?: boolean }>;
    return Object.fromEntries(Object.entries(parsed).map(([key, entry]) => [key, entry.secret ? "[secret]" : entry.value]));
  }

  /** Stack outputs; secret ones in plain text only with `showSecrets`. */
  async outputs(showSecrets = false): Promise<Record<string, any>> {
    const result = await this.pulumi(["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])]);
    if (result.code !== 0) throw new Error(`pulumi stack output failed (exit ${result.code}):\n${result.output}`);
    return JSON.parse(result.stdout);
  }

  /** `pulumi stack export`: the state as stored, secrets encrypted. */
  async exportState(): Promise<string> {
    const result = await this.pulumi(["stack", "export"]);
    if (result.code !== 0) throw new Error(`pulumi stack export failed (exit ${result.code}):\n${result.output}`);
    return result.stdout;
  }

  private async selectStack(): Promise<void> {
    if (this.stackSelected) return;
    const result = await this.exec(["stack", "select", "--create", this.stack, "--secrets-provider", "passphrase"], {});
    if (result.code !== 0) throw new Error(`pulumi stack select --create ${this.stack} failed (exit ${result.code}):\n${result.output}`);
    this.stackSelected = true;
  }

  private exec(args: readonly string[], options: RunOptions): Promise<RunResult> {
    const started = Date.now();
    const env = this.environment(options.env);
    const command = path.join(this.cliDir!, "pulumi");
    const fullArgs = [
      ...args,
      ...(args[0] === "stack" && args[1] === "select" ? [] : ["--stack", this.stack]),
      // A terminal gets the CLI's live display; everything else gets plain, collectable lines.
      ...(options.inherit ? [] : ["--non-interactive"]),
    ];
    if (options.inherit) {
      return new Promise((resolve, reject) => {
        const child = spawn(command, fullArgs, { cwd: this.dir, env, stdio: "inherit" });
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout: "", stderr: "", output: "", ms: Date.now() - started }));
      });
    }
    return runProcess(command, fullArgs, { cwd: this.dir, env, echo: options.echo });
  }

  /** A random passphrase for this backend's stacks, made once and readable by this user only. */
  private passphraseFile(): string {
    const file = path.join(this.backendDir, "passphrase");
    if (!fs.existsSync(file)) {
      try {
        fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
    return file;
  }
}

/** Runs a process, collecting its output (and echoing it when asked). */
export function runProcess(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; echo?: boolean }): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      output += chunk;
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
      output += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, output, ms: Date.now() - started }));
  });
}

/** Every process below `pid`, from /proc (Linux); none where /proc cannot be read. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      // The command name in parentheses may hold spaces; the parent pid is the second field after it.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // ended meanwhile
    }
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

/** Tests skip the preview of up, refresh and destroy unless they are about it: it doubles every command's time. */
function skipPreview(options?: RunOptions): string[] {
  return options?.withPreview ? [] : ["--skip-preview"];
}
