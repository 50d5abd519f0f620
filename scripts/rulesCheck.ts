#!/usr/bin/env node
/**
 * Compares the rule table with Microsoft Graph's documentation and prints every difference with its
 * file and line, so a maintainer sees what moved when Graph changes a limit.
 *
 *   npm run rules:check                                   # the committed extract (test/rules/docsSnapshot.json)
 *   npm run rules:check -- <docs checkout> [--write] [--commit <sha>]
 *
 * From a checkout of microsoftgraph/microsoft-graph-docs-contrib it extracts the lifetime table, the
 * overview's path table, the rich-notifications path table, the virtual-event change-type table and
 * the Create pages' permission tables (whatever of them the checkout has). --write saves that extract
 * as the committed one, so tests run offline. Exit code 1 when a difference is not explained by a
 * recorded decision (knownDifferences below, each pointing at a "Conflicts resolved" entry).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { matchRule } from "../provider/rules/resourcePath";
import { ruleTable, type PermissionColumn, type ResourceRule } from "../provider/rules/ruleTable";
import type { ApiVersion } from "../provider/subscription/schema";
import { repoRoot } from "./pulumiProject";
import { columns, parseSeed, type Cell } from "./seedPermissions";

export const docsSnapshotFile = path.join(repoRoot, "test", "rules", "docsSnapshot.json");

const files = {
  lifetimes: "concepts/includes/change-notifications-subscription-lifetime.md",
  paths: "concepts/includes/change-notifications-supported-resources-expanded.md",
  rich: "concepts/includes/change-notifications-rich-notifications-supported-resources.md",
  changeTypes: "concepts/changenotifications-for-virtualevent.md",
  permissionsV1: "api-reference/v1.0/api/subscription-post-subscriptions.md",
  permissionsBeta: "api-reference/beta/api/subscription-post-subscriptions.md",
} as const;

interface Located {
  file: string;
  line: number;
}
export interface LifetimeEntry extends Located { names: string[]; minutes: number; richMinutes?: number }
export interface PathEntry extends Located { names: string[]; path: string; betaOnly: boolean }
export interface ChangeTypeEntry extends Located { path: string; changeTypes: string[]; permissionTypes: string[] }
export interface PermissionEntry extends Located { apiVersion: ApiVersion; heading: string; cells: Record<PermissionColumn, Cell> }
export interface DocsExtract {
  snapshot: { repository: string; commit: string; read: string; files: Record<string, { msDate: string | null }> };
  lifetimes: LifetimeEntry[];
  paths: PathEntry[];
  rich: PathEntry[];
  changeTypes: ChangeTypeEntry[];
  permissions: PermissionEntry[];
}

// ---------------------------------------------------------------------------------------------
// Extraction: markdown tables, read row by row with their line numbers.

interface TableRow { cells: string[]; line: number }

/** Rows of every markdown table whose header matches `header`, HTML comments removed. */
export function tableRows(text: string, header: RegExp): TableRow[] {
  const lines = text.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, "")).split(/\r?\n/);
  const rows: TableRow[] = [];
  for (let i = 0; i < lines.length - 1; i++) {
    if (!(lines[i]!.trim().startsWith("|") && header.test(lines[i]!) && /^\s*\|[\s:|-]+\|?\s*$/.test(lines[i + 1]!))) continue;
    for (let j = i + 2; j < lines.length && lines[j]!.trim().startsWith("|"); j++) {
      rows.push({ cells: lines[j]!.trim().replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((cell) => cell.trim()), line: j + 1 });
    }
  }
  return rows;
}

/** Resource names a cell links to (`[message][]`, `[alert][health monitoring alert]`) or bolds (`**baseTask**`). */
function names(cell: string): string[] {
  const linked = [...cell.matchAll(/\[([^\]]+)\]\[([^\]]*)\]/g)].map((m) => (m[2] || m[1])!);
  const bold = [...cell.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!);
  return [...linked, ...bold];
}

