import { redact, redactUrl } from "../provider/redaction";
import type { GraphConnection } from "../provider/subscription/context";
import { expiryVerdict, sameInstant } from "../provider/lifetime";
import { type ApiVersion, type GraphSubscription } from "../provider/vocabulary";
import { subscriptionInputNames, type SubscriptionInputs } from "../provider/schema";
import type { SubscriptionState } from "../provider/subscription/state";
import { exitCode, programName, UsageError, type CliOutput, type CommandSpec, type ParsedCommandLine } from "./help";
import { stackSelectionOptions, type StackLocation, type StackSubscription } from "./stackState";

/**
 * `msgraph-subscriptions status`: each subscription of a stack (or of an app, straight from Graph) with its
 * health, for people and for monitors. Subscriptions die silently when a pipeline stops renewing them; this
 * is the command a scheduled job runs to find out before the notifications stop.
 *
 * Health is judged as `pulumi up` would judge it, on Graph's clock: the renewal window comes from the
 * provider's own plan (plan.ts, lifetime.ts), and a subscription Graph no longer has is expired (its expiry
 * has passed) or missing (deleted before it).
 */

/** From worst to best: a report's overall health is its worst subscription's. */
export const healthStates = ["expired", "missing", "unknown", "drifted", "renew-due", "healthy"] as const;
export type Health = (typeof healthStates)[number];

export interface SubscriptionHealth {
  /** The resource's name in the program (stack mode). */
  name?: string;
  id: string;
  resource: string;
  changeType: string;
  /** Query values masked; `[secret]` when the stack holds it encrypted. */
  notificationUrl: string;
  /** Graph's expiry, or the stack's when Graph has none. */
  expirationDateTime: string;
  /** Minutes left on Graph's clock (negative once expired); null when it could not be checked. */
  expiresInMinutes: number | null;
  health: Health;
  /** Each problem with its fix, one sentence each; empty when healthy. */
  problems: string[];
}

export interface StatusReport {
  source: { stack: string } | { app: { tenantId?: string; clientId?: string; endpoint: string } };
  /** Graph's time when the check ran, if Graph was reached. */
  checkedAt: string | null;
  health: Health;
  subscriptions: SubscriptionHealth[];
}

export const statusCommand: CommandSpec = {
  summary: "Show each subscription of a stack (or of an app, from Graph) with its time to expiry and health, for people and monitors.",
  synopsis: "[--stack NAME] [--cwd DIR] [--show-secrets] [--json] | --app [--api-version VERSION] [--json]",
  options: {
    ...stackSelectionOptions,
    "show-secrets": {
      type: "boolean",
      description:
        "Decrypt the stack's secrets, as pulumi does with the stack's passphrase or Pulumi Cloud access. Needed only for a subscription whose " +
        "connection signs in with a client secret, or whose notificationUrl is a secret.",
    },
    app: {
      type: "boolean",
      description: "Instead of a stack, list every subscription of the app the MSGRAPH_* settings sign in as (GET /subscriptions).",
    },
    "api-version": { type: "string", value: "VERSION", description: "With --app: v1.0 or beta; default MSGRAPH_API_VERSION, else v1.0." },
    json: { type: "boolean", description: "Print one JSON object (source, checkedAt, health, subscriptions) instead of a table." },
  },
  notes: [
    "Health: healthy; renew-due (less time left than renewBeforeMinutes, or with --app the provider's default window, half the longest " +
      "lifetime Graph allows: the next pulumi up renews it); drifted (Graph's notificationUrl or expiry differs from the stack's); expired " +
      "(Graph deleted it at its expiry) or missing (deleted before it); unknown (it could not be checked). Each problem is printed with its fix.",
    "Reads the stack with pulumi stack export and pulumi config (the pulumi CLI on PATH, with the environment pulumi up runs with; no passphrase " +
      "is needed without --show-secrets), and signs in as the provider does: the stack's msgraph:* config, each key falling back to MSGRAPH_*, " +
      "or a subscription's own connection. With --app, the MSGRAPH_* settings alone.",
  ],
  exitCodes: {
    [exitCode.ok]: "Every subscription is healthy (or there are none).",
    [exitCode.failed]: "At least one subscription is renew-due, drifted, expired, missing or unknown, or the stack or Graph could not be read.",
    [exitCode.usage]: "Usage error: an unknown option or value, an argument, --app with --stack, --cwd or --show-secrets, or --api-version without --app.",
  },
  examples: [`${programName} status --stack prod --json`, `${programName} status --app`],
  run: statusCommandLine,
};

