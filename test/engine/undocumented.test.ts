/**
 * Issue 19, item 4, through the real Pulumi CLI: Graph ships a resource before the rule table lists it (the
 * emulator's graphAhead row). Without the opt-in, preview refuses the path and says how to opt in; with it, per
 * resource or stack-wide, preview warns naming the path, Graph decides, and doctor repeats the warning.
 */
import { ruleTable, type ResourceRule } from "../../provider/rules/ruleTable";
import { cliScript, expectExit, nodeBinary, repoRoot, runProcess, startWorld, type EngineStack, type SubscriptionSpecs, type World } from "./harness";

const futurePath = "solutions/futureThings/{id}/events";
const resource = "solutions/futureThings/f1/events";
// Graph's own row for it: a row of the table's shape that the table lacks. Its permission is one the emulator's
// default app already holds, so the only difference from a documented resource is the table.
const template = ruleTable.find((rule) => rule.id === "v1.0/virtualEvent/solutions/virtualEvents/events")!;
const graphAhead: ResourceRule = { ...template, id: `v1.0/futureThing/${futurePath}`, resourceType: "futureThing", paths: [futurePath], changeTypes: ["created"] };

let world: World;
beforeAll(async () => {
  world = await startWorld({ graphAhead: [graphAhead] });
});
afterAll(async () => {
  await world?.close();
});

const spec = (extra: Record<string, unknown> = {}): SubscriptionSpecs => ({
  future: { resource, changeType: "created", notificationUrl: world.webhook("future"), lifetimeMinutes: 600, ...extra },
});

async function doctor(stack: EngineStack) {
  const env = { ...stack.environment(), ...world.graphEnv() };
  delete env.PULUMI_CONFIG_PASSPHRASE;
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  const result = await runProcess(nodeBinary, [cliScript, "doctor", "--stack", stack.name, "--cwd", stack.projectDir], { cwd: repoRoot, env });
  world.transcript.push(result.output);
  return result;
}

it("refuses a path the table does not list at preview, naming the opt-in, and sends nothing", async () => {
  const stack = world.stack("undocumented-refused");
  world.admin.clearRequestLog();
  const preview = await stack.preview(spec());
  expect(preview.code).not.toBe(0);
  expect(preview.output).toMatch(/property resource value .* has a problem: 'solutions\/futureThings\/f1\/events' is not in the rule table/);
  expect(preview.output).toContain("set allowUndocumentedResource: true on this Subscription");
  expect(world.subscriptionRequests()).toEqual([]);
});

it.each([
  ["allowUndocumentedResource on the resource", {}, { allowUndocumentedResource: true }],
  ["msgraph:allowUndocumentedResources for the stack", { "msgraph:allowUndocumentedResources": "true" }, {}],
])("with %s: preview warns naming the path, Graph decides at up, and doctor warns too", async (_how, config, extra) => {
  const stack = world.stack(`undocumented-${Object.keys(config).length > 0 ? "stack" : "resource"}`, { config });
  const specs = spec(extra);
  const preview = await stack.preview(specs);
  expectExit(preview, 0);
  expect(preview.output).toContain("warning: resource 'solutions/futureThings/f1/events' is not in the rule table (Graph v1.0, global cloud");
  expect(preview.output).toContain("allowUndocumentedResource lets it through");

  world.admin.clearRequestLog();
  expectExit(await stack.up(specs), 0);
  const created = world.subscriptionRequests().filter((entry) => entry.method === "POST");
  expect(created.map((entry) => entry.status)).toEqual([201]);
  expect(world.admin.listSubscriptions().map((subscription) => subscription.resource)).toEqual([resource]);
  expectExit(await stack.preview(specs, { expectNoChanges: true }), 0);

  const diagnosed = await doctor(stack);
  expectExit(diagnosed, 0);
  expect(diagnosed.stdout).toContain(`warning: future: resource '${resource}' is not in the rule table (Graph v1.0; docs/rule-table.md)`);
  expect(diagnosed.stdout).toContain("No problems in the 1 subscription(s)");

  expectExit(await stack.destroy(), 0);
  expect(world.admin.listSubscriptions()).toEqual([]);
});

it("still refuses what the table knows, opt-in or not: a path listed only on beta", async () => {
  const stack = world.stack("undocumented-beta-only", { config: { "msgraph:allowUndocumentedResources": "true" } });
  const preview = await stack.preview({ approvals: { resource: "solutions/approval/approvalItems", changeType: "created", notificationUrl: world.webhook("approvals") } });
  expect(preview.code).not.toBe(0);
  expect(preview.output).toContain('supports change notifications only on the beta endpoint, not v1.0 (rule beta/approvalItem/solutions/approval/approvalItems); set apiVersion: "beta" on this Subscription');
});
