import type { EndpointCheck } from "../provider/endpoints/endpointCheck";
import type { TokenPermissions } from "../provider/graph/tokenClaims";
import { redact } from "../provider/redaction";
import type { GraphConnection, ProviderContext } from "../provider/subscription/context";
import { exitCode, programName, type CliOutput, type CommandSpec, type ParsedCommandLine } from "./help";
import { stackSelectionOptions, type StackLocation, type StackSubscription } from "./stackState";
import { signInBlocked, stackLocation } from "./status";

/**
 * `msgraph-subscriptions doctor`: what would make Graph refuse a stack's subscriptions, found before Graph
 * does. For each subscription: can its app get a token, does the token hold one of the least-privileged
 * permissions the rule table lists for the resource, and does each endpoint pass Graph's validation request
 * (provider/endpoints). One line per problem, each with its fix; a problem shared by several subscriptions
 * (one app's credentials, one URL) is one line naming them all.
 */

export interface DoctorProblem {
  /** The subscriptions it concerns, by name in the program. */
  subscriptions: string[];
  /** What is checked: the stack's state file, credentials, permissions, notificationUrl, lifecycleNotificationUrl. */
  check: "state" | "credentials" | "permissions" | "notificationUrl" | "lifecycleNotificationUrl";
  /** The whole line, fix included. */
  line: string;
}

export interface DoctorReport {
  subscriptionCount: number;
  problems: DoctorProblem[];
  /** Checks that could not run, and why (an encrypted URL, an Event Hubs address). */
  notes: string[];
  /** What Graph decides instead of the rule table (a resource path let through by allowUndocumentedResource); not a problem. */
  warnings: string[];
  /** The damaged state sidecars --repair-state moved aside, and where each went. */
  repaired: { from: string; to: string }[];
}

export const doctorCommand: CommandSpec = {
  summary: "Check each subscription of a stack: its app's credentials, the token's permissions, and each endpoint against Graph's validation request.",
  synopsis: "[--stack NAME] [--cwd DIR] [--show-secrets] [--repair-state]",
  options: {
    ...stackSelectionOptions,
    "repair-state": {
      type: "boolean",
      description:
        "When the stack cannot be loaded because a killed run left the file backend's metadata sidecar empty (failed to load checkpoint: EOF), " +
        "move that sidecar aside (kept, renamed .damaged-<time>) so the stack loads again, then check the stack as usual.",
    },
    "show-secrets": {
      type: "boolean",
      description:
        "Decrypt the stack's secrets (with the stack's passphrase or Pulumi Cloud access), to check a connection that signs in with a client " +
        "secret, or a notificationUrl kept as a secret.",
    },
  },
  notes: [
    "Checks, for each subscription: that its app gets an access token (the stack's msgraph:* settings, each falling back to MSGRAPH_*, or the " +
      "subscription's own connection); that the token grants one of the least-privileged permissions the rule table lists for the resource " +
      "(docs/rule-table.md); and that notificationUrl and lifecycleNotificationUrl answer Graph's validation request (POST with ?validationToken=: " +
      "200, text/plain, the decoded token, within 10 seconds). Event Hubs and Event Grid addresses are not checked, as Graph sends them no such request.",
    "Prints one line per problem on stdout, naming the subscriptions, what is wrong and the fix, then a summary line; notes on checks that could " +
      "not run go to stderr. The requests come from this machine, not from Microsoft's network: an endpoint reachable only from inside your " +
      "network passes here and still fails Graph.",
    "A stack the file backend cannot load (failed to load checkpoint: EOF, after a killed run left the state's metadata sidecar empty) is " +
      "one problem naming the damaged file and the repair; --repair-state applies it and goes on. Resources the rule table does not list " +
      "(allowUndocumentedResource) are warnings, not problems.",
  ],
  exitCodes: {
    [exitCode.ok]: "No problem found (or the stack has no subscriptions), after --repair-state's repair if it made one.",
    [exitCode.failed]: "At least one problem, printed with its fix; or the stack could not be read.",
    [exitCode.usage]: "Usage error: an unknown option or value, or an argument.",
  },
  examples: [`${programName} doctor --stack prod`, `${programName} doctor --stack prod --repair-state`],
  run: doctorCommandLine,
};