async function statusCommandLine({ values }: ParsedCommandLine, out: CliOutput): Promise<number> {
  const location = stackLocation(values);
  if (values.app !== true && values["api-version"] !== undefined) {
    throw new UsageError("--api-version goes with --app; a stack's subscriptions are read with the API version each was created with");
  }
  const report = values.app === true ? await appStatus(apiVersionOption(values["api-version"])) : await stackStatus(location);
  out.stdout(values.json === true ? `${JSON.stringify(report)}\n` : renderStatus(report));
  return report.health === "healthy" ? exitCode.ok : exitCode.failed;
}

/** --stack, --cwd and --show-secrets, refused next to --app (which reads no stack). */
export function stackLocation(values: ParsedCommandLine["values"]): StackLocation {
  if (values.app === true) {
    const stackOnly = ["stack", "cwd", "show-secrets"].filter((flag) => values[flag] !== undefined);
    if (stackOnly.length > 0) throw new UsageError(`--app reads no stack, so it takes no ${stackOnly.map((flag) => `--${flag}`).join(" or ")}`);
  }
  return {
    stack: typeof values.stack === "string" ? values.stack : undefined,
    cwd: typeof values.cwd === "string" ? values.cwd : undefined,
    showSecrets: values["show-secrets"] === true,
  };
}

function apiVersionOption(value: unknown): ApiVersion | undefined {
  if (value === undefined) return undefined;
  if (value !== "v1.0" && value !== "beta") throw new UsageError(`--api-version must be one of v1.0, beta, got '${String(value)}'`);
  return value;
}

export async function stackStatus(location: StackLocation): Promise<StatusReport> {
  const { readStack } = await import("./stackState");
  const { ProviderContext } = await import("../provider/subscription/context");
  const stack = await readStack(location);
  const context = ProviderContext.fromConfig(stack.config);
  const subscriptions = await Promise.all(
    stack.subscriptions.map((subscription) =>
      stackSubscriptionHealth(subscription, () => context.connection(subscription.state.connection)),
    ),
  );
  // The stack's connection's view of Graph's time; this machine's when only other connections were used.
  const checkedAt = subscriptions.length === 0 ? null : (context.clock.observed() ? context.clock.now() : new Date()).toISOString();
  return report({ stack: location.stack ?? "(selected)" }, subscriptions, checkedAt);
}

export async function appStatus(apiVersion: ApiVersion | undefined): Promise<StatusReport> {
  const { ProviderContext } = await import("../provider/subscription/context");
  const { resolveSettings } = await import("../provider/graph/settings");
  const settings = resolveSettings();
  const connection = ProviderContext.fromSettings(settings).connection();
  const version = apiVersion ?? settings.apiVersion;
  const live = await (await connection.graph()).list(version);
  const now = connection.clock.now();
  const subscriptions = await Promise.all(
    live.map(async (subscription): Promise<SubscriptionHealth> => {
      const row = rowOf(undefined, subscription.id, subscription, redactUrl(subscription.notificationUrl), subscription.expirationDateTime, now);
      // No program and no state: the provider's default lifetime plan for the resource (the longest Graph allows),
      // so Graph's expiry must not pass for a fixed one.
      const { expirationDateTime: _graphExpiry, ...properties } = inputsAmong(subscription);
      const due = await renewalDue(connection, properties, version, subscription.expirationDateTime, now);
      return judged(row, [...expiredProblems(row, now), ...renewalProblems(due, "app")]);
    }),
  );
  const source = { app: { tenantId: settings.tenantId, clientId: settings.clientId, endpoint: settings.endpoint } };
  return report(source, subscriptions, now.toISOString());
}

