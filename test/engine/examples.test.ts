/**
 * Issue 11 §2: every project in examples/ runs through the real Pulumi CLI against the emulator as a user
 * runs it: `pulumi up`, then `pulumi preview --expect-no-changes` (exit 0), then `pulumi destroy`. Each case
 * states what Graph holds after `up`; after `destroy` it holds nothing.
 *
 * The examples run from their TypeScript source through Pulumi's own TypeScript support (the language host
 * loads index.ts with ts-node and the example's tsconfig.json), as `cd examples/<name> && pulumi up` does.
 * Each stack's project directory is a temporary copy of the example's Pulumi.yaml and stack files whose
 * `main` names the example's directory, so stack config never lands in the repository. Modules resolve from
 * the repository's node_modules, where pulumi-msgraph-subscriptions is this package (`npm run build`).
 *
 * PULUMI_NODEJS_TRANSPILE_ONLY makes ts-node transpile without type-checking, because `tsc -p .` already
 * type-checks examples/** from the same sources. Measured on two cores with ts-node's cache cold, a
 * `pulumi preview` of mail-user took 5.5 s type-checked, 3.5 s transpile-only, and 3.9 s for the same
 * program compiled to JavaScript beforehand (medians of three): a compile step that users do not have
 * would gain nothing. The cases run one after another: run concurrently (a world each), they took as long
 * on two cores, the CLI runs being CPU-bound.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createEncryptionCertificate } from "../../emulator";
import type { AdminSubscription } from "../../emulator";
import { expectExit, repoRoot, startWorld, type EngineStack, type RunResult, type World } from "./harness";
import { nativeLanguages } from "./nativePrograms";

const examplesDir = path.join(repoRoot, "examples");
const transpileOnly = { env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } };

const user = "7a3f9d52-1c4b-4f0e-9a8d-2b6c5e4f3a21";
const team = "2f1e0d9c-8b7a-4c6d-9e5f-4a3b2c1d0e9f";
const channel = "19:general@thread.tacv2";
const inbox = (mailbox: string) => `users/${mailbox}/mailFolders('Inbox')/messages`;

/** What every case may use: the world, a clientState, and an encryption certificate in a file. */
interface Fixtures {
  world: World;
  clientState: string;
  certificate: { base64: string; file: string; sha256: string };
}

interface ExampleRun {
  fixtures: Fixtures;
  up: RunResult;
  live: AdminSubscription[];
  stack: EngineStack;
}

type DeploymentState = { deployment: { resources: Array<{ urn: string; type: string; parent?: string }> } };

interface ExampleCase {
  example: string;
  behaviour: string;
  /** The stack to run; a stack file the example ships (Pulumi.<stack>.yaml) is used as it is. */
  stack: string;
  /** The project's stack config, besides the provider settings for the emulator. */
  config(fixtures: Fixtures): Record<string, unknown>;
  /** The subscriptions Graph holds after `up`, by resource path (properties not named are not checked). */
  graph(fixtures: Fixtures): Record<string, Record<string, unknown>>;
  /** Checks beyond what Graph holds: stack outputs, the state, what `up` printed. */
  also?(run: ExampleRun): void | Promise<void>;
}