async function doctorCommandLine({ values }: ParsedCommandLine, out: CliOutput): Promise<number> {
  const location = stackLocation(values);
  const report = await doctor(location, { repairState: values["repair-state"] === true });
  for (const { from, to } of report.repaired) {
    out.stdout(`repaired: moved the damaged state sidecar '${from}' to '${to}' (kept); next: pulumi cancel --yes, then pulumi up --refresh\n`);
  }
  for (const problem of report.problems) out.stdout(`${problem.line}\n`);
  for (const warning of report.warnings) out.stdout(`warning: ${warning}\n`);
  for (const note of report.notes) out.stderr(`note: ${note}\n`);
  const stack = location.stack ? `stack ${location.stack}` : "the selected stack";
  out.stdout(
    report.problems.length === 0
      ? `No problems in the ${report.subscriptionCount} subscription(s) of ${stack}.\n`
      : `${report.problems.length} problem(s) in the ${report.subscriptionCount} subscription(s) of ${stack}.\n`,
  );
  return report.problems.length === 0 ? exitCode.ok : exitCode.failed;
}

export async function doctor(location: StackLocation, options: { endpointTimeoutMs?: number; repairState?: boolean } = {}): Promise<DoctorReport> {
  const { readStack } = await import("./stackState");
  const { ProviderContext } = await import("../provider/subscription/context");
  const repaired: DoctorReport["repaired"] = [];
  let stack: Awaited<ReturnType<typeof readStack>>;
  try {
    stack = await readStack(location);
  } catch (error) {
    const { damagedCheckpointMessage, describeDamage, findDamagedCheckpoint, moveSidecarsAside } = await import("./checkpointRepair");
    const damaged = damagedCheckpointMessage.test((error as Error).message) ? await findDamagedCheckpoint(location.cwd ?? process.cwd(), location.stack) : undefined;
    if (!damaged) throw error;
    if (!options.repairState) {
      return { subscriptionCount: 0, problems: [{ subscriptions: [], check: "state", line: describeDamage(damaged) }], notes: [], warnings: [], repaired };
    }
    repaired.push(...moveSidecarsAside(damaged));
    stack = await readStack(location);
  }
  const context = ProviderContext.fromConfig(stack.config);
  const problems: DoctorProblem[] = [];
  const notes: string[] = [];
  const warnings = [...largeStack(stack.subscriptionResources), ...(await undocumentedResources(stack.subscriptions))];
  // Endpoint checks wait on the network for up to 10 seconds each; they run while the tokens are fetched.
  const endpoints = endpointProblems(stack.subscriptions, notes, options.endpointTimeoutMs);

  // Credentials and permissions: one token per connection, however many subscriptions share it.
  const signedIn = new Map<GraphConnection, { names: string[]; own: boolean; token: Promise<TokenPermissions | Error> }>();
  const usable: Array<{ subscription: StackSubscription; connection: GraphConnection }> = [];
  const settingsError = context.settingsError();
  if (settingsError && stack.subscriptions.length > 0) {
    const names = stack.subscriptions.map((subscription) => subscription.name);
    const line = `${names.join(", ")}: credentials: ${settingsError.message.replace(/\n\s*/g, " ")}. Fix: Correct them with pulumi config set (or the MSGRAPH_* environment)`;
    problems.push({ subscriptions: names, check: "credentials", line });
  }
  for (const subscription of settingsError ? [] : stack.subscriptions) {
    const connection = connectionOf(context, subscription, problems);
    if (!connection) continue;
    const entry = signedIn.get(connection) ?? { names: [], own: subscription.state.connection !== undefined, token: tokenOf(connection) };
    entry.names.push(subscription.name);
    signedIn.set(connection, entry);
    usable.push({ subscription, connection });
  }
  for (const [connection, { names, own, token }] of signedIn) {
    const granted = await token;
    if (granted instanceof Error) problems.push(credentialProblem(connection, names, own, granted));
  }
  for (const { subscription, connection } of usable) {
    const granted = await signedIn.get(connection)!.token;
    if (granted instanceof Error) continue;
    const problem = await permissionProblem(subscription, connection, granted);
    if (problem) problems.push(problem);
  }

  problems.push(...(await endpoints));
  return { subscriptionCount: stack.subscriptions.length, problems, notes, warnings, repaired };
}