function pathsIn(cell: string): { path: string; betaOnly: boolean }[] {
  return [...cell.matchAll(/`([^`]+)`(\s*\*)?/g)]
    .filter((m) => m[1]!.includes("/") && !m[1]!.startsWith("$"))
    .map((m) => ({ path: m[1]!, betaOnly: Boolean(m[2]) }));
}

const msDateOf = (text: string) => /^ms\.date:\s*(\S+)/m.exec(text)?.[1] ?? null;

export function extractDocs(root: string, commit = "unknown"): DocsExtract {
  const read = (file: string) => (existsSync(path.join(root, file)) ? readFileSync(path.join(root, file), "utf8") : undefined);
  const extract: DocsExtract = {
    snapshot: { repository: "microsoftgraph/microsoft-graph-docs-contrib", commit, read: root, files: {} },
    lifetimes: [],
    paths: [],
    rich: [],
    changeTypes: [],
    permissions: [],
  };
  for (const file of Object.values(files)) {
    const text = read(file);
    if (text !== undefined) extract.snapshot.files[file] = { msDate: msDateOf(text) };
  }
  const lifetimes = read(files.lifetimes);
  for (const row of lifetimes ? tableRows(lifetimes, /Maximum expiration time/i) : []) {
    const minutes = /([\d,]+) minutes/.exec(row.cells[1] ?? "")?.[1];
    const rich = /resource data[^|]*?([\d,]+) minutes/i.exec(row.cells[1] ?? "")?.[1];
    if (!minutes) continue;
    extract.lifetimes.push({
      file: files.lifetimes,
      line: row.line,
      names: names(row.cells[0] ?? ""),
      minutes: Number(minutes.replace(/,/g, "")),
      ...(rich ? { richMinutes: Number(rich.replace(/,/g, "")) } : {}),
    });
  }
  for (const [key, target] of [["paths", extract.paths], ["rich", extract.rich]] as const) {
    const text = read(files[key]);
    for (const row of text ? tableRows(text, /Supported resource paths/i) : []) {
      const rowBeta = /\*/.test((row.cells[0] ?? "").replace(/\*\*[^*]+\*\*/g, ""));
      for (const found of pathsIn(row.cells[1] ?? "")) {
        target.push({ file: files[key], line: row.line, names: names(row.cells[0] ?? ""), path: found.path, betaOnly: rowBeta || found.betaOnly });
      }
    }
  }
  const virtual = read(files.changeTypes);
  for (const row of virtual ? tableRows(virtual, /Supported change types/i) : []) {
    const found = pathsIn(row.cells[1] ?? "")[0];
    if (!found) continue;
    const list = (cell: string | undefined) => (cell ?? "").split(",").map((part) => part.trim().toLowerCase()).filter(Boolean);
    extract.changeTypes.push({ file: files.changeTypes, line: row.line, path: found.path, changeTypes: list(row.cells[2]), permissionTypes: list(row.cells[3]) });
  }
  for (const [file, apiVersion] of [[files.permissionsV1, "v1.0"], [files.permissionsBeta, "beta"]] as const) {
    if (read(file) === undefined) continue;
    const seed = parseSeed(path.join(root, path.dirname(file)), path.basename(file));
    for (const scenario of seed.scenarios) extract.permissions.push({ file, line: 0, apiVersion, heading: scenario.heading, cells: scenario.cells });
  }
  return extract;
}

// ---------------------------------------------------------------------------------------------
// Comparison.

export interface Difference extends Located { message: string; explainedBy?: string }

/** Docs names that are not a row's resourceType. */
const nameToTypes: Record<string, readonly string[]> = {
  approvals: ["approvalItem"],
  "health monitoring alert": ["healthMonitoringAlert"],
  baseTask: ["baseTask"],
};

/** Differences that a recorded decision explains; `why` names the "Conflicts resolved" entry. */
export const knownDifferences: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /onlineMeeting.*lifetime 4320/, why: "C6 (conflict 12): onlineMeeting is listed at 4,320 and 4,230 min; the smaller wins" },
  { pattern: /teamsAppInstallation has no row/, why: "teamsAppInstallation has a lifetime but no subscribable path in the overview or any permission table" },
  { pattern: /print\/printtaskdefinition\/\{id\}\/tasks/, why: "conflict 18: print/taskDefinitions/{id}/tasks wins over the overview's spelling" },
  { pattern: /reports\/healthmonitoring\/alert'/, why: "conflict 21: the singular alert is read as a typo for alerts plus notificationQueryOptions" },
  { pattern: /'\/(reports\/healthmonitoring\/alerts|solutions\/approval\/approvalItems)' .* not in the v1\.0 table/, why: "conflict 27: beta-only APIs the overview leaves unmarked" },
  { pattern: /getAllTrancripts/, why: "conflict 28: the docs' typo for getAllTranscripts" },
];

const concrete = (template: string) =>
  template
    .replace(/^\//, "")
    .replace(/\(\{id\},\{id\}\.\.\.\)/, "('x1','x2')")
    .replace(/=\{Boolean\}/gi, "=true")
    .replace(/=\{parameters\}/gi, "=status eq 'x'")
    .replace(/\{[^}]*\}/g, "x1");

function typesFor(docNames: readonly string[]): string[] {
  return docNames.flatMap((name) => nameToTypes[name] ?? [name]).filter((type) => type !== "other directory resources");
}

export function compare(extract: DocsExtract, rows: readonly ResourceRule[] = ruleTable): Difference[] {
  const differences: Difference[] = [];
  const report = (at: Located, message: string) => differences.push({ file: at.file, line: at.line, message });

  for (const entry of extract.lifetimes) {
    for (const type of typesFor(entry.names)) {
      const typed = rows.filter((rule) => rule.resourceType === type);
      if (typed.length === 0) report(entry, `${type} has no row (lifetime ${entry.minutes} min)`);
      for (const rule of typed) {
        if (rule.maxLifetimeMinutes !== entry.minutes) report(entry, `${rule.id}: lifetime ${entry.minutes} min in the docs, ${rule.maxLifetimeMinutes} in the table`);
        const rich = rule.maxLifetimeWithResourceDataMinutes;
        if (entry.richMinutes !== undefined && rule.resourceData === "optional" && rich !== entry.richMinutes) {
          report(entry, `${rule.id}: lifetime with resource data ${entry.richMinutes} min in the docs, ${rich ?? "none"} in the table`);
        }
      }
    }
  }
  const versionsOf = (entry: PathEntry): ApiVersion[] => (entry.betaOnly ? ["beta"] : ["v1.0", "beta"]);
  for (const entry of extract.paths) {
    for (const version of versionsOf(entry)) {
      if (!matchRule(concrete(entry.path), version)) report(entry, `'${entry.path}' (${entry.names.join(", ")}) is not in the ${version} table`);
    }
  }
  for (const entry of extract.rich) {
    for (const version of versionsOf(entry)) {
      const match = matchRule(concrete(entry.path), version);
      if (!match) report(entry, `'${entry.path}' (rich notifications) is not in the ${version} table`);
      else if (match.rule.resourceData !== "optional") report(entry, `${match.rule.id}: the docs offer rich notifications on '${entry.path}', the table does not`);
    }
  }
  for (const entry of extract.changeTypes) {
    for (const version of ["v1.0", "beta"] as const) {
      const match = matchRule(concrete(entry.path), version);
      if (!match) {
        report(entry, `'${entry.path}' is not in the ${version} table`);
        continue;
      }
      const table = [...(match.rule.changeTypes ?? ["created", "updated", "deleted"])].sort().join(",");
      if (table !== [...entry.changeTypes].sort().join(",")) report(entry, `${match.rule.id}: change types ${entry.changeTypes.join(",")} in the docs, ${table} in the table`);
      const delegated = match.rule.permissions.delegatedWork !== null;
      if (delegated !== entry.permissionTypes.includes("delegated")) report(entry, `${match.rule.id}: permission types ${entry.permissionTypes.join(", ")} in the docs, delegated ${delegated ? "allowed" : "refused"} in the table`);
    }
  }
  for (const entry of extract.permissions) {
    const key = scenarioKey(entry.heading);
    const rule = rows.find((candidate) => candidate.apiVersion === entry.apiVersion && candidate.documentedAs.some((name) => scenarioKey(name) === key));
    if (!rule) {
      report(entry, `${entry.apiVersion} permission table lists '${entry.heading}', which no row documents`);
      continue;
    }
    for (const column of columns) {
      const table = rule.permissions[column]?.map((name) => (rule.resourceSpecificConsent.includes(name) ? `${name}*` : name)) ?? null;
      const sorted = (cell: Cell) => JSON.stringify(cell && [...cell].sort());
      if (sorted(entry.cells[column]) !== sorted(table)) {
        report(entry, `${rule.id} ${column}: ${JSON.stringify(entry.cells[column])} in the docs, ${JSON.stringify(table)} in the table`);
      }
    }
  }
  return differences.map((difference) => {
    const known = knownDifferences.find((candidate) => candidate.pattern.test(difference.message));
    return known ? { ...difference, explainedBy: known.why } : difference;
  });
}

/** The seed-conformance test's key: case, slashes and placeholder names do not matter. */
function scenarioKey(heading: string): string {
  return heading.toLowerCase().replace(/\{[^}]*\}/g, "{id}").replace(/\s+\/+/g, " ").replace(/\.$/, "").replace(/\s+/g, " ").trim();
}

export function formatDifferences(differences: readonly Difference[]): string {
  const lines = differences.map((d) => `${d.file}:${d.line}: ${d.message}${d.explainedBy ? `\n    explained: ${d.explainedBy}` : ""}`);
  const open = differences.filter((d) => !d.explainedBy).length;
  lines.push(`${differences.length} difference(s), ${open} unexplained`);
  return lines.join("\n");
}

function main(): void {
  const { values, positionals } = parseArgs({
    options: { write: { type: "boolean", default: false }, commit: { type: "string" } },
    allowPositionals: true,
  });
  const checkout = positionals[0];
  const extract: DocsExtract = checkout ? extractDocs(path.resolve(checkout), values.commit) : JSON.parse(readFileSync(docsSnapshotFile, "utf8"));
  if (checkout && values.write) {
    writeFileSync(docsSnapshotFile, `${JSON.stringify({ ...extract, snapshot: { ...extract.snapshot, read: "checkout" } }, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), docsSnapshotFile)}`);
  }
  const differences = compare(extract);
  console.log(formatDifferences(differences));
  process.exitCode = differences.some((difference) => !difference.explainedBy) ? 1 : 0;
}

if (require.main === module) main();