/** One subscription of the stack against Graph: gone, drifted, due, or healthy. */
async function stackSubscriptionHealth(subscription: StackSubscription, connectionOf: () => GraphConnection): Promise<SubscriptionHealth> {
  const { state, encrypted } = subscription;
  const shownUrl = encrypted.includes("notificationUrl") ? state.notificationUrl : redactUrl(state.notificationUrl);
  const unknown = (problem: string): SubscriptionHealth => ({
    ...rowOf(subscription.name, subscription.id, state, shownUrl, state.expirationDateTime, undefined),
    health: "unknown",
    problems: [problem],
  });
  const blocked = signInBlocked(encrypted);
  if (blocked) return unknown(blocked);
  try {
    const connection = connectionOf();
    const live = await (await connection.graph()).get(subscription.id, state.graphApiVersion);
    const now = connection.clock.now();
    if (!live) {
      const row = rowOf(subscription.name, subscription.id, state, shownUrl, state.expirationDateTime, now);
      return judged(row, Date.parse(state.expirationDateTime) <= now.getTime() ? expiredProblems(row, now) : [missingProblem(subscription)]);
    }
    const row = rowOf(subscription.name, subscription.id, state, shownUrl, live.expirationDateTime, now);
    const due = await renewalDue(connection, plannedInputs(state), state.graphApiVersion, live.expirationDateTime, now);
    return judged(row, [...expiredProblems(row, now), ...driftProblems(state, live, encrypted), ...renewalProblems(due, "stack")]);
  } catch (error) {
    return unknown(`could not be checked: ${redact((error as Error).message ?? String(error))}`);
  }
}

/** Why a subscription cannot sign in from an undecrypted state, if it cannot. */
export function signInBlocked(encrypted: readonly string[]): string | undefined {
  if (encrypted.includes("connection") || encrypted.includes("connection.clientSecret")) {
    return "could not be checked: it signs in with its own connection, whose client secret the stack holds encrypted. Fix: Run again with --show-secrets (with the stack's passphrase or Pulumi Cloud access)";
  }
  return undefined;
}

/**
 * The inputs the program last gave, as the provider plans with them: state keeps Graph's expiry in
 * expirationDateTime and the program's fixed one, if any, in requestedExpirationDateTime.
 */
function plannedInputs(state: SubscriptionState): Partial<SubscriptionInputs> {
  const { expirationDateTime: _graphExpiry, ...inputs } = inputsAmong(state);
  return state.requestedExpirationDateTime ? { ...inputs, expirationDateTime: state.requestedExpirationDateTime } : inputs;
}

/**
 * The Subscription inputs among an object's properties, for validation's strict schema: state's bookkeeping
 * and Graph's outputs left out, and the nulls Graph returns for properties never set.
 */
function inputsAmong(source: object): Partial<SubscriptionInputs> {
  const record = source as Record<string, unknown>;
  return Object.fromEntries(subscriptionInputNames.filter((name) => record[name] !== undefined && record[name] !== null).map((name) => [name, record[name]]));
}

type RenewalDue = { due: false } | { due: true; renewBeforeMinutes: number; maxLifetimeMinutes: number };

/** Whether `pulumi up` would renew now: the provider's own plan and verdict, on Graph's clock. */
async function renewalDue(
  connection: GraphConnection,
  inputs: Partial<SubscriptionInputs>,
  apiVersion: ApiVersion,
  expirationDateTime: string,
  now: Date,
): Promise<RenewalDue> {
  const { planSubscription } = await import("../provider/subscription/plan");
  const outcome = await planSubscription(connection, inputs, apiVersion);
  if (!("plan" in outcome) || outcome.plan.lifetime.mode !== "relative") return { due: false };
  if (expiryVerdict(outcome.plan.lifetime, expirationDateTime, now) !== "renew") return { due: false };
  return { due: true, renewBeforeMinutes: outcome.plan.lifetime.renewBeforeMinutes, maxLifetimeMinutes: outcome.plan.maxLifetimeMinutes };
}

function renewalProblems(due: RenewalDue, source: "stack" | "app"): string[] {
  if (!due.due) return [];
  return [
    source === "stack"
      ? `renew-due: less than its renewBeforeMinutes (${due.renewBeforeMinutes}) is left. Fix: The next pulumi up renews it; run pulumi up --refresh now if no pipeline runs before it expires`
      : `renew-due: less than ${due.renewBeforeMinutes} minutes is left, the provider's default renewal window (half the ${due.maxLifetimeMinutes}-minute maximum ` +
        "for this resource). Fix: Run pulumi up in the stack that manages it, or renew it (PATCH expirationDateTime) if no stack does",
  ];
}

function expiredProblems(row: SubscriptionHealth, now: Date): string[] {
  if (Date.parse(row.expirationDateTime) > now.getTime()) return [];
  return [
    `expired: at ${row.expirationDateTime}; Graph deletes expired subscriptions, and notifications since then were missed. ` +
      "Fix: Run pulumi up --refresh to create it again",
  ];
}