/**
 * From this many Subscription resources on, the engine's state write after every step is most of a `pulumi up`
 * (BENCHMARKS.md: at 1,000 it takes minutes), and a SubscriptionSet or PULUMI_SKIP_CHECKPOINTS is worth it.
 */
const largeStackFrom = 200;

export function largeStack(resources: number, env: NodeJS.ProcessEnv = process.env): string[] {
  if (resources < largeStackFrom || env.PULUMI_SKIP_CHECKPOINTS === "true") return [];
  return [
    `the stack has ${resources} Subscription resources, and the Pulumi engine writes the whole state after every step of every one of them, so each pulumi up spends most of its time on that. ` +
      "Fix: declare subscriptions that differ only in their resource path as one SubscriptionSet, or run pulumi with PULUMI_SKIP_CHECKPOINTS=true " +
      "(LARGE_STACK=true in the example pipelines), and after a killed run recover with pulumi cancel and pulumi up --refresh (README, Large stacks)",
  ];
}

/** Subscriptions whose path no row lists: preview let them through only because the program opted in. */
async function undocumentedResources(subscriptions: readonly StackSubscription[]): Promise<string[]> {
  const { matchRules } = await import("../provider/rules/resourcePath");
  return subscriptions
    .filter(({ state }) => typeof state.resource === "string" && matchRules(state.resource, state.graphApiVersion).length === 0)
    .map(
      ({ name, state }) =>
        `${name}: resource '${state.resource}' is not in the rule table (Graph ${state.graphApiVersion}; docs/rule-table.md), so its permissions, change types and lifetime were not checked: ` +
        "Graph decides (allowUndocumentedResource). Fix: none needed while Graph accepts it; a newer release of this provider may list it",
    );
}

/** The subscription's connection, or a problem when it has none that can sign in. */
function connectionOf(context: ProviderContext, subscription: StackSubscription, problems: DoctorProblem[]): GraphConnection | undefined {
  const blocked = signInBlocked(subscription.encrypted);
  if (blocked) {
    problems.push({ subscriptions: [subscription.name], check: "credentials", line: `${subscription.name}: credentials ${blocked}` });
    return undefined;
  }
  try {
    return context.connection(subscription.state.connection);
  } catch (error) {
    const line = `${subscription.name}: credentials cannot be used: ${(error as Error).message}. Fix: Correct the connection in the program, then run pulumi up`;
    problems.push({ subscriptions: [subscription.name], check: "credentials", line });
    return undefined;
  }
}

