/**
 * State written by the previous release (0.1.0, commit 02611ec: the last one that landed before the
 * provider was split by operation) must keep working with this code. Its serialized provider requires
 * `pulumi-msgraph-subscriptions/dist/provider/subscription/lifecycle.js` and calls plain functions; its
 * outputs have the old shape. The test builds that release's provider from git, creates subscriptions
 * with it through plain `pulumi up`, then installs this build in its place and refreshes, updates and
 * destroys them.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expectExit, programDir, repoRoot, startWorld, type SubscriptionSpecs, type World } from "./harness";

const previousRelease = "02611ecbbe3c07894b9794f80499e1a67a214efc";

let world: World;
let workDir: string;
beforeAll(async () => {
  world = await startWorld();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "msgraph-upgrade-"));
});
afterAll(async () => {
  await world?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/** The previous release's compiled package, built from git with this repository's TypeScript. */
function buildPreviousRelease(into: string): void {
  const source = path.join(workDir, "previous-source");
  fs.mkdirSync(source);
  const archive = execFileSync("git", ["archive", previousRelease, "provider", "package.json", "tsconfig.json"], { cwd: repoRoot });
  execFileSync("tar", ["-x", "-C", source], { input: archive });
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(source, "node_modules"));
  fs.writeFileSync(
    path.join(source, "tsconfig.build.json"),
    JSON.stringify({ extends: "./tsconfig.json", include: ["provider/**/*.ts"], compilerOptions: { paths: {} } }),
  );
  execFileSync(process.execPath, [path.join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: source });
  fs.mkdirSync(into, { recursive: true });
  fs.copyFileSync(path.join(source, "package.json"), path.join(into, "package.json"));
  fs.cpSync(path.join(source, "dist"), path.join(into, "dist"), { recursive: true });
}

function installThisBuild(into: string): void {
  fs.rmSync(into, { recursive: true, force: true });
  fs.mkdirSync(into);
  fs.copyFileSync(path.join(repoRoot, "package.json"), path.join(into, "package.json"));
  fs.cpSync(path.join(repoRoot, "dist"), path.join(into, "dist"), { recursive: true });
}

it("state written by the previous release refreshes, updates and destroys with this code", async () => {
  const project = path.join(workDir, "project");
  const modules = path.join(project, "node_modules");
  fs.mkdirSync(modules, { recursive: true });
  for (const entry of fs.readdirSync(path.join(repoRoot, "node_modules"))) {
    if (entry === "pulumi-msgraph-subscriptions" || entry.startsWith(".")) continue;
    fs.symlinkSync(path.join(repoRoot, "node_modules", entry), path.join(modules, entry));
  }
  const installed = path.join(modules, "pulumi-msgraph-subscriptions");
  buildPreviousRelease(installed);
  fs.copyFileSync(path.join(programDir, "index.js"), path.join(project, "index.js"));
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "upgrade", private: true, main: "index.js" }));
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: msgraph-engine-test\nruntime: nodejs\nmain: .\n");

  const stack = world.stack("previous-release", { projectDir: project });
  const specs: SubscriptionSpecs = {
    groups: { resource: "groups", changeType: "updated,deleted", notificationUrl: world.webhook("groups"), clientState: "upgrade-secret-1" },
    mail: { resource: "users/0a1b2c3d-0000-4000-8000-000000000001/messages", changeType: "created", notificationUrl: world.webhook("mail"), lifetimeMinutes: 600 },
  };
  expectExit(await stack.up(specs), 0);
  const written = await stack.exportState();
  expect(written).toContain("pulumi-msgraph-subscriptions/dist/provider/subscription/lifecycle.js");
  const ids = await stack.stateIds();
  expect(Object.keys(ids).sort()).toEqual(["groups", "mail"]);

  installThisBuild(installed);
  world.admin.clearRequestLog();
  expectExit(await stack.preview(specs, { refresh: true, expectNoChanges: true }), 0);
  expect(world.subscriptionRequests().filter((r) => r.method !== "GET")).toEqual([]);

  // An in-place change through the old serialized provider, now running this code.
  const moved = { ...specs, mail: { ...specs.mail, notificationUrl: world.webhook("mail-moved") } };
  world.admin.clearRequestLog();
  expectExit(await stack.up(moved), 0);
  expect(world.subscriptionRequests().filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /v1.0/subscriptions/${ids.mail}`]);
  expect(world.admin.listSubscriptions().find((s) => s.id === ids.mail)?.notificationUrl).toBe(world.webhook("mail-moved"));

  expectExit(await stack.destroy(), 0);
  expect(world.admin.listSubscriptions()).toEqual([]);
});
