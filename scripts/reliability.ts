/**
 * The reliability suite: plain `pulumi up` and `pulumi destroy` of the engine test program against the
 * emulator, under injected faults with fixed seeds, then a load test of many subscriptions under Graph's
 * own throttle. After every step it compares the stack's state with what the emulator holds, and writes
 * the figures to RELIABILITY.md (nobody types them).
 *
 *   npm run reliability [-- --subscriptions 50] [-- --load 1000] [-- --no-load] [-- --kill-runs 3] [-- --out RELIABILITY.md]
 *
 * The killed run is repeated (--kill-runs) on each place users keep state: the file backend in its safe form
 * (`?metadata=skip`), the file backend as it comes (with metadata sidecars; a damaged sidecar is repaired with
 * `msgraph-subscriptions doctor --repair-state`, the documented repair), and Azure Blob Storage (Azurite).
 *
 * Exits 1 when any step failed or left an orphan or a missing subscription.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { providerEnvironment, providerStackConfig, startEmulator, startWebhookReceiver, type FaultSpec, type RunningEmulator } from "../emulator";
import { graphLimits } from "../provider/limits";
import { startAzurite, type RunningAzurite } from "./azurite";
import { nodeBinary, PulumiProject, repoRoot, runProcess, type RunResult } from "./pulumiProject";

interface Scenario {
  name: string;
  faults: FaultSpec[];
}

/** Seeds are fixed, so a run can be repeated; each scenario's faults apply to up and destroy alike. */
const scenarios: Scenario[] = [
  { name: "none (baseline)", faults: [] },
  {
    name: "20% random 5xx, a third after the request was applied",
    faults: [
      { status: 500, rate: 0.1, seed: 11, afterApplyRate: 0.33 },
      { status: 503, rate: 0.1, seed: 12, afterApplyRate: 0.33 },
    ],
  },
  {
    name: "429 bursts (Retry-After 2 s)",
    faults: [
      { status: 429, retryAfterSeconds: 2, count: 15, method: "POST" },
      { status: 429, retryAfterSeconds: 2, count: 15, method: "DELETE" },
      { status: 429, retryAfterSeconds: 1, count: 5, method: "GET" },
    ],
  },
  { name: "429 storm: 30 POSTs answered 429 with Retry-After 3 s", faults: [{ status: 429, retryAfterSeconds: 3, count: 30, method: "POST" }] },
  { name: "connection resets (15%, a third after applying)", faults: [{ kind: "reset", rate: 0.15, seed: 21, afterApplyRate: 0.33 }] },
  { name: "answers slower than the client timeout (5%)", faults: [{ kind: "slow", delayMs: 5_000, rate: 0.05, seed: 31, afterApplyRate: 0.5 }] },
  {
    name: "all of the above at once",
    faults: [
      { status: 500, rate: 0.07, seed: 41, afterApplyRate: 0.33 },
      { status: 503, rate: 0.07, seed: 42, afterApplyRate: 0.33 },
      { status: 429, retryAfterSeconds: 2, count: 10, method: "POST" },
      { kind: "reset", rate: 0.05, seed: 43, afterApplyRate: 0.33 },
      { kind: "slow", delayMs: 5_000, rate: 0.03, seed: 44, afterApplyRate: 0.5 },
    ],
  },
];

interface StepFigures {
  step: string;
  exit: number;
  seconds: number;
  requests: number;
  faults: number;
  retries: number;
  orphans: number;
  missing: number;
}

