import * as fs from "node:fs";
import * as path from "node:path";
import * as tls from "node:tls";
import { startEmulator, startWebhookReceiver, type RunningEmulator, type RunningReceiver } from "../../emulator";
import { GraphApiError } from "../../provider/errors";
import { resolveSettings } from "../../provider/graph/settings";
import { reauthorizeSubscription } from "../../provider/reauthorize";
import { SubscriptionProvider } from "../../provider/subscription/implementation";
import { closeAll, serverHookTimeoutMs } from "../hooks";
import { watchSecrets } from "../secretWatch";
import { emulatorConfig } from "../emulator/support";

/**
 * docs/troubleshooting.md quotes what the provider prints in ```text blocks. Here each case the page
 * covers is run against the emulator through the provider's own code, and the page must hold what the
 * provider printed: every scenario's output matches a block, and every block matches some scenario's
 * output, so a quote cannot go stale. In a block, <...> stands for what differs per run (ids, request-ids,
 * hosts). Pulumi's framing of a check failure (the engine's "property %v value %v has a problem: %v",
 * sdk/go/common/diag/errors.go) is added here; the engine itself is exercised in test/engine.
 *
 * Where the page quotes Graph's own error text from public reports, the emulator must answer with that
 * text too (numbers and ids aside), so the emulator, the page and Graph agree.
 */
const page = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "troubleshooting.md"), "utf8");
const stateDir = process.env.MSGRAPH_EMULATOR_STATE_DIR ?? path.join(__dirname, "..", "..", ".emulator", "test");

const clientState = "troubleshooting-secret-8c2e";
const wrongSecret = "not-the-secret-4b1f";
const mailbox = "users/6e7b768e-07e2-4810-8459-485f84f8f204/messages";
const channel = "teams/ba4e0a0c-95f4-4a35-a2a4-1a4e5e83b5d6/channels/19:general@thread.tacv2/messages";

let emulator: RunningEmulator;
let receiver: RunningReceiver;

beforeAll(async () => {
  emulator = await startEmulator({
    stateDir,
    clients: [{}, { permissions: ["User.Read.All"], displayName: "app without mail permissions" }],
    validationTimeoutMs: 1_000,
  });
  receiver = await startWebhookReceiver({ stateDir, slowDelayMs: 2_000 });
  watchSecrets(clientState, wrongSecret, ...emulator.clients.map((client) => client.clientSecret));
  // Node reads NODE_EXTRA_CA_CERTS at start-up only; trust the emulator's CA for this worker too.
  tls.setDefaultCACertificates([...tls.getCACertificates("default"), emulator.caPem]);
}, serverHookTimeoutMs);

afterAll(() => closeAll(receiver, emulator), serverHookTimeoutMs);

function providerFor(clientIndex = 0, overrides: Record<string, string> = {}): SubscriptionProvider {
  const config = { ...graphConfig(clientIndex), ...overrides };
  return SubscriptionProvider.withSettings(resolveSettings((key) => config[key], {}));
}

function graphConfig(clientIndex = 0): Record<string, string | undefined> {
  return emulatorConfig(emulator, {}, clientIndex);
}

const mail = (notificationPath = "mail") => ({
  resource: mailbox,
  changeType: "created",
  notificationUrl: `${receiver.url}/${notificationPath}`,
  clientState,
});

interface Outcome {
  /** The line the user sees: Pulumi's `error: ...` for the resource, or the command line's message. */
  printed: string;
  /** Graph's (here: the emulator's) own message, when the failure is Graph's answer. */
  graphMessage?: string;
}

/** check (which must pass), then create, which must fail. */
async function failedCreate(inputs: Record<string, unknown>, provider = providerFor()): Promise<Outcome> {
  const checked = await provider.check({}, inputs);
  expect(checked.failures ?? []).toEqual([]);
  return failedCall(() => provider.create(checked.inputs!));
}

async function failedCall(call: () => Promise<unknown>, prefix = "error: "): Promise<Outcome> {
  const error = await call().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof Error)) throw new Error("expected the call to fail");
  // A 409 arrives as the provider's ConflictError, whose cause is Graph's answer.
  const graphError = [error, error.cause].find(GraphApiError.is);
  return { printed: `${prefix}${error.message}`, graphMessage: graphError?.graphMessage };
}

