/**
 * Issue 11 §3: the example pipelines in examples/pipelines. The GitHub Actions workflow passes actionlint
 * (built from the Go module proxy by scripts/actionlint.sh); the Azure DevOps pipeline parses and runs the
 * same scripts on the same schedules; and those scripts run here as the pipelines run them, through the
 * real Pulumi CLI against the emulator: renew.sh creates, renews and repairs, drift.sh tells no drift from
 * drift (exit 7) from a check that could not run, each with a readable job summary, and a run killed
 * mid-way is recovered by `pulumi cancel` then `up --refresh`. Only the sign-in differs: the emulator takes
 * a client secret, so federated-token.sh is run here against stand-ins for the CI systems' OIDC endpoints.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { startAzurite, type RunningAzurite } from "../../scripts/azurite";
import { descendantsOf } from "../../scripts/pulumiProject";
import { describeRequests, repoRoot, startWorld, type EngineStack, type RunResult, type SubscriptionSpecs, type World } from "./harness";

const pipelinesDir = path.join(repoRoot, "examples", "pipelines");
const scriptsDir = path.join(pipelinesDir, "scripts");
const workflowFile = path.join(pipelinesDir, "github-actions", "msgraph-subscriptions.yml");
const azurePipelineFile = path.join(pipelinesDir, "azure-devops", "azure-pipelines.yml");
/** A transitive dependency of @pulumi/pulumi; typed here for the one call made. */
const yaml = require("js-yaml") as { load(text: string): unknown };

type Step = RunResult & { timedOut: boolean };

/**
 * Runs `bash <args>` as a pipeline step would, with a deadline: past it, the step and everything it
 * started (the CLI, the language host, the provider) are killed, so a stuck step fails the test instead of
 * hanging it.
 */
function runStep(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Step> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("bash", args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
      output += chunk;
    });
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      // Plugins run in process groups of their own: kill every descendant, not just the step's group.
      for (const pid of [child.pid!, ...descendantsOf(child.pid!)]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(deadline);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, output, ms: Date.now() - started, timedOut });
    });
  });
}

function expectStep(step: Step, code: number): void {
  if (step.timedOut || step.code !== code) {
    throw new Error(`expected exit code ${code}, got ${step.timedOut ? "a timeout" : step.code}; output:\n${step.output}`);
  }
}

/** The pipelines' own environment, minus any CI variables of the machine running the tests. */
function cleanEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const name of Object.keys(env)) {
    // AZURE_STORAGE_* stays: it is the state backend's (azblob), which a pipeline sets as a variable too.
    if (/^(GITHUB_|ACTIONS_|TF_BUILD$|AGENT_|SYSTEM_|AZURE_(?!STORAGE_)|AZURESUBSCRIPTION_|PIPELINE_|CANCEL_STALE_LOCK$|DRIFT_|FEDERATED_TOKEN_)/.test(name)) delete env[name];
  }
  return env;
}

describe("the GitHub Actions workflow", () => {
  it("passes actionlint, built from the Go module proxy by scripts/actionlint.sh", async () => {
    // A cold build takes about 30 s on two cores; the script gives up on an unresponsive proxy within 60 s.
    const actionlint = path.join(repoRoot, "scripts", "actionlint.sh");
    const lint = await runStep([actionlint, workflowFile], process.env, 200_000);
    expectStep(lint, 0);

    // And it does lint: a copy with a broken schedule fails, naming the line.
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-")), "broken.yml");
    fs.writeFileSync(broken, fs.readFileSync(workflowFile, "utf8").replace('"47 5 * * *"', '"47 25 * * *"'));
    const failing = await runStep([actionlint, broken], process.env, 30_000);
    fs.rmSync(path.dirname(broken), { recursive: true, force: true });
    expectStep(failing, 1);
    expect(failing.stdout).toMatch(/broken\.yml:\d+:\d+: invalid CRON format "47 25 \* \* \*"/);
  }, 240_000);

  it("runs renew.sh on the renewal schedule and drift.sh on the drift schedule, both signed in by federated-token.sh with an OIDC token", () => {
    const workflow = yaml.load(fs.readFileSync(workflowFile, "utf8")) as any;
    expect(workflow.permissions["id-token"]).toBe("write");
    const [renewCron, driftCron] = workflow.on.schedule.map((entry: { cron: string }) => entry.cron);
    for (const [job, cron] of [["renew", renewCron], ["drift", driftCron]] as const) {
      expect(workflow.jobs[job].if).toContain(`github.event.schedule == '${cron}'`);
      const commands = workflow.jobs[job].steps.filter((step: any) => step.run).map((step: any) => step.run as string);
      expect(scriptsCalled(commands)).toEqual(["federated-token.sh", `${job}.sh`]);
    }
  });
});

