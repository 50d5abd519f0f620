/**
 * Issue 3 §3, promise 12: a consumer project outside the repository installs the packed package
 * (`npm pack`) from the registry's point of view, writes an ordinary Pulumi program, and runs
 * `pulumi up` and `pulumi destroy` with it through the real CLI.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expectExit, repoRoot, runProcess, startWorld, type World } from "./harness";

let world: World;
let workDir: string;
beforeAll(async () => {
  world = await startWorld();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "msgraph-consumer-"));
});
afterAll(async () => {
  await world?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

const program = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { Subscription } = require("pulumi-msgraph-subscriptions");

const config = new pulumi.Config();
const groups = new Subscription("groups", {
  resource: "groups",
  changeType: ["updated", "deleted"],
  notificationUrl: config.require("notificationUrl"),
  clientState: config.requireSecret("clientState"),
});
exports.id = groups.id;
exports.expirationDateTime = groups.expirationDateTime;
`;

it("12. a project outside the repository installs the npm pack output and runs pulumi up and destroy with it", async () => {
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", workDir], { cwd: repoRoot, encoding: "utf8" })
    .trim().split("\n").pop()!;
  const project = path.join(workDir, "consumer");
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, main: "index.js" }, null, 2));
  // npm talks to the registry: give it the machine's certificate authorities, not the emulator's.
  const npmEnv = { ...process.env };
  if (process.env.MSGRAPH_MACHINE_CA_CERTS) npmEnv.NODE_EXTRA_CA_CERTS = process.env.MSGRAPH_MACHINE_CA_CERTS;
  else delete npmEnv.NODE_EXTRA_CA_CERTS;
  // Under `npm test`, npm passes this project's prefixes down; the consumer is another project. (Registry
  // settings passed the same way stay: the consumer needs them.)
  for (const key of ["npm_config_prefix", "npm_config_local_prefix", "npm_config_global_prefix"]) delete npmEnv[key];
  const install = await runProcess("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", path.join(workDir, tarball), "@pulumi/pulumi@3.259.0"], {
    cwd: project,
    env: npmEnv,
  });
  expectExit(install, 0);
  // What the consumer got is the packed package, not a link to this repository.
  const installed = path.join(project, "node_modules", "pulumi-msgraph-subscriptions");
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(installed, "dist", "provider", "index.js"))).toBe(true);
  expect(fs.existsSync(path.join(installed, "test"))).toBe(false);

  fs.writeFileSync(path.join(project, "index.js"), program);
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: consumer\nruntime: nodejs\nmain: .\n");
  // Plain `pulumi up` in the project: the language host runs index.js against the consumer's own SDK.
  const stack = world.stack("consumer", { projectDir: project, projectName: "consumer" });
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
});