/** check's failure for `property`, framed as the Pulumi engine prints it. */
async function checkFailure(name: string, inputs: Record<string, unknown>, property: string, provider = providerFor()): Promise<Outcome> {
  const { failures = [] } = await provider.check({}, inputs);
  const failure = failures.find((candidate) => candidate.property === property);
  if (!failure) throw new Error(`no failure for ${property}: ${JSON.stringify(failures)}`);
  const value = inputs[property] === undefined ? "<nil>" : String(inputs[property]);
  return { printed: `error: pulumi-nodejs:dynamic/msgraph:Subscription resource '${name}': property ${property} value {${value}} has a problem: ${failure.reason}` };
}

interface Scenario {
  name: string;
  run(): Promise<Outcome>;
  /** Graph's text as the page quotes it from a public report; the emulator's answer must start the same way. */
  graphSays?: string;
}

const scenarios: Scenario[] = [
  {
    name: "the endpoint does not answer the handshake with 200",
    run: () => failedCreate(mail("reject")),
    graphSays: "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.",
  },
  ...["wrong-token", "encoded-token", "wrong-content-type"].map((receiverPath) => ({
    name: `the endpoint's handshake answer is wrong (${receiverPath})`,
    run: () => failedCreate(mail(receiverPath)),
    graphSays: "Subscription validation request failed. Response must exactly match validationToken query parameter.",
  })),
  {
    name: "the endpoint answers the handshake too late",
    run: () => failedCreate(mail("slow")),
    graphSays: "Subscription validation request timed out.",
  },
  {
    name: "a subscription for the same resource and changeType exists (409)",
    run: async () => {
      await providerFor().create((await providerFor().check({}, mail())).inputs!);
      return failedCreate(mail("another-endpoint"));
    },
    graphSays: "Subscription Id <> already exists for the requested combination",
  },
  {
    name: "the lifetime is over the rule table's maximum (preview)",
    run: () => checkFailure("mail", { ...mail(), lifetimeMinutes: 20160 }, "lifetimeMinutes"),
  },
  {
    name: "Graph's clock is behind this machine's, with a fixed expirationDateTime",
    run: async () => {
      emulator.admin.advanceClock(-120);
      const expirationDateTime = new Date(Date.now() + (10080 - 60) * 60_000).toISOString();
      return failedCreate({ ...mail(), expirationDateTime });
    },
    graphSays: "Subscription expiration can only be 4230 minutes in the future.",
  },
  {
    name: "the resource is not in the rule table (preview)",
    run: () => checkFailure("future-events", { ...mail(), resource: "solutions/futureThings/f1/events" }, "resource"),
  },
  {
    name: "a Teams subscription over one hour has no lifecycleNotificationUrl (preview)",
    run: () => checkFailure("channel-messages", { resource: channel, changeType: "created,updated", notificationUrl: `${receiver.url}/teams` }, "lifecycleNotificationUrl"),
  },
  {
    name: "rich notifications have no encryption certificate (preview)",
    run: () =>
      checkFailure(
        "channel-messages",
        { resource: channel, changeType: "created,updated", notificationUrl: `${receiver.url}/teams`, lifecycleNotificationUrl: `${receiver.url}/lifecycle`, includeResourceData: true },
        "encryptionCertificate",
      ),
  },
  {
    name: "the access token lacks the permission (preview)",
    run: () => checkFailure("mail", mail(), "resource", providerFor(1)),
  },
  {
    name: "Graph refuses a permission (create)",
    run: () => failedCall(() => providerFor(1).create(mail())),
  },
  {
    name: "a subscription quota is used up (403)",
    run: async () => {
      emulator.admin.setQuotas({ "directory-per-app-tenant": 1 });
      const directory = { resource: "users", notificationUrl: `${receiver.url}/directory` };
      await providerFor().create((await providerFor().check({}, { ...directory, changeType: "updated" })).inputs!);
      return failedCreate({ ...directory, changeType: "deleted" });
    },
    graphSays: "Maximum number of subscriptions has been reached",
  },
  {
    name: "Graph refuses the access token (401)",
    run: () => {
      emulator.admin.injectFault({ status: 401, method: "POST", path: "/subscriptions" });
      return failedCreate(mail());
    },
  },
  {
    name: "the sign-in fails",
    run: () => failedCall(() => providerFor(0, { "msgraph:clientSecret": wrongSecret }).create(mail())),
  },
  {
    name: "Graph throttles past the operation's deadline (429)",
    run: () => {
      emulator.admin.injectFault({ status: 429, retryAfterSeconds: 60, method: "POST", path: "/subscriptions" });
      return failedCreate(mail(), providerFor(0, { "msgraph:operationTimeoutSeconds": "10" }));
    },
  },
  {
    name: "reauthorize meets a subscription that is gone (404)",
    run: () => {
      const config = graphConfig();
      const settings = { endpoint: config["msgraph:endpoint"], authorityHost: config["msgraph:authorityHost"], tenantId: config["msgraph:tenantId"], clientId: config["msgraph:clientId"], clientSecret: config["msgraph:clientSecret"] };
      return failedCall(() => reauthorizeSubscription("7f105c7d-2dc5-4530-97cd-4e7ae6534c07", { settings }), "msgraph-subscriptions: ");
    },
  },
  {
    name: "an Event Hubs address without tenantId (preview)",
    run: () => checkFailure("events", { ...mail(), notificationUrl: "EventHub:https://contoso-events.servicebus.windows.net/eventhubname/graph-events" }, "notificationUrl"),
  },
  {
    name: "an Event Hubs address without https:// (preview)",
    run: () => checkFailure("events", { ...mail(), notificationUrl: "EventHub:contoso-events.servicebus.windows.net/eventhubname/graph-events?tenantId=contoso.com" }, "notificationUrl"),
  },
  {
    name: "an Event Hubs address as the lifecycle URL (preview)",
    run: () =>
      checkFailure(
        "events",
        { ...mail(), notificationUrl: "EventHub:https://contoso-events.servicebus.windows.net/eventhubname/graph-events?tenantId=contoso.com", lifecycleNotificationUrl: "EventHub:https://contoso-events.servicebus.windows.net/eventhubname/graph-events?tenantId=contoso.com" },
        "lifecycleNotificationUrl",
      ),
  },
  {
    name: "an Event Grid address without location (preview)",
    run: () =>
      checkFailure("events", { ...mail(), notificationUrl: "EventGrid:?azuresubscriptionid=8a2d6f4e-1b3c-4d5e-9f60-7a8b9c0d1e2f&resourcegroup=graph&partnertopic=graph-mail" }, "notificationUrl"),
  },
];