const cases: ExampleCase[] = [
  {
    example: "mail-user",
    behaviour: "creates an inbox subscription that lives three days from the run",
    stack: "emulator",
    config: ({ world, clientState }) => ({ mailbox: user, notificationUrl: world.webhook("mail-user"), clientState: { secret: clientState } }),
    graph: ({ world, clientState }) => ({
      [inbox(user)]: { changeType: "created", notificationUrl: world.webhook("mail-user"), clientState, includeResourceData: false },
    }),
    also: async ({ fixtures: { world }, live, stack }) => {
      // Three days from the create, give or take the run's few seconds: the expiry is sent to the second
      // with the ownership mark as its fraction, so it may also lie up to a second past the three days.
      const lifetimeMinutes = (Date.parse(live[0]!.expirationDateTime) - world.admin.now().getTime()) / 60_000;
      expect(Math.abs(lifetimeMinutes - 3 * 24 * 60)).toBeLessThan(5);
      expect((await stack.outputs()).subscriptionId).toBe(live[0]!.id);
    },
  },
  {
    example: "teams-channel-rich",
    behaviour: "sends the certificate read from a file, its fingerprint as its id, and a lifecycle URL",
    stack: "emulator",
    config: ({ world, certificate }) => ({
      teamId: team,
      channelId: channel,
      notificationUrl: world.webhook("channel"),
      lifecycleNotificationUrl: world.webhook("channel-lifecycle"),
      encryptionCertificateFile: certificate.file,
    }),
    graph: ({ world, certificate }) => ({
      [`teams/${team}/channels/${channel}/messages`]: {
        changeType: "created,updated,deleted",
        notificationUrl: world.webhook("channel"),
        lifecycleNotificationUrl: world.webhook("channel-lifecycle"),
        includeResourceData: true,
        encryptionCertificate: certificate.base64,
        encryptionCertificateId: certificate.sha256,
      },
    }),
  },
  {
    example: "event-delivery",
    behaviour: "delivers mail to an Event Hub and directory changes to an Event Grid partner topic",
    stack: "emulator",
    config: ({ clientState }) => ({
      mailbox: user,
      tenantDomain: "contoso.com",
      eventHubNamespace: "contoso-graph",
      eventHubName: "mail",
      azureSubscriptionId: "b2c4e6f8-1a3b-4c5d-8e9f-0a1b2c3d4e5f",
      resourceGroup: "graph-events",
      partnerTopic: "graph-users",
      location: "westeurope",
      clientState: { secret: clientState },
    }),
    graph: ({ clientState }) => {
      const partnerTopic = "EventGrid:?azuresubscriptionid=b2c4e6f8-1a3b-4c5d-8e9f-0a1b2c3d4e5f&resourcegroup=graph-events&partnertopic=graph-users&location=westeurope";
      return {
        [`users/${user}/messages`]: {
          changeType: "created,updated,deleted",
          notificationUrl: "EventHub:https://contoso-graph.servicebus.windows.net/eventhubname/mail?tenantId=contoso.com",
          lifecycleNotificationUrl: null,
          clientState,
        },
        users: { changeType: "updated,deleted", notificationUrl: partnerTopic, lifecycleNotificationUrl: partnerTopic, clientState },
      };
    },
  },
  {
    example: "national-cloud",
    behaviour: "takes its cloud from the committed usgov stack file",
    stack: "usgov",
    config: ({ world }) => ({ mailbox: user, notificationUrl: world.webhook("national") }),
    graph: ({ world }) => ({
      [inbox(user)]: { changeType: "created", notificationUrl: world.webhook("national") },
      groups: { changeType: "updated,deleted", notificationUrl: world.webhook("national") },
    }),
    also: async ({ stack }) => expect((await stack.outputs()).cloud).toBe("usgov-l4"),
  },
  {
    example: "mailbox-list",
    behaviour: "creates one subscription per listed mailbox, each a child of one component",
    stack: "emulator",
    config: ({ world }) => ({ mailboxes: [user, "adele.vance@contoso.com", "megan.bowen@contoso.com"], notificationUrl: world.webhook("mailboxes") }),
    graph: ({ world }) => Object.fromEntries(
      [user, "adele.vance@contoso.com", "megan.bowen@contoso.com"].map((mailbox) => [inbox(mailbox), { changeType: "created", notificationUrl: world.webhook("mailboxes") }]),
    ),
    also: async ({ live, stack }) => {
      const idOf = (mailbox: string) => live.find((subscription) => subscription.resource === inbox(mailbox))?.id;
      expect((await stack.outputs()).subscriptionIds).toEqual({
        [user]: idOf(user),
        "adele.vance@contoso.com": idOf("adele.vance@contoso.com"),
        "megan.bowen@contoso.com": idOf("megan.bowen@contoso.com"),
      });
      const state: DeploymentState = JSON.parse(await stack.exportState());
      const resources = state.deployment.resources;
      const component = resources.filter((resource) => resource.type === "msgraph-examples:index:MailboxSubscriptions");
      expect(component).toHaveLength(1);
      const parents = resources.filter((resource) => resource.type === "pulumi-nodejs:dynamic/msgraph:Subscription").map((resource) => resource.parent);
      expect(parents).toEqual([component[0]!.urn, component[0]!.urn, component[0]!.urn]);
    },
  },
  {
    example: "teams-metered",
    behaviour: "sends the payment model as ?model= and warns that Microsoft no longer meters these APIs",
    stack: "emulator",
    config: ({ world }) => ({ notificationUrl: world.webhook("metered"), lifecycleNotificationUrl: world.webhook("metered-lifecycle") }),
    graph: ({ world }) => Object.fromEntries(
      ["teams/getAllMessages?model=B", "chats/getAllMessages?model=B"].map((resource) => [
        resource,
        { changeType: "created,updated,deleted", notificationUrl: world.webhook("metered"), lifecycleNotificationUrl: world.webhook("metered-lifecycle") },
      ]),
    ),
    also: ({ up }) => expect(up.output).toContain("payment model B: Microsoft stopped metering the Teams change-notification APIs on 2025-08-25"),
  },
];

