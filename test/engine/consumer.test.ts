/**
 * A consumer project outside the repository installs the packed package (`npm pack`) as users get it,
 * next to the SDK release it chose, writes an ordinary TypeScript Pulumi program with `strict` on, and
 * runs `pulumi up` and `pulumi destroy` with it through the real CLI. `@pulumi/pulumi` is a peer
 * dependency, so the consumer's SDK is the only one: the test runs on the oldest release the declared
 * range admits and on the newest the registry serves in it (issue 11).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expectExit, repoRoot, runProcess, startWorld, type World } from "./harness";

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
const sdkRange: string = manifest.peerDependencies["@pulumi/pulumi"];
/** The oldest release a caret range admits is its own version. */
const oldestSdk = /^\^(\d+\.\d+\.\d+)$/.exec(sdkRange)?.[1];
const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");

let world: World;
let workDir: string;
let tarball: string;
beforeAll(async () => {
  world = await startWorld();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "msgraph-consumer-"));
  tarball = path.join(workDir, execFileSync("npm", ["pack", "--silent", "--pack-destination", workDir], { cwd: repoRoot, encoding: "utf8" }).trim().split("\n").pop()!);
}, 120_000);
afterAll(async () => {
  await world?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

const program = `import * as pulumi from "@pulumi/pulumi";
import { Subscription, type SubscriptionArgs } from "pulumi-msgraph-subscriptions";

const config = new pulumi.Config();
const args: SubscriptionArgs = {
  resource: "groups",
  changeType: ["updated", "deleted"],
  notificationUrl: config.require("notificationUrl"),
  clientState: config.requireSecret("clientState"),
};
const groups = new Subscription("groups", args);
export const id: pulumi.Output<string> = groups.id;
export const expirationDateTime: pulumi.Output<string> = groups.expirationDateTime;
`;

/** What the consumer's compiler sees: strict, and Node's own resolution of the package's `exports`. */
const tsconfig = {
  compilerOptions: { strict: true, target: "es2022", module: "node16", moduleResolution: "node16", outDir: "bin", skipLibCheck: false, types: [] },
  files: ["index.ts"],
};

function npmEnvironment(): NodeJS.ProcessEnv {
  // npm talks to the registry: give it the machine's certificate authorities, not the emulator's.
  const env = { ...process.env };
  if (process.env.MSGRAPH_MACHINE_CA_CERTS) env.NODE_EXTRA_CA_CERTS = process.env.MSGRAPH_MACHINE_CA_CERTS;
  else delete env.NODE_EXTRA_CA_CERTS;
  // Under `npm test`, npm passes this project's prefixes down; the consumer is another project. (Registry
  // settings passed the same way stay: the consumer needs them.)
  for (const key of ["npm_config_prefix", "npm_config_local_prefix", "npm_config_global_prefix"]) delete env[key];
  return env;
}

it("declares @pulumi/pulumi as a caret range of peer dependency only, never as its own dependency", () => {
  expect(oldestSdk).toBeDefined();
  expect(manifest.dependencies["@pulumi/pulumi"]).toBeUndefined();
});

it("packs only what a consumer needs: the provider, the command line and the emulator, with declarations", () => {
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--silent"], { cwd: repoRoot, encoding: "utf8" })) as Array<{ files: Array<{ path: string }> }>;
  const files = packed!.files.map((file) => file.path);
  const intended = /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|bin\/pulumi-resource-msgraph-subscriptions|dist\/(provider|cli|emulator)\/.+\.(js|d\.ts))$/;
  expect(files.filter((file) => !intended.test(file))).toEqual([]);
  for (const needed of ["dist/provider/index.js", "dist/provider/index.d.ts", "dist/provider/dynamic/provider.js", "dist/provider/native/main.js", "bin/pulumi-resource-msgraph-subscriptions", "dist/cli/main.js", "LICENSE", "CHANGELOG.md"]) {
    expect(files).toContain(needed);
  }
});

describe.each([
  ["the oldest release of the declared range", () => oldestSdk!],
  ["the newest release the registry serves in the declared range", () => sdkRange],
])("a TypeScript consumer on %s", (_label, sdk) => {
  it("installs one SDK, compiles with strict on, and runs pulumi up and destroy", async () => {
    const project = fs.mkdtempSync(path.join(workDir, "consumer-"));
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, main: "bin/index.js" }, null, 2));
    const install = await runProcess("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball, `@pulumi/pulumi@${sdk()}`], { cwd: project, env: npmEnvironment() });
    expectExit(install, 0);
    // What the consumer got is the packed package, not a link to this repository, and the consumer's SDK
    // is the only copy: a second one would make two Pulumi runtimes in one program.
    const installed = path.join(project, "node_modules", "pulumi-msgraph-subscriptions");
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, "test"))).toBe(false);
    expect(fs.existsSync(path.join(installed, "node_modules", "@pulumi", "pulumi"))).toBe(false);
    const sdkVersion: string = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version;
    if (sdk() === oldestSdk) expect(sdkVersion).toBe(oldestSdk);
    else expect(sdkVersion.localeCompare(manifest.devDependencies["@pulumi/pulumi"], undefined, { numeric: true })).toBeGreaterThanOrEqual(0);

    fs.writeFileSync(path.join(project, "index.ts"), program);
    fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
    expectExit(await runProcess(process.execPath, [tsc, "-p", project], { cwd: project, env: process.env }), 0);

    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: consumer\nruntime: nodejs\nmain: bin/index.js\n");
    // Plain `pulumi up` in the project: the language host runs the compiled program against the consumer's own SDK.
    const stack = world.stack(`consumer-${sdkVersion}`, { projectDir: project, projectName: "consumer" });
    const config = {
      ...world.graphConfig(),
      notificationUrl: world.webhook("consumer"),
      clientState: { secret: "consumer-client-state" },
    };
    world.admin.clearRequestLog();
    expectExit(await stack.runWithConfig("up", config), 0);
    expect(world.subscriptionRequests().map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1.0/subscriptions"]);
    const live = world.admin.listSubscriptions();
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ resource: "groups", changeType: "updated,deleted", clientState: "consumer-client-state" });
    const outputs = await stack.outputs();
    expect(outputs.id).toBe(live[0].id);
    // The provider ran from the consumer's node_modules, and state stores it as a require of the package's
    // export, not as copied source: a few hundred bytes per resource instead of kilobytes (BENCHMARKS.md).
    const state = await stack.exportState();
    const stored = (JSON.parse(state).deployment.resources as Array<{ type: string; inputs: { __provider: string } }>)
      .find((resource) => resource.type === "pulumi-nodejs:dynamic/msgraph:Subscription")!;
    expect(stored.inputs.__provider).toContain('require("pulumi-msgraph-subscriptions/provider")');
    expect(stored.inputs.__provider.length).toBeLessThan(500);
    expect(state).not.toContain("consumer-client-state");

    expectExit(await stack.destroy(), 0);
    expect(world.admin.listSubscriptions()).toEqual([]);
  }, 300_000);
});