/** The page's quotes of the provider's output: the lines of its ```text blocks. */
const blocks = [...page.matchAll(/```text\n([\s\S]*?)```/g)].flatMap((match) => match[1]!.split("\n").filter((line) => line.trim() !== ""));

/** A quoted line as a pattern: <placeholder> matches anything, everything else literally. */
function patternOf(line: string): RegExp {
  const parts = line.split(/<[^<>\n]+>/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*?")}$`);
}

/** Each scenario's outcome, or why it could not be had; run one at a time against a fresh emulator. */
const outcomes = new Map<string, Outcome | Error>();

beforeAll(async () => {
  for (const scenario of scenarios) {
    emulator.admin.reset();
    outcomes.set(scenario.name, await scenario.run().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))));
  }
}, serverHookTimeoutMs);

function outcomeOf(name: string): Outcome {
  const outcome = outcomes.get(name);
  if (outcome === undefined || outcome instanceof Error) throw outcome ?? new Error(`scenario '${name}' did not run`);
  return outcome;
}

describe("docs/troubleshooting.md", () => {
  it.each(scenarios.map((scenario) => [scenario.name, scenario] as const))("quotes what the provider prints when %s", (name, scenario) => {
    const outcome = outcomeOf(name);
    for (const secret of [clientState, wrongSecret, ...emulator.clients.map((client) => client.clientSecret)]) expect(outcome.printed).not.toContain(secret);
    if (!blocks.some((line) => patternOf(line).test(outcome.printed))) {
      throw new Error(`the page quotes nothing matching what the provider printed:\n${outcome.printed}`);
    }
    if (scenario.graphSays !== undefined) {
      expect(page).toContain(scenario.graphSays);
      // Numbers and ids differ between the report and the emulator's case; the words must not.
      const words = scenario.graphSays.split(/<>|\d+/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
      expect(outcome.graphMessage).toMatch(new RegExp(`^${words.join("\\S+")}`));
    }
  });

  it("quotes nothing the provider does not print", () => {
    const printed = scenarios.map((scenario) => outcomeOf(scenario.name).printed);
    const stale = blocks.filter((line) => !printed.some((text) => patternOf(line).test(text)));
    expect(stale).toEqual([]);
  });

  it("links only files that exist", () => {
    for (const [, target] of page.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|#)/.test(target!)) continue;
      const file = path.join(__dirname, "..", "..", "docs", target!.replace(/#.*$/, ""));
      expect(fs.existsSync(file) ? file : `missing: ${target}`).toBe(file);
    }
  });

  it("links only headings that exist", () => {
    const anchors = new Set([...page.matchAll(/^#+ (.+)$/gm)].map((match) => githubAnchor(match[1]!)));
    const broken = [...page.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]!).filter((anchor) => !anchors.has(anchor));
    expect(broken).toEqual([]);
  });
});

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens. */
function githubAnchor(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}