const programDir = path.join(repoRoot, "test", "engine", "program");
const subscriptionType = "pulumi-nodejs:dynamic/msgraph:Subscription";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      subscriptions: { type: "string", default: "50" },
      load: { type: "string", default: "1000" },
      "no-load": { type: "boolean" },
      "kill-runs": { type: "string", default: "3" },
      out: { type: "string", default: path.join(repoRoot, "RELIABILITY.md") },
    },
  });
  const count = Number(values.subscriptions);
  const killedCount = 60;
  const loadCount = values["no-load"] ? 0 : Number(values.load);
  const killRuns = Number(values["kill-runs"]);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "msgraph-reliability-"));
  const emulator = await startEmulator({ stateDir: path.join(workDir, "emulator"), throttle: true });
  const receiver = await startWebhookReceiver({ stateDir: path.join(workDir, "emulator") });
  const rows: Array<{ scenario: string; figures: StepFigures[] }> = [];
  const kills: KillFigures[] = [];
  let failed = false;
  let azurite: RunningAzurite | undefined;
  try {
    for (const [index, scenario] of scenarios.entries()) {
      process.stdout.write(`reliability: ${new Date().toISOString()} ${scenario.name}\n`);
      const project = newProject(workDir, `faults-${index}`);
      const figures = await upAndDestroy(emulator, project, specs(count, receiver.url, `s${index}`), scenario.faults, ["up", "destroy"]);
      rows.push({ scenario: scenario.name, figures });
    }
    process.stdout.write(`reliability: killed runs (${killedCount} subscriptions, SIGKILL once half are created)\n`);
    const killed = await killedRun(emulator, newProject(workDir, "killed"), specs(killedCount, receiver.url, "k1"));
    rows.push({ scenario: `killed run: SIGKILL of pulumi up (and its plugins) once ${killedCount / 2} of ${killedCount} exist, pulumi cancel, then up --refresh`, figures: killed });
    azurite = await startAzurite({ location: path.join(workDir, "azurite") });
    for (const backend of killBackends) {
      for (let run = 1; run <= killRuns; run++) {
        process.stdout.write(`reliability: killed run ${run} of ${killRuns} on ${backend}\n`);
        const name = `kill-${backend.replace(/[^a-z]/g, "")}-${run}`;
        const project = await projectOn(backend, name);
        const emptySidecar = backend === "file, as it comes, sidecar left empty by the kill";
        kills.push({ backend, run, ...(await killedAndRecovered(emulator, project, specs(killedCount, receiver.url, `k${kills.length + 2}`), emptySidecar)) });
      }
    }
    fs.writeFileSync(values.out!, report(count, rows, 0, [], kills));
    let load: StepFigures[] = [];
    if (loadCount > 0) {
      process.stdout.write(`reliability: load test of ${loadCount} subscriptions under Graph's throttle\n`);
      const project = newProject(workDir, "load");
      load = await upAndDestroy(emulator, project, specs(loadCount, receiver.url, "load"), [], ["up", "preview --refresh", "destroy"]);
    }
    // A killed step is expected to end non-zero and out of step with Graph: the next step must repair it.
    failed =
      [...rows.flatMap((row) => row.figures), ...load].filter((step) => !step.step.startsWith("up, killed")).some((step) => step.exit !== 0 || step.orphans > 0 || step.missing > 0) ||
      kills.some((kill) => kill.recoveryExit !== 0 || kill.orphans > 0 || kill.missing > 0 || kill.duplicates > 0 || kill.destroyExit !== 0);
    fs.writeFileSync(values.out!, report(count, rows, loadCount, load, kills));
    process.stdout.write(`reliability: wrote ${values.out}${failed ? " (with failures)" : ""}\n`);
  } finally {
    await azurite?.close();
    await receiver.close();
    await emulator.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;

  async function projectOn(backend: KillBackend, name: string): Promise<PulumiProject> {
    const dir = path.join(workDir, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: msgraph-reliability\nruntime: nodejs\nmain: ${JSON.stringify(programDir)}\n`);
    const base = { dir, stack: name, pulumiHome: path.join(workDir, "pulumi-home"), passphrase: "reliability" };
    if (backend === "file, safe form (?metadata=skip)") return new PulumiProject({ ...base, backendDir: path.join(workDir, "backend") });
    if (backend.startsWith("file, as it comes")) return new PulumiProject({ ...base, backendDir: path.join(workDir, "backend-sidecars"), backendUrl: `file://${path.join(workDir, "backend-sidecars")}` });
    const { url, env } = await azurite!.backend(name);
    return new PulumiProject({ ...base, backendDir: path.join(workDir, "unused"), backendUrl: url, backendEnv: env });
  }

  function newProject(root: string, name: string): PulumiProject {
    const dir = path.join(root, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: msgraph-reliability\nruntime: nodejs\nmain: ${JSON.stringify(programDir)}\n`);
    return new PulumiProject({ dir, stack: name, backendDir: path.join(root, "backend"), pulumiHome: path.join(root, "pulumi-home"), passphrase: "reliability" });
  }
}

/** Mail subscriptions, one mailbox each: Graph's quota is per mailbox, so any count fits. */
interface Generated {
  prefix: string;
  count: number;
  template: Record<string, unknown>;
}

function specs(count: number, webhook: string, prefix: string): Generated {
  const group = prefix.padEnd(8, "0").slice(0, 8).replace(/[^0-9a-f]/g, "a");
  return {
    prefix,
    count,
    template: {
      resource: `users/${group}-0000-4000-8000-{i}/messages`,
      changeType: "created",
      notificationUrl: `${webhook.replace(/\/+$/, "")}/reliability`,
      lifetimeMinutes: 600,
    },
  };
}

/** The names the program gives the generated subscriptions. */
function namesOf(generated: Generated): Record<string, unknown> {
  return Object.fromEntries(Array.from({ length: generated.count }, (_, i) => [`${generated.prefix}-${i}`, true]));
}

async function upAndDestroy(
  emulator: RunningEmulator,
  project: PulumiProject,
  generated: Generated,
  faults: FaultSpec[],
  steps: string[],
): Promise<StepFigures[]> {
  const client = emulator.clients[0]!;
  await project.setConfig(stackConfig(emulator, generated, { "msgraph:requestTimeoutSeconds": "3" }));
  const env = { NODE_EXTRA_CA_CERTS: emulator.caFile, ...providerEnvironment(emulator, client) };
  const subscriptions = namesOf(generated);
  const figures: StepFigures[] = [];
  for (const step of steps) {
    emulator.admin.clearFaults();
    emulator.admin.clearStats();
    emulator.admin.clearRequestLog();
    for (const fault of faults) emulator.admin.injectFault(fault);
    const started = Date.now();
    const result: RunResult =
      step === "up" ? await project.up([], { env }) : step === "destroy" ? await project.destroy([], { env }) : await project.preview(["--refresh"], { env });
    const seconds = (Date.now() - started) / 1000;
    emulator.admin.clearFaults();
    if (result.code !== 0) process.stderr.write(`${step} exited ${result.code}:\n${result.output.slice(-4000)}\n`);
    figures.push({ step, exit: result.code, seconds, ...(await compare(emulator, project, step === "destroy" ? {} : subscriptions)) });
  }
  return figures;
}

/** The engine program's config: the emulator's first client, and the generated subscriptions. */
function stackConfig(emulator: RunningEmulator, generated: Generated, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...providerStackConfig(emulator),
    ...extra,
    subscriptions: {},
    generated,
    clientStates: { secret: {} },
  };
}

/** The measurement of issue 8: up killed mid-way, the lock lifted, the next up --refresh must need nothing else. */
async function killedRun(emulator: RunningEmulator, project: PulumiProject, generated: Generated): Promise<StepFigures[]> {
  const subscriptions = namesOf(generated);
  await project.setConfig(stackConfig(emulator, generated));
  const env = { NODE_EXTRA_CA_CERTS: emulator.caFile };
  const half = Object.keys(subscriptions).length / 2;
  const figures: StepFigures[] = [];
  emulator.admin.clearRequestLog();
  emulator.admin.clearStats();
  let started = Date.now();
  const { killed, result } = await project.upKilledWhen(() => emulator.admin.listSubscriptions().length >= half, [], { env });
  const seconds = (Date.now() - started) / 1000;
  const cancel = await project.cancel();
  if (cancel.code !== 0) process.stderr.write(`pulumi cancel exited ${cancel.code}:\n${cancel.output}\n`);
  figures.push({ step: killed ? "up, killed" : "up (finished before the kill)", exit: result.code, seconds, ...(await compare(emulator, project, subscriptions)) });
  for (const [step, run] of [
    ["up --refresh", () => project.up(["--refresh"], { env })],
    ["destroy", () => project.destroy([], { env })],
  ] as const) {
    emulator.admin.clearRequestLog();
    started = Date.now();
    const outcome = await run();
    if (outcome.code !== 0) process.stderr.write(`${step} exited ${outcome.code}:\n${outcome.output.slice(-4000)}\n`);
    figures.push({ step, exit: outcome.code, seconds: (Date.now() - started) / 1000, ...(await compare(emulator, project, step === "destroy" ? {} : subscriptions)) });
  }
  return figures;
}

const killBackends = [
  "file, safe form (?metadata=skip)",
  "file, as it comes (metadata sidecars)",
  // A kill lands on the sidecar's rewrite only sometimes (2 of 4 when measured); this one leaves it as such a kill does.
  "file, as it comes, sidecar left empty by the kill",
  "Azure Blob Storage (azblob://, Azurite)",
] as const;
type KillBackend = (typeof killBackends)[number];

interface KillFigures {
  backend: KillBackend;
  run: number;
  /** How many of the declared subscriptions Graph had when the kill landed. */
  createdAtKill: number;
  /** Whether the stack could be loaded after the kill, and what doctor did when it could not. */
  loadable: boolean;
  repaired: boolean;
  recoveryExit: number;
  orphans: number;
  missing: number;
  /** Subscriptions in Graph on the same resource more than once. */
  duplicates: number;
  destroyExit: number;
  leftAfterDestroy: number;
}

/**
 * One killed run as a user meets it: SIGKILL once half exist; if the stack cannot be loaded (the file backend's
 * damaged sidecar), the documented repair, `msgraph-subscriptions doctor --repair-state`; then pulumi cancel,
 * up --refresh, and destroy. Graph starts empty for each run.
 */
async function killedAndRecovered(emulator: RunningEmulator, project: PulumiProject, generated: Generated, emptySidecar = false): Promise<Omit<KillFigures, "backend" | "run">> {
  emulator.admin.reset();
  const subscriptions = namesOf(generated);
  await project.setConfig(stackConfig(emulator, generated));
  const env = { NODE_EXTRA_CA_CERTS: emulator.caFile };
  const half = Object.keys(subscriptions).length / 2;
  await project.upKilledWhen(() => emulator.admin.listSubscriptions().length >= half, [], { env });
  const createdAtKill = emulator.admin.listSubscriptions().length;
  if (emptySidecar) fs.writeFileSync(path.join(project.backendDir, ".pulumi", "stacks", "msgraph-reliability", `${project.stack}.json.attrs`), "");
  const loadable = (await project.pulumi(["stack", "export"])).code === 0;
  let repaired = false;
  if (!loadable) {
    const doctor = await runProcess(nodeBinary(), [path.join(repoRoot, "dist", "cli", "main.js"), "doctor", "--repair-state", "--stack", project.stack, "--cwd", project.dir], {
      cwd: project.dir,
      env: project.environment({ ...env, ...providerEnvironment(emulator) }),
    });
    repaired = /^repaired: /m.test(doctor.stdout);
    if (!repaired) process.stderr.write(`doctor --repair-state did not repair:\n${doctor.output}\n`);
  }
  await project.cancel();
  const recovery = await project.up(["--refresh"], { env });
  if (recovery.code !== 0) process.stderr.write(`up --refresh exited ${recovery.code}:\n${recovery.output.slice(-4000)}\n`);
  const { orphans, missing } = await compare(emulator, project, subscriptions);
  const resources = emulator.admin.listSubscriptions().map((subscription) => subscription.resource);
  const duplicates = resources.length - new Set(resources).size;
  const destroy = await project.destroy([], { env });
  return { createdAtKill, loadable, repaired, recoveryExit: recovery.code, orphans, missing, duplicates, destroyExit: destroy.code, leftAfterDestroy: emulator.admin.listSubscriptions().length };
}

/** Requests, faults and retries from the emulator's log; orphans and missing from state against Graph. */
async function compare(emulator: RunningEmulator, project: PulumiProject, declared: Record<string, unknown>): Promise<Omit<StepFigures, "step" | "exit" | "seconds">> {
  await settle(emulator);
  const log = emulator.admin.requestLog().filter((entry) => /^\/(v1\.0|beta)\/subscriptions/.test(entry.path));
  const stats = emulator.admin.stats();
  const faults = Object.values(stats.faults.served).reduce((a, b) => a + b, 0) + stats.faults.earlyRetries + stats.throttled;
  const answered = log.filter((entry) => entry.status !== 0 && entry.status !== 429 && entry.status < 500 && !entry.injectedFault).length;
  const state = JSON.parse(await project.exportState()) as { deployment?: { resources?: Array<{ type: string; id: string; urn: string }> } };
  const inState = new Map((state.deployment?.resources ?? []).filter((r) => r.type === subscriptionType).map((r) => [r.id, r.urn.split("::").pop()!]));
  const inGraph = new Set(emulator.admin.listSubscriptions().map((s) => s.id));
  const orphans = [...inGraph].filter((id) => !inState.has(id)).length;
  const recordedNames = new Set([...inState.entries()].filter(([id]) => inGraph.has(id)).map(([, name]) => name));
  const missing = Object.keys(declared).filter((name) => !recordedNames.has(name)).length + [...inState.keys()].filter((id) => !inGraph.has(id)).length;
  return { requests: log.length, faults, retries: Math.max(0, log.length - answered), orphans, missing };
}

/** Slow answers finish (and are applied) after the client gave up on them: wait for those before counting. */
async function settle(emulator: RunningEmulator): Promise<void> {
  const slowest = 5_000;
  if (emulator.admin.stats().faults.served.slow > 0) await new Promise((resolve) => setTimeout(resolve, slowest + 500));
}

function report(count: number, rows: Array<{ scenario: string; figures: StepFigures[] }>, loadCount: number, load: StepFigures[], kills: KillFigures[] = []): string {
  const { windowSeconds, requestsPerWindow } = graphLimits.subscriptionThrottle;
  const line = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
  const lines = [
    "# Reliability",
    "",
    "Generated by `npm run reliability` (scripts/reliability.ts); do not edit by hand.",
    `Run on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}: plain \`pulumi up\` and \`pulumi destroy\` of the engine test program against the emulator, with Graph's subscription-API throttle on (${requestsPerWindow.write} writes per ${windowSeconds} s per app and tenant) and msgraph:requestTimeoutSeconds 3.`,
    "",
    `## Fault scenarios (${count} subscriptions each, fixed seeds)`,
    "",
    "After each step the state is compared with the emulator. Orphans: in Graph, not in the state. Missing: declared (or in the state) but not in Graph.",
    "The killed step's own figures are what the kill left behind (it is killed on purpose); the next step must bring them to zero with no manual step.",
    "Faults: answers the emulator faulted (5xx, resets, slow answers, 429s including early retries and throttling). Retries: requests beyond the ones that got a real answer.",
    "",
    line(["Scenario", "Step", "Exit", "Requests", "Faults", "Retries", "Orphans", "Missing", "Time (s)"]),
    line(["---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
    ...rows.flatMap((row) =>
      row.figures.map((f) => line([row.scenario, f.step, f.exit, f.requests, f.faults, f.retries, f.orphans, f.missing, f.seconds.toFixed(1)])),
    ),
    "",
    "Fault specifications (emulator `POST /_emulator/faults` bodies):",
    "",
    ...scenarios.map((s) => `- ${s.name}: \`${JSON.stringify(s.faults)}\``),
    "",
  ];
  if (kills.length > 0) {
    const byBackend = killBackends.map((backend) => {
      const runs = kills.filter((kill) => kill.backend === backend);
      const good = runs.filter((kill) => kill.recoveryExit === 0 && kill.orphans === 0 && kill.missing === 0 && kill.duplicates === 0 && kill.destroyExit === 0 && kill.leftAfterDestroy === 0);
      return `- ${backend}: ${good.length} of ${runs.length} runs recovered with 0 orphans, 0 missing and 0 duplicates; the stack could not be loaded after ${runs.filter((kill) => !kill.loadable).length} kill(s), and doctor --repair-state repaired ${runs.filter((kill) => kill.repaired).length}.`;
    });
    lines.push(
      "## Killed runs, on each place users keep state",
      "",
      "Each run: 60 subscriptions, `pulumi up` killed with SIGKILL (with its plugins) once half exist; if the stack cannot be loaded, `msgraph-subscriptions doctor --repair-state`; then `pulumi cancel`, `pulumi up --refresh` and `pulumi destroy`. Graph starts empty for each run. Where the kill lands varies from run to run, so the damaged sidecar (file backend as it comes) shows up only in some runs.",
      "",
      ...byBackend,
      "",
      line(["Backend", "Run", "Created at the kill", "Stack loadable after the kill", "doctor --repair-state", "up --refresh exit", "Orphans", "Missing", "Duplicates", "destroy exit", "Left after destroy"]),
      line(["---", "---:", "---:", "---", "---", "---:", "---:", "---:", "---:", "---:", "---:"]),
      ...kills.map((k) => line([k.backend, k.run, k.createdAtKill, k.loadable ? "yes" : "no", k.loadable ? "-" : k.repaired ? "repaired" : "FAILED", k.recoveryExit, k.orphans, k.missing, k.duplicates, k.destroyExit, k.leftAfterDestroy])),
      "",
    );
  }
  if (loadCount > 0) {
    const writesLowerBound = Math.ceil(loadCount / requestsPerWindow.write) * windowSeconds;
    lines.push(
      `## Load test: ${loadCount} subscriptions under Graph's throttle`,
      "",
      `${loadCount} creates (or deletes) are ${loadCount} writes; at ${requestsPerWindow.write} writes per ${windowSeconds} s they need at least ${writesLowerBound} s.`,
      "",
      line(["Step", "Exit", "Requests", "Throttled (429)", "Orphans", "Missing", "Time (s)", "Throttle's lower bound (s)"]),
      line(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
      ...load.map((f) => line([f.step, f.exit, f.requests, f.faults, f.orphans, f.missing, f.seconds.toFixed(1), f.step === "preview --refresh" ? "-" : writesLowerBound])),
      "",
    );
  }
  return lines.join("\n");
}

void main().catch((error) => {
  process.stderr.write(`reliability: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