async function tokenOf(connection: GraphConnection): Promise<TokenPermissions | Error> {
  try {
    return await (await connection.graph()).tokenPermissions();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function credentialProblem(connection: GraphConnection, names: string[], own: boolean, error: Error): DoctorProblem {
  const { tenantId, clientId, authorityHost } = connection.settings;
  const whose = own ? `the connection of ${names.join(", ")} (app ${clientId} in tenant ${tenantId})` : `the stack's msgraph:* settings (used by ${names.join(", ")})`;
  const fix = own
    ? "Check the connection's tenantId, clientId and credential (a client secret that was rotated or expired, a certificate file that moved) and its cloud, then run pulumi up so the stack records it"
    : "Check msgraph:tenantId, msgraph:clientId and msgraph:clientSecret (or MSGRAPH_TENANT_ID, MSGRAPH_CLIENT_ID, MSGRAPH_CLIENT_SECRET, or the AZURE_* sign-in), " +
      "that the client secret has not expired, and that msgraph:cloud is the tenant's cloud";
  // Identity's messages run over several lines (AADSTS code, trace and correlation ids): kept, on one line.
  const reason = redact(error.message.replace(/\s+/g, " ").trim().replace(/\.$/, ""), [connection.settings.clientSecret]);
  return { subscriptions: names, check: "credentials", line: `${whose}: no access token from ${authorityHost}: ${reason}. Fix: ${fix}` };
}

async function permissionProblem(subscription: StackSubscription, connection: GraphConnection, granted: TokenPermissions): Promise<DoctorProblem | undefined> {
  const { permissionGap } = await import("../provider/rules/leastPrivilege");
  const permissionType = connection.settings.permissionType ?? granted.permissionType;
  if (!permissionType) return undefined;
  const { state } = subscription;
  const gap = permissionGap(state.resource, state.graphApiVersion, permissionType, granted.granted);
  if (!gap) return undefined;
  const kind = permissionType === "application" ? "application permission" : "delegated permission";
  const subject = `${subscription.name}: permissions for ${state.resource} (${gap.rule.resourceType})`;
  const app = `the app registration ${connection.settings.clientId ?? "that signs in"}${connection.settings.tenantId ? ` in tenant ${connection.settings.tenantId}` : ""}`;
  const line =
    gap.needed === null
      ? `${subject}: Graph supports no ${kind}s for it, and the token is ${permissionType}. Fix: Sign in as ${permissionType === "application" ? "a user (delegated permissions)" : "an app (application permissions)"}, as docs/rule-table.md lists for this resource`
      : `${subject}: Graph needs one of these ${kind}s: ${gap.needed.join(", ")}, and the token grants ${granted.granted.length > 0 ? granted.granted.join(", ") : "none"}. ` +
        `Fix: Grant one of them to ${app} (with admin consent), then run again`;
  return { subscriptions: [subscription.name], check: "permissions", line };
}

/** Each distinct URL is sent one request; a problem is one line per property, naming every subscription that uses the URL there. */
async function endpointProblems(subscriptions: readonly StackSubscription[], notes: string[], timeoutMs: number | undefined): Promise<DoctorProblem[]> {
  const { checkEndpoint, describeEndpointProblems, needsEndpointCheck } = await import("../provider/endpoints/endpointCheck");
  const checks = new Map<string, Promise<EndpointCheck>>();
  const uses = new Map<string, { property: "notificationUrl" | "lifecycleNotificationUrl"; address: string; names: string[] }>();
  for (const { name, state, encrypted } of subscriptions) {
    for (const property of ["notificationUrl", "lifecycleNotificationUrl"] as const) {
      const address = state[property];
      if (typeof address !== "string") continue;
      if (encrypted.includes(property)) {
        notes.push(`${name}: ${property} is a secret in the stack and was not checked; run again with --show-secrets to check it`);
        continue;
      }
      if (!needsEndpointCheck(address)) continue;
      if (!checks.has(address)) checks.set(address, checkEndpoint(address, { timeoutMs }));
      const key = `${property} ${address}`;
      const use = uses.get(key) ?? { property, address, names: [] };
      use.names.push(name);
      uses.set(key, use);
    }
  }
  const problems: DoctorProblem[] = [];
  for (const { property, address, names } of uses.values()) {
    for (const line of describeEndpointProblems(property, await checks.get(address)!)) {
      problems.push({ subscriptions: names, check: property, line: `${names.join(", ")}: ${line}` });
    }
  }
  return problems;
}