describe("the Azure DevOps pipeline", () => {
  it("parses, and runs the same scripts on the same schedules in AzureCLI@2 steps that pass the service connection's OIDC token on", () => {
    const pipeline = yaml.load(fs.readFileSync(azurePipelineFile, "utf8")) as any;
    const workflow = yaml.load(fs.readFileSync(workflowFile, "utf8")) as any;
    const githubCrons = workflow.on.schedule.map((entry: { cron: string }) => entry.cron);
    expect(pipeline.schedules.map((entry: { cron: string }) => entry.cron)).toEqual(githubCrons);
    expect(pipeline.schedules.map((entry: { displayName: string }) => entry.displayName)).toEqual(["renew", "drift"]);
    for (const schedule of pipeline.schedules) expect(schedule.always).toBe(true);

    for (const name of ["renew", "drift"]) {
      const job = pipeline.jobs.find((candidate: { job: string }) => candidate.job === name);
      expect(job.condition).toContain(`eq(variables['Build.CronSchedule.DisplayName'], '${name}')`);
      const signedIn = job.steps.filter((step: any) => step.task === "AzureCLI@2");
      expect(signedIn).toHaveLength(1);
      const [step] = signedIn;
      expect(step.inputs).toMatchObject({ scriptType: "bash", scriptLocation: "inlineScript", addSpnToEnvironment: true });
      expect(step.env.SYSTEM_ACCESSTOKEN).toBe("$(System.AccessToken)");
      expect(scriptsCalled([step.inputs.inlineScript])).toEqual(["federated-token.sh", `${name}.sh`]);
      // The GitHub job of the same name runs the same scripts.
      const githubCommands = workflow.jobs[name].steps.filter((s: any) => s.run).map((s: any) => s.run as string);
      expect(scriptsCalled(githubCommands)).toEqual(scriptsCalled([step.inputs.inlineScript]));
    }
  });
});

/** The scripts of examples/pipelines/scripts that the commands call, in order; each must exist. */
function scriptsCalled(commands: readonly string[]): string[] {
  const names = commands.flatMap((command) => [...command.matchAll(/\/([\w-]+\.sh)\b/g)].map((match) => match[1]!));
  for (const name of names) expect(fs.existsSync(path.join(scriptsDir, name))).toBe(true);
  return names;
}

