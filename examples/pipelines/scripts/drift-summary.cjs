#!/usr/bin/env node
// @ts-check
/**
 * Turns the output of `pulumi preview --refresh --expect-no-changes --json` into a Markdown summary for a
 * pipeline's job summary: which resources differ, which property, what Graph has and what the program
 * says, and what the next `pulumi up` will do. Called by drift.sh.
 *
 *   node drift-summary.cjs --preview preview.json --stderr preview.err --status <pulumi's exit status> --stack <name>
 *
 * Prints the summary and exits 0 (no drift), 7 (drift, or changes not deployed yet) or 1 (the check
 * failed). A resource that is only due for renewal is listed, and fails the check only with
 * DRIFT_FAIL_ON_RENEWAL=true. Plain Node.js without dependencies, so it runs wherever `pulumi` runs.
 *
 * Pulumi's JSON has, per resource, a `refresh` step (its `oldState` is the state as recorded) and then the
 * preview's own step (`same`, `create`, `update`, `delete`, `replace`, ...) with the state as read back
 * from Graph as `oldState` and the program's as `newState`. The Node.js dynamic-provider host reports no per-property
 * diff, so properties are compared here; secret values arrive as "[secret]" and are never shown.
 */
"use strict";
const fs = require("node:fs");

const exitNoDrift = 0;
const exitDrift = 7;
const exitFailed = 1;

/** The provider's bookkeeping and Pulumi's own keys: not properties a reader declared or can fix. */
const bookkeeping = new Set([
  "__provider", "ownerMark", "stateVersion", "lastWrittenExpirationDateTime", "lastPatchedDateTime",
  "requestedExpirationDateTime", "graphApiVersion", "ruleId",
]);
/** Steps that change nothing. */
const quietOps = new Set(["same", "refresh", "read", "discard"]);
/** What each preview step means for the next `pulumi up`, in the summary's words. */
const nextUp = {
  create: "creates it",
  update: "updates it in place",
  delete: "deletes it",
  replace: "replaces it",
  "create-replacement": "replaces it",
  "delete-replaced": "replaces it",
  "replace-refresh": "replaces it",
  import: "imports it",
};
const subscriptionType = "pulumi-nodejs:dynamic/msgraph:Subscription";

/**
 * @typedef {{ urn: string, type?: string, id?: string, inputs?: Record<string, unknown>, outputs?: Record<string, unknown> }} ResourceState
 * @typedef {{ op: string, urn: string, oldState?: ResourceState | null, newState?: ResourceState | null }} Step
 * @typedef {{ message?: string, severity?: string, urn?: string }} Diagnostic
 * @typedef {{ steps?: Step[], diagnostics?: Diagnostic[] }} Preview
 * @typedef {{ property: string, graph: unknown, program: unknown }} Difference
 * @typedef {{ name: string, label: string, op: string, kind: "drift" | "renewal" | "pending", missingInGraph: boolean, differences: Difference[], expiry?: unknown }} Finding
 */

function main() {
  const args = parseArgs(process.argv.slice(2));
  const status = Number(args.status);
  const stack = args.stack ?? "(unnamed)";
  const stderr = readOptional(args.stderr);
  const failOnRenewal = process.env.DRIFT_FAIL_ON_RENEWAL === "true";

  /** @type {Preview | undefined} */
  let preview;
  try {
    preview = JSON.parse(readOptional(args.preview) || "null") ?? undefined;
  } catch {
    preview = undefined;
  }

  if (status !== 0 && status !== exitDrift) {
    process.stdout.write(failureSummary(stack, status, preview, stderr));
    return exitFailed;
  }
  const findings = preview ? findingsOf(preview) : [];
  const { text, verdict } = driftSummary(stack, status, findings, failOnRenewal, preview === undefined);
  process.stdout.write(text);
  return verdict;
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {Record<string, string>} */
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    if (!key?.startsWith("--") || argv[i + 1] === undefined) throw new Error(`drift-summary: unexpected argument ${key ?? ""}`);
    args[key.slice(2)] = argv[i + 1];
  }
  return args;
}

/** @param {string | undefined} file */
function readOptional(file) {
  try {
    return file ? fs.readFileSync(file, "utf8") : "";
  } catch {
    return "";
  }
}

/**
 * One finding per resource that the next `pulumi up` would change.
 * @param {Preview} preview
 * @returns {Finding[]}
 */
