/**
 * Issue 18 §6: examples/python, examples/go and examples/yaml run through the real Pulumi CLI against the emulator
 * as a user runs them: `pulumi up`, `pulumi preview --expect-no-changes` (exit 0), `pulumi destroy`. Each stack's
 * project directory is a temporary copy of the example's Pulumi.yaml with its paths made absolute (the program,
 * and the plugin in bin/), so stack config never lands in the repository.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expectExit, repoRoot, startWorld, type World } from "./harness";
import { nativeLanguages, nativeSettings } from "./nativePrograms";

const yaml = require("js-yaml") as { load(text: string): unknown; dump(value: unknown, options?: { lineWidth?: number }): string };

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const mailbox = "7a3f9d52-1c4b-4f0e-9a8d-2b6c5e4f3a21";

/** The example's Pulumi.yaml in a fresh directory, with the program (python, go) and the plugin found by absolute path. */
function projectCopy(language: string): { dir: string; name: string } {
  const exampleDir = path.join(repoRoot, "examples", language);
  const project = yaml.load(fs.readFileSync(path.join(exampleDir, "Pulumi.yaml"), "utf8")) as Record<string, any>;
  if (language !== "yaml") project.main = exampleDir;
  for (const provider of project.plugins.providers) provider.path = path.resolve(exampleDir, provider.path);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `msgraph-example-${language}-`));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml.dump(project, { lineWidth: -1 }));
  return { dir, name: project.name };
}

it.each(nativeLanguages)("examples/%s: up creates the inbox and groups subscriptions, preview --expect-no-changes exits 0, destroy removes both", async (language) => {
  const { dir, name } = projectCopy(language);
  const clientState = `example-${language}-state-3Fz8`;
  world.secrets.add(clientState);
  const stack = world.stack(`example-${language}`, { language, projectDir: dir, projectName: name });
  const config = {
    ...nativeSettings(world.graphConfig()),
    mailbox,
    notificationUrl: world.webhook(`example-${language}`),
    clientState: { secret: clientState },
  };
  try {
    expectExit(await stack.runWithConfig("up", config), 0);
    const live = world.admin.listSubscriptions().map((s) => ({ resource: String(s.resource), changeType: s.changeType, clientState: s.clientState }));
    expect(live.sort((a, b) => a.resource.localeCompare(b.resource))).toEqual([
      { resource: "groups", changeType: "updated,deleted", clientState },
      { resource: `users/${mailbox}/mailFolders('Inbox')/messages`, changeType: "created", clientState },
    ]);
    const outputs = await stack.outputs();
    expect(Object.keys(outputs).sort()).toEqual(["groupsSubscriptionId", "inboxExpirationDateTime", "inboxSubscriptionId"]);
    expectExit(await stack.runWithConfig("preview", config, { expectNoChanges: true }), 0);
    expectExit(await stack.destroy(), 0);
    expect(world.admin.listSubscriptions()).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