function missingProblem(subscription: StackSubscription): string {
  return (
    `missing: Graph has no subscription ${subscription.id}, although it would expire only at ${subscription.state.expirationDateTime}: ` +
    "it was deleted outside Pulumi, or by Graph. Fix: Run pulumi up --refresh to create it again"
  );
}

/** What Graph holds that the stack does not know: the two properties that change in place. */
function driftProblems(state: SubscriptionState, live: GraphSubscription, encrypted: readonly string[]): string[] {
  const problems: string[] = [];
  if (!encrypted.includes("notificationUrl") && live.notificationUrl !== state.notificationUrl) {
    problems.push(
      `drifted: notificationUrl is ${redactUrl(live.notificationUrl)} in Graph but ${redactUrl(state.notificationUrl)} in the stack ` +
        "(changed outside Pulumi). Fix: Run pulumi up --refresh to set it back",
    );
  }
  if (!sameInstant(live.expirationDateTime, state.expirationDateTime)) {
    problems.push(
      `drifted: Graph's expirationDateTime is ${live.expirationDateTime}, the stack's ${state.expirationDateTime} (renewed or changed outside Pulumi). ` +
        "Fix: Run pulumi up --refresh, which records it (and restores a fixed expirationDateTime)",
    );
  }
  return problems;
}

function rowOf(
  name: string | undefined,
  id: string,
  subscription: Pick<SubscriptionState, "resource" | "changeType">,
  notificationUrl: string,
  expirationDateTime: string,
  now: Date | undefined,
): SubscriptionHealth {
  return {
    ...(name === undefined ? {} : { name }),
    id,
    resource: subscription.resource,
    changeType: subscription.changeType,
    notificationUrl,
    expirationDateTime,
    expiresInMinutes: now ? Math.floor((Date.parse(expirationDateTime) - now.getTime()) / 60_000) : null,
    health: "healthy",
    problems: [],
  };
}

/** The row's health: the worst its problems name (each problem starts with its health). */
function judged(row: SubscriptionHealth, problems: string[]): SubscriptionHealth {
  const named = problems.map((problem) => healthStates.find((health) => problem.startsWith(`${health}:`)) ?? "unknown");
  return { ...row, health: worst(named), problems };
}

function worst(healths: readonly Health[]): Health {
  return healthStates.find((health) => healths.includes(health)) ?? "healthy";
}

function report(source: StatusReport["source"], subscriptions: SubscriptionHealth[], checkedAt: string | null): StatusReport {
  return { source, checkedAt, health: worst(subscriptions.map((row) => row.health)), subscriptions };
}

/** A table for people: one row per subscription, then each problem under the subscription's name or id. */
export function renderStatus(report: StatusReport): string {
  const source = "stack" in report.source ? `stack ${report.source.stack}` : `app ${report.source.app.clientId ?? "(from the environment)"}`;
  if (report.subscriptions.length === 0) return `No subscriptions in ${source}.\n`;
  const stackMode = "stack" in report.source;
  const header = [...(stackMode ? ["NAME"] : []), "RESOURCE", "CHANGE TYPE", "ID", "EXPIRES IN", "HEALTH"];
  const rows = report.subscriptions.map((row) => [
    ...(stackMode ? [row.name ?? ""] : []),
    row.resource,
    row.changeType,
    row.id,
    timeLeft(row.expiresInMinutes),
    row.health,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((cells) => cells[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd();
  const problems = report.subscriptions.flatMap((row) => row.problems.map((problem) => `  ${row.name ?? row.id}: ${problem}`));
  const summary = `${report.subscriptions.length} subscription(s) in ${source}${report.checkedAt ? `, checked at ${report.checkedAt} (Graph's clock)` : ""}: ${report.health}.`;
  return [line(header), ...rows.map(line), ...(problems.length > 0 ? ["", ...problems] : []), "", summary].join("\n") + "\n";
}

/** "2d 4h", "5h 12m", "45m", "<1m"; "expired" once the expiry has passed (whole minutes are rounded down); "?" when unknown. */
export function timeLeft(minutes: number | null): string {
  if (minutes === null) return "?";
  if (minutes < 0) return "expired";
  if (minutes === 0) return "<1m";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  return hours > 0 ? `${hours}h ${minutes % 60}m` : `${minutes}m`;
}