function findingsOf(preview) {
  const steps = preview.steps ?? [];
  /** @type {Map<string, Step>} */
  const refreshes = new Map(steps.filter((step) => step.op === "refresh").map((step) => [step.urn, step]));
  /** @type {Map<string, Step>} */
  const changes = new Map();
  for (const step of steps) {
    // A replacement shows up as several steps; the first names it well enough.
    if (!quietOps.has(step.op) && !changes.has(step.urn)) changes.set(step.urn, step);
  }
  return [...changes.values()].map((step) => findingOf(step, refreshes.get(step.urn)));
}

/**
 * @param {Step} step
 * @param {Step | undefined} refresh
 * @returns {Finding}
 */
function findingOf(step, refresh) {
  const name = step.urn.split("::").pop() ?? step.urn;
  const type = step.newState?.type ?? step.oldState?.type ?? refresh?.oldState?.type ?? "";
  const state = step.newState ?? step.oldState ?? refresh?.oldState;
  const resource = state?.inputs?.resource ?? state?.outputs?.resource;
  const label = type === subscriptionType ? (typeof resource === "string" ? resource : "subscription") : type;
  // The refresh step's oldState is the state as recorded; the preview step's oldState is the state as read
  // back from Graph. Recorded but to be created again: the refresh found it gone from Graph (deleted, or
  // expired: Graph deletes expired subscriptions).
  const recorded = refresh?.oldState ?? undefined;
  const missingInGraph = recorded !== undefined && step.op === "create";
  const differences = step.op === "update" ? differencesOf(step.oldState?.inputs, step.newState?.inputs) : [];
  const changedByGraph = recorded && step.oldState ? differencesOf(recorded.outputs, step.oldState.outputs).map((d) => d.property) : [];

  /** @type {Finding["kind"]} */
  let kind = "pending";
  if (missingInGraph || differences.some((d) => changedByGraph.includes(d.property))) kind = "drift";
  // Same inputs on both sides: the provider asks for an update because the expiry is within renewBeforeMinutes.
  else if (step.op === "update" && differences.length === 0 && type === subscriptionType) kind = "renewal";
  return { name, label, op: step.op, kind, missingInGraph, differences, expiry: step.oldState?.outputs?.expirationDateTime };
}

/**
 * Properties whose values differ, bookkeeping left out.
 * @param {Record<string, unknown> | undefined} graph
 * @param {Record<string, unknown> | undefined} program
 * @returns {Difference[]}
 */
function differencesOf(graph = {}, program = {}) {
  const names = [...new Set([...Object.keys(graph), ...Object.keys(program)])].filter((name) => !bookkeeping.has(name)).sort();
  return names
    .filter((name) => JSON.stringify(graph[name]) !== JSON.stringify(program[name]))
    .map((property) => ({ property, graph: graph[property], program: program[property] }));
}

/**
 * @param {string} stack
 * @param {number} status
 * @param {Finding[]} findings
 * @param {boolean} failOnRenewal
 * @param {boolean} unreadable
 * @returns {{ text: string, verdict: number }}
 */