let fixtures: Fixtures;
const scratchDirs: string[] = [];
beforeAll(async () => {
  const world = await startWorld();
  const clientState = `example-client-state-${Math.random().toString(36).slice(2)}`;
  world.secrets.add(clientState);
  // Only the public certificate goes to a file, as the example asks of its users; the private key stays in memory.
  const { certificate } = await createEncryptionCertificate({ commonName: "examples engine test" });
  const certificateDir = fs.mkdtempSync(path.join(os.tmpdir(), "msgraph-example-certificate-"));
  scratchDirs.push(certificateDir);
  const file = path.join(certificateDir, "graph-encryption.pem");
  fs.writeFileSync(file, `-----BEGIN CERTIFICATE-----\n${certificate.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`);
  const sha256 = createHash("sha256").update(Buffer.from(certificate, "base64")).digest("hex").toUpperCase();
  fixtures = { world, clientState, certificate: { base64: certificate, file, sha256 } };
});
afterAll(async () => {
  try {
    await fixtures?.world.close();
  } finally {
    for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
  }
});
beforeEach(() => fixtures.world.admin.reset());

/** A project directory outside the repository that runs the example's own source (see the top of this file). */
function exampleProject(example: string): { dir: string; name: string } {
  const source = path.join(examplesDir, example);
  const pulumiYaml = fs.readFileSync(path.join(source, "Pulumi.yaml"), "utf8");
  if (/^main:/m.test(pulumiYaml)) throw new Error(`examples/${example}/Pulumi.yaml sets main; the example must run from its own directory`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `msgraph-example-${example}-`));
  scratchDirs.push(dir);
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `${pulumiYaml.trimEnd()}\nmain: ${JSON.stringify(source)}\n`);
  for (const stackFile of fs.readdirSync(source).filter((file) => /^Pulumi\..+\.yaml$/.test(file))) {
    fs.copyFileSync(path.join(source, stackFile), path.join(dir, stackFile));
  }
  return { dir, name: /^name:\s*(\S+)/m.exec(pulumiYaml)![1]! };
}

function byResource(subscriptions: AdminSubscription[]): Record<string, AdminSubscription> {
  return Object.fromEntries(subscriptions.map((subscription) => [subscription.resource as string, subscription]));
}

describe("each example: up creates what it declares, preview --expect-no-changes exits 0, destroy leaves Graph empty", () => {
  it("has a case for every example project", () => {
    // Example projects are the directories with a Pulumi.yaml. examples/demo is not one: it is the program of
    // the repository's own Pulumi.yaml, run by `npm start`. The Python, Go and YAML examples run the native
    // provider and have their cases in native.examples.test.ts.
    const directories = fs.readdirSync(examplesDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(examplesDir, entry.name, "Pulumi.yaml")))
      .filter((entry) => !(nativeLanguages as readonly string[]).includes(entry.name))
      .map((entry) => entry.name);
    expect(cases.map((c) => c.example).sort()).toEqual(directories.sort());
  });

  it.each(cases.map((c) => [`${c.example} ${c.behaviour}`, c] as const))("%s", async (_title, example) => {
    const { world } = fixtures;
    const project = exampleProject(example.example);
    const stack = world.stack(example.stack, { projectDir: project.dir, projectName: project.name });

    const up = await stack.runWithConfig("up", { ...world.graphConfig(), ...example.config(fixtures) }, transpileOnly);
    expectExit(up, 0);
    const live = world.admin.listSubscriptions();
    const expected = example.graph(fixtures);
    expect(byResource(live)).toEqual(Object.fromEntries(Object.entries(expected).map(([resource, properties]) => [resource, expect.objectContaining(properties)])));
    await example.also?.({ fixtures, up, live, stack });

    expectExit(await stack.preview(undefined, { expectNoChanges: true, ...transpileOnly }), 0);
    expectExit(await stack.destroy(transpileOnly), 0);
    expect(world.admin.listSubscriptions()).toEqual([]);
  });
});