describe("federated-token.sh", () => {
  /** Stand-ins for GitHub's and Azure DevOps's OIDC token endpoints, issuing numbered tokens. */
  let server: http.Server;
  let base: string;
  const requests: string[] = [];
  beforeAll(async () => {
    let issued = 0;
    server = http.createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      if (request.headers.authorization !== "Bearer request-token") {
        response.writeHead(401).end();
        return;
      }
      issued += 1;
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(request.method === "POST" ? { oidcToken: `ado-oidc-${issued}` } : { count: 1, value: `github-oidc-${issued}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const script = path.join(scriptsDir, "federated-token.sh");
  /** Prints the token file twice, `apart` seconds apart, and where it was. */
  const printTokens = (apart: number, exitCode = 0) =>
    ["bash", "-c", `cat "$AZURE_FEDERATED_TOKEN_FILE"; echo; sleep ${apart}; cat "$AZURE_FEDERATED_TOKEN_FILE"; echo; echo "$AZURE_CLIENT_ID $AZURE_TENANT_ID $AZURE_FEDERATED_TOKEN_FILE"; exit ${exitCode}`];

  it("on GitHub Actions, writes the job's OIDC token for Entra's audience, renews it while the command runs, passes its exit status on and removes the file", async () => {
    requests.length = 0;
    const env = {
      ...cleanEnvironment(process.env),
      ACTIONS_ID_TOKEN_REQUEST_URL: `${base}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
      AZURE_CLIENT_ID: "app-id",
      AZURE_TENANT_ID: "tenant-id",
      FEDERATED_TOKEN_REFRESH_SECONDS: "1",
    };
    const step = await runStep([script, ...printTokens(2.5, 7)], env, 30_000);
    expectStep(step, 7);
    const [first, second, where] = step.stdout.trim().split("\n");
    expect(first).toBe("github-oidc-1");
    expect(second).not.toBe(first);
    expect(second).toMatch(/^github-oidc-\d+$/);
    const [clientId, tenantId, file] = where!.split(" ");
    expect([clientId, tenantId]).toEqual(["app-id", "tenant-id"]);
    expect(fs.existsSync(file!)).toBe(false);
    expect(requests[0]).toBe("GET /token?api-version=2.0&audience=api%3a%2f%2fAzureADTokenExchange");
  });

  it("on Azure DevOps, asks the service connection's OIDC endpoint with the job's access token and takes the app from the connection", async () => {
    requests.length = 0;
    const env = {
      ...cleanEnvironment(process.env),
      SYSTEM_OIDCREQUESTURI: `${base}/oidctoken`,
      SYSTEM_ACCESSTOKEN: "request-token",
      AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: "connection-id",
      AZURESUBSCRIPTION_CLIENT_ID: "connection-app",
      AZURESUBSCRIPTION_TENANT_ID: "connection-tenant",
    };
    const step = await runStep([script, ...printTokens(0)], env, 30_000);
    expectStep(step, 0);
    expect(step.stdout).toMatch(/^ado-oidc-\d+\nado-oidc-\d+\nconnection-app connection-tenant /);
    expect(requests).toEqual(["POST /oidctoken?api-version=7.1&serviceConnectionId=connection-id"]);
  });

  it("fails before running the command when the endpoint refuses, or when no token source is set up", async () => {
    const refused = await runStep([script, "bash", "-c", "echo ran"], {
      ...cleanEnvironment(process.env),
      ACTIONS_ID_TOKEN_REQUEST_URL: `${base}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "wrong",
      AZURE_CLIENT_ID: "app-id",
      AZURE_TENANT_ID: "tenant-id",
    }, 30_000);
    expectStep(refused, 1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("could not get an OIDC token from GitHub Actions OIDC");

    const none = await runStep([script, "bash", "-c", "echo ran"], cleanEnvironment(process.env), 30_000);
    expectStep(none, 1);
    expect(none.stderr).toContain("permissions: id-token: write");
  });
});

describe("the pipelines' shell steps against the emulator", () => {
  let world: World;
  /** Azure Blob Storage (Azurite) as the stacks' shared backend, started and stopped here like the emulator. */
  let azurite: RunningAzurite;
  beforeAll(async () => {
    world = await startWorld();
    azurite = await startAzurite({ location: fs.mkdtempSync(path.join(os.tmpdir(), "azurite-")) });
  }, 120_000);
  afterAll(async () => {
    await azurite?.close();
    await world?.close();
  });

  type Backend = "file" | "azblob";
  /** A stack on the file backend, or in a container of its own on Azure Blob Storage (azblob://). */
  async function stackOn(backend: Backend, name: string): Promise<EngineStack> {
    if (backend === "file") return world.stack(name);
    return world.stack(name, { backend: await azurite.backend(name.toLowerCase().replace(/[^a-z0-9-]/g, "-")) });
  }

  /** Runs renew.sh or drift.sh on the stack as a pipeline does; `summary` is the job summary it wrote. */
  async function pipelineStep(script: "renew.sh" | "drift.sh", stack: EngineStack, env: Record<string, string> = {}): Promise<Step & { summary: string }> {
    const summaryFile = path.join(stack.projectDir, `${script}-${Date.now()}.md`);
    const stepEnv = {
      ...cleanEnvironment(stack.environment()),
      PULUMI_STACK: stack.name,
      PULUMI_PROJECT_DIR: stack.projectDir,
      PIPELINE_SUMMARY_FILE: summaryFile,
      ...env,
    };
    const step = await runStep([path.join(scriptsDir, script)], stepEnv, 240_000);
    const summary = fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, "utf8") : "";
    world.transcript.push(step.output, summary);
    return { ...step, summary };
  }

  const writes = () => describeRequests(world.subscriptionRequests().filter((r) => r.method !== "GET"));

  it.each(["file", "azblob"] as const)("on %s state: renew.sh creates, drift.sh passes; drift made behind Pulumi's back fails drift.sh with exit 7 and a summary naming it; renew.sh repairs it and renews what is due", async (backend) => {
    world.admin.reset(); // the same resources on each backend: the other backend's run must not leave them in Graph
    const stack = await stackOn(backend, `pipelines-${backend}`);
    const specs: SubscriptionSpecs = {
      watched: {
        resource: "groups", changeType: "updated,deleted", notificationUrl: world.webhook("pipelines-groups"),
        clientState: "pipelines-client-state", lifetimeMinutes: 180, renewBeforeMinutes: 60,
      },
      gone: { resource: "users", changeType: "updated", notificationUrl: world.webhook("pipelines-users") },
    };
    await stack.configure(specs);

    const created = await pipelineStep("renew.sh", stack);
    expectStep(created, 0);
    expect(created.summary).toContain(`### Renewal of stack \`${stack.name}\`: done`);
    expect(created.summary).toMatch(/^ +\+ 3 created$/m); // the stack and its two subscriptions
    const ids = await stack.stateIds();
    expect(Object.keys(ids).sort()).toEqual(["gone", "watched"]);

    const clean = await pipelineStep("drift.sh", stack);
    expectStep(clean, 0);
    expect(clean.summary).toContain(`### Drift check of stack \`${stack.name}\`: no drift`);

    world.admin.updateSubscription(ids.watched!, { notificationUrl: world.webhook("somewhere-else") });
    expect(world.admin.deleteSubscription(ids.gone!)).toBe(true);
    world.admin.clearRequestLog();
    const drifted = await pipelineStep("drift.sh", stack, { GITHUB_ACTIONS: "true" });
    expectStep(drifted, 7);
    expect(writes()).toEqual([]);
    expect(drifted.summary).toContain(`### Drift check of stack \`${stack.name}\`: 2 resources drifted in Microsoft Graph`);
    expect(drifted.summary).toContain(
      `| \`watched\` (groups) | \`notificationUrl\` | \`${world.webhook("somewhere-else")}\` | \`${world.webhook("pipelines-groups")}\` | updates it in place |`,
    );
    expect(drifted.summary).toContain("| `gone` (users) | (whole subscription) | nothing: deleted, or expired without renewal | the subscription | creates it |");
    expect(drifted.stdout).toContain(`::error title=Microsoft Graph subscriptions::Drift check of stack ${stack.name}: 2 resources drifted in Microsoft Graph; see the job summary`);

    world.admin.clearRequestLog();
    const repaired = await pipelineStep("renew.sh", stack);
    expectStep(repaired, 0);
    expect(writes().sort()).toEqual(["POST /v1.0/subscriptions -> 201", `PATCH /v1.0/subscriptions/${ids.watched} -> 200`].sort());
    expect(world.admin.getSubscription(ids.watched!)?.notificationUrl).toBe(world.webhook("pipelines-groups"));

    // 50 minutes left of 180, renewBeforeMinutes 60: due. A drift check lists it without failing;
    // on Azure DevOps it attaches its summary to the run.
    world.admin.advanceClock(130);
    const due = await pipelineStep("drift.sh", stack, { TF_BUILD: "True" });
    expectStep(due, 0);
    expect(due.summary).toContain(`### Drift check of stack \`${stack.name}\`: no drift; 1 subscription due for renewal`);
    expect(due.summary).toMatch(/`watched` \(expires `[^`]+`\)/);
    expect(due.stdout).toMatch(/^##vso\[task\.uploadsummary\].*drift\.sh-\d+\.md$/m);

    world.admin.clearRequestLog();
    const renewed = await pipelineStep("renew.sh", stack);
    expectStep(renewed, 0);
    expect(writes()).toEqual([`PATCH /v1.0/subscriptions/${ids.watched} -> 200`]);
    for (const step of [created, clean, drifted, repaired, due, renewed]) expect(step.output + step.summary).not.toContain("pipelines-client-state");
  }, 300_000);

  it("a drift check that cannot run (the program is invalid) exits with pulumi's status, not 7, and says it is no verdict", async () => {
    const stack = world.stack("pipelines-invalid");
    await stack.configure({ toolong: { resource: "groups", changeType: "updated", notificationUrl: world.webhook("invalid"), lifetimeMinutes: 50_000 } });
    const step = await pipelineStep("drift.sh", stack, { GITHUB_ACTIONS: "true" });
    expect(step.timedOut).toBe(false);
    expect([0, 7]).not.toContain(step.code);
    expect(step.summary).toContain(`### Drift check of stack \`${stack.name}\`: could not run (pulumi exited ${step.code})`);
    expect(step.summary).toContain("This is not a drift verdict");
    expect(step.summary).toMatch(/lifetimeMinutes/);
    expect(step.stdout).toContain(`::error title=Microsoft Graph subscriptions::the drift check of stack ${stack.name} could not run`);
  }, 120_000);

  it.each(["file", "azblob"] as const)("on %s state: a renewal killed mid-way leaves the stack locked: renew.sh says to run pulumi cancel, and with CANCEL_STALE_LOCK=true does so and recovers with no orphan", async (backend) => {
    const stack = await stackOn(backend, `pipelines-killed-${backend}`);
    const before = new Set(world.admin.listSubscriptions().map((s) => s.id));
    const mine = () => world.admin.listSubscriptions().filter((s) => !before.has(s.id));
    const specs: SubscriptionSpecs = Object.fromEntries(
      Array.from({ length: 4 }, (_, i) => [
        `group${i}`,
        { resource: `groups/${groupId(stack.name, i)}`, changeType: "updated", notificationUrl: world.webhook(`${stack.name}-${i}`) },
      ]),
    );
    const { killed } = await stack.upKilledWhen(specs, () => mine().length >= 1);
    expect(killed).toBe(true);

    const locked = await pipelineStep("renew.sh", stack);
    expect(locked.timedOut).toBe(false);
    expect(locked.code).not.toBe(0);
    expect(locked.summary).toContain(`lift it with \`pulumi cancel --yes --stack ${stack.name}\`, then run \`pulumi up --refresh --yes --stack ${stack.name}\``);

    const recovered = await pipelineStep("renew.sh", stack, { CANCEL_STALE_LOCK: "true" });
    expectStep(recovered, 0);
    expect(recovered.summary).toContain("the lock was lifted with `pulumi cancel`");
    const state = await stack.stateIds();
    expect(Object.keys(state).sort()).toEqual(Object.keys(specs).sort());
    expect(mine().map((s) => s.id).sort()).toEqual(Object.values(state).sort());
  }, 300_000);

  /** A group id of its own for each stack and index: stacks of one world share one Graph. */
  const groupId = (name: string, i: number) => createHash("sha256").update(`${name}/${i}`).digest("hex").slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");

  /** Four groups on one stack, created, then due for renewal: the work two runs at once would both try to do. */
  async function dueStack(backend: Backend, name: string): Promise<{ stack: EngineStack; specs: SubscriptionSpecs; ids: Record<string, string> }> {
    const stack = await stackOn(backend, name);
    const specs: SubscriptionSpecs = Object.fromEntries(
      Array.from({ length: 4 }, (_, i) => [
        `group${i}`,
        { resource: `groups/${groupId(name, i)}`, changeType: "updated", notificationUrl: world.webhook(`${name}-${i}`), lifetimeMinutes: 180, renewBeforeMinutes: 60 },
      ]),
    );
    await stack.configure(specs);
    expectStep(await pipelineStep("renew.sh", stack), 0);
    world.admin.advanceClock(130); // 50 of 180 minutes left, renewBeforeMinutes 60: all four due
    return { stack, specs, ids: await stack.stateIds() };
  }

  /** Graph and the state agree: every declared subscription once, in the state, nothing else of this stack's in Graph. */
  async function expectAgreement(stack: EngineStack, specs: SubscriptionSpecs): Promise<void> {
    const state = await stack.stateIds();
    expect(Object.keys(state).sort()).toEqual(Object.keys(specs).sort());
    const mine = world.admin.listSubscriptions().filter((subscription) => Object.values(specs).some((spec) => spec.resource === subscription.resource));
    expect(mine.map((subscription) => subscription.id).sort()).toEqual(Object.values(state).sort());
  }

  it.each(["file", "azblob"] as const)(
    "on %s state: two renewals that start at the same moment do the work once; the one that finds the stack locked says so plainly, or waits with WAIT_FOR_LOCK_SECONDS",
    async (backend) => {
      const { stack, specs, ids } = await dueStack(backend, `pipelines-twice-${backend}`);
      const patches = () => world.subscriptionRequests().filter((entry) => entry.method === "PATCH" && entry.status === 200).map((entry) => entry.path.split("/").pop());

      // Without waiting: whatever the interleaving, a run either renews or stops at the other's lock with what to do.
      world.admin.clearRequestLog();
      const runs = await Promise.all([pipelineStep("renew.sh", stack), pipelineStep("renew.sh", stack)]);
      for (const run of runs) {
        expect(run.timedOut).toBe(false);
        if (run.code !== 0) {
          expect(run.output).toMatch(/the stack is currently locked|Another update is currently in progress/);
          expect(run.summary).toContain("If another run is updating it (two pipeline runs at once), let that run finish");
        }
      }
      // Each due subscription renewed at most once, whichever run did it, and nothing created.
      expect(new Set(patches()).size).toBe(patches().length);
      expect(world.subscriptionRequests().filter((entry) => entry.method === "POST")).toEqual([]);
      await expectAgreement(stack, specs);

      // Waiting: both runs end well, the work is done exactly once.
      world.admin.advanceClock(130);
      world.admin.clearRequestLog();
      const waiting = await Promise.all([
        pipelineStep("renew.sh", stack, { WAIT_FOR_LOCK_SECONDS: "180" }),
        pipelineStep("renew.sh", stack, { WAIT_FOR_LOCK_SECONDS: "180" }),
      ]);
      for (const run of waiting) expectStep(run, 0);
      expect(patches().sort()).toEqual(Object.values(ids).sort());
      expect(world.subscriptionRequests().filter((entry) => entry.method === "POST")).toEqual([]);
      await expectAgreement(stack, specs);
      expectStep(await pipelineStep("drift.sh", stack), 0);
    },
    600_000,
  );

  it("on azblob state, a fresh clone of the program with no local state finds the stack, renews and destroys it, and creates nothing twice", async () => {
    const { stack, specs, ids } = await dueStack("azblob", "pipelines-clone");
    // A fresh checkout: the project's committed files (Pulumi.yaml and the stack's config file), nothing else.
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), "msgraph-clone-"));
    for (const name of fs.readdirSync(stack.projectDir).filter((file) => /^Pulumi(\.[\w-]+)?\.yaml$/.test(file))) {
      fs.copyFileSync(path.join(stack.projectDir, name), path.join(clone, name));
    }
    const backend = await azurite.backend("pipelines-clone");
    const fresh = world.stack(stack.name, { projectDir: clone, backend });
    try {
      world.admin.clearRequestLog();
      const renewed = await pipelineStep("renew.sh", fresh);
      expectStep(renewed, 0);
      const writes = world.subscriptionRequests().filter((entry) => entry.method !== "GET");
      expect(writes.filter((entry) => entry.method === "POST")).toEqual([]);
      expect(writes.map((entry) => entry.path.split("/").pop()).sort()).toEqual(Object.values(ids).sort());
      await expectAgreement(fresh, specs);

      world.admin.clearRequestLog();
      const destroyed = await fresh.destroy();
      expect(destroyed.code).toBe(0);
      expect(world.subscriptionRequests().filter((entry) => entry.method === "DELETE").length).toBe(4);
      expect(world.admin.listSubscriptions().filter((subscription) => Object.values(ids).includes(subscription.id))).toEqual([]);
    } finally {
      fs.rmSync(clone, { recursive: true, force: true });
    }
  }, 600_000);
});