function driftSummary(stack, status, findings, failOnRenewal, unreadable) {
  const drift = findings.filter((f) => f.kind === "drift");
  const pending = findings.filter((f) => f.kind === "pending");
  const renewals = findings.filter((f) => f.kind === "renewal");
  const failing = drift.length > 0 || pending.length > 0 || (failOnRenewal && renewals.length > 0);
  const lines = [];

  if (status === exitDrift && findings.length === 0) {
    lines.push(`### Drift check of stack \`${stack}\`: changes found`, "");
    lines.push(
      unreadable
        ? "`pulumi preview --refresh --expect-no-changes` exited 7 (changes proposed), and its JSON output could not be read. Run it by hand with `--diff` to see them."
        : "`pulumi preview --refresh --expect-no-changes` exited 7 (changes proposed) without naming a resource. Run it by hand with `--diff` to see them.",
    );
    return { text: `${lines.join("\n")}\n`, verdict: exitDrift };
  }

  if (drift.length > 0) lines.push(`### Drift check of stack \`${stack}\`: ${count(drift.length, "resource")} drifted in Microsoft Graph`);
  else if (pending.length > 0) lines.push(`### Drift check of stack \`${stack}\`: no drift, but ${count(pending.length, "change")} not deployed yet`);
  else if (renewals.length > 0) lines.push(`### Drift check of stack \`${stack}\`: no drift; ${count(renewals.length, "subscription")} due for renewal`);
  else lines.push(`### Drift check of stack \`${stack}\`: no drift`);
  lines.push("");

  if (findings.length === 0) {
    lines.push("Every resource in the stack matches what Microsoft Graph has (`pulumi preview --refresh --expect-no-changes` exited 0).");
    return { text: `${lines.join("\n")}\n`, verdict: exitNoDrift };
  }

  if (drift.length > 0) {
    lines.push("Changed in Graph behind Pulumi's back:", "");
    lines.push(...table(drift));
    lines.push("", "The next renewal run (`pulumi up --refresh --yes`) puts them back to the program. If the change was meant, make it in the program instead.", "");
  }
  if (pending.length > 0) {
    lines.push("In the program but not deployed yet (not drift):", "");
    lines.push(...table(pending), "");
  }
  if (renewals.length > 0) {
    lines.push(`Due for renewal (expiry within \`renewBeforeMinutes\`): ${renewals.map((f) => `\`${f.name}\` (expires ${code(f.expiry)})`).join(", ")}. The renewal run renews them${failOnRenewal ? "" : "; this alone does not fail the check"}.`, "");
  }
  return { text: `${lines.join("\n")}\n`, verdict: failing ? exitDrift : exitNoDrift };
}

/**
 * @param {Finding[]} findings
 * @returns {string[]}
 */
function table(findings) {
  const rows = ["| Resource | Property | Graph has | The program says | The next `pulumi up` |", "| --- | --- | --- | --- | --- |"];
  for (const finding of findings) {
    const what = `\`${finding.name}\` (${escape(finding.label)})`;
    const action = nextUp[/** @type {keyof typeof nextUp} */ (finding.op)] ?? finding.op;
    if (finding.missingInGraph) {
      rows.push(`| ${what} | (whole subscription) | nothing: deleted, or expired without renewal | the subscription | ${action} |`);
    } else if (finding.differences.length === 0) {
      const graph = finding.op === "create" ? "nothing yet" : "";
      const program = finding.op === "delete" ? "nothing: removed from the program" : "";
      rows.push(`| ${what} |  | ${graph} | ${program} | ${action} |`);
    } else {
      for (const difference of finding.differences) {
        rows.push(`| ${what} | \`${difference.property}\` | ${code(difference.graph)} | ${code(difference.program)} | ${action} |`);
      }
    }
  }
  return rows;
}

/**
 * @param {string} stack
 * @param {number} status
 * @param {Preview | undefined} preview
 * @param {string} stderr
 */
function failureSummary(stack, status, preview, stderr) {
  const errors = [
    ...(preview?.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => (d.message ?? "").trim()),
    ...stderr.split("\n").filter((line) => /^\s*error:/.test(line)).map((line) => line.trim()),
  ].filter((message, index, all) => message !== "" && all.indexOf(message) === index);
  const text = errors.join("\n");
  const lines = [`### Drift check of stack \`${stack}\`: could not run (pulumi exited ${Number.isNaN(status) ? "?" : status})`, ""];
  lines.push("This is not a drift verdict: the check failed before it could compare Graph with the program.", "");
  lines.push("```", ...(text ? text.split("\n").slice(0, 40) : ["(pulumi printed no error message; see the step's log)"]), "```");
  if (/currently locked|Another update is currently in progress/.test(stderr)) {
    lines.push("", "The stack is locked. If no other `pulumi` command is running on it, a killed run left the lock: lift it with `pulumi cancel`, then run `pulumi up --refresh`.");
  }
  if (/AADSTS|credential|sign-?in|401/i.test(text)) {
    lines.push("", "Sign-in failed: check that the app's federated credential matches this pipeline (issuer, subject, audience `api://AzureADTokenExchange`) and that AZURE_CLIENT_ID and AZURE_TENANT_ID name that app.");
  }
  return `${lines.join("\n")}\n`;
}

/** @param {number} n @param {string} noun */
function count(n, noun) {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** A value as inline code; secrets stay hidden, as Pulumi shows them. @param {unknown} value */
function code(value) {
  if (value === undefined || value === null) return "(not set)";
  if (value === "[secret]") return "(secret)";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `\`${text.replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}

/** Text for a table cell. @param {string} text */
function escape(text) {
  return text.replace(/\|/g, "\\|");
}

try {
  process.exitCode = main();
} catch (error) {
  process.stdout.write(`### Drift check: the summary could not be written\n\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = exitFailed;
}
