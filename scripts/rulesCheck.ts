#!/usr/bin/env node
/**
 * Compares the rule table with Microsoft Graph's documentation and prints every difference with its
 * file and line, so a maintainer sees what moved when Graph changes a limit.
 *
 *   npm run rules:check                                   # the committed extract (test/rules/docsSnapshot.json)
 *   npm run rules:check -- <docs checkout> [--write] [--commit <text>]
 *
 * From a checkout of microsoftgraph/microsoft-graph-docs-contrib (a full clone, or a partial one such as
 * test/rules/docsPages) it extracts whatever of these the checkout has:
 *   - the permission table of every subscription API page (api-reference/{v1.0,beta}/api/subscription-*.md)
 *     and the "Resources examples" of the Create pages;
 *   - the lifetime table, with its "global endpoint only" notes;
 *   - the overview's and the rich-notifications page's path tables, with the $select and
 *     presence-user limits of their Limitations column;
 *   - the virtual-event page's change-type table and lifetime sentence;
 *   - the Universal Print page's required resource, changeType and notificationQueryOptions;
 *   - the Teams notes' payment models per path, and the metered APIs' cloud limitation.
 * --write saves that extract as the committed one, so tests run offline. The exit code is 1 when a
 * difference is not explained by a recorded decision (knownDifferences below, each naming its entry in
 * provider/rules/ruleConflicts.ts, which docs/rule-table.md prints).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { graphLimits } from "../provider/limits";
import { matchRule } from "../provider/rules/resourcePath";
import { paymentModelRules, ruleTable, type PermissionColumn, type ResourceRule } from "../provider/rules/ruleTable";
import { apiVersions, type ApiVersion } from "../provider/vocabulary";
import { repoRoot } from "./pulumiProject";
import { columns, markdownPermissionRows, type Cell } from "./seedPermissions";
import { comparePages, concrete, isResourcePage, readResourcePage, splitRow, withoutComments, type Located, type ResourcePage } from "./resourcePages";
import { coverageOf, formatCoverage, renderCoverage, ruleCoverageFile } from "./ruleCoverage";
import { compareClouds, compareExclusions, readCloudStatement, readTeamsCloudPage, type CloudExclusion, type CloudStatement } from "./cloudPages";

export const docsSnapshotFile = path.join(repoRoot, "test", "rules", "docsSnapshot.json");
/** The partial checkout the committed extract was made from; its README says where each file came from. */
export const docsPagesDir = path.join(repoRoot, "test", "rules", "docsPages");

/** The files rules:check reads, at their paths in microsoftgraph/microsoft-graph-docs-contrib. */
const files = {
  lifetimes: "concepts/includes/change-notifications-subscription-lifetime.md",
  paths: "concepts/includes/change-notifications-supported-resources-expanded.md",
  rich: "concepts/includes/change-notifications-rich-notifications-supported-resources.md",
  changeTypes: "concepts/changenotifications-for-virtualevent.md",
  print: "concepts/universal-print-webhook-notifications.md",
  paymentModels: "api-reference/includes/teams-subscription-notes.md",
  metered: "concepts/includes/metered-api-known-limitations.md",
  teamsClouds: "concepts/teamwork-national-cloud-differences.md",
} as const;
/** Every API page of the subscription resource repeats the permission table (Create, Get, List, Update, ...). */
const permissionPages = (version: ApiVersion) => `api-reference/${version}/api`;
const isPermissionPage = (name: string) => /^subscription-[\w-]+\.md$/.test(name);
const createPage = "subscription-post-subscriptions.md";
/**
 * Pages as learn.microsoft.com renders them, kept where the docs repository's stored versions are older
 * (see test/rules/docsPages/README.md). Each names its URL, and so its API version, on the first line.
 */
const learnPages = "learn/en-us/graph/api";
const learnSource = /^<!-- Source: https:\/\/learn\.microsoft\.com\/en-us\/graph\/api\/subscription-[\w-]+\?view=graph-rest-(1\.0|beta) -->/;

export interface LifetimeEntry extends Located { names: string[]; minutes: number; richMinutes?: number; globalOnly?: true }
export interface PathEntry extends Located { names: string[]; path: string; betaOnly: boolean }
export interface ChangeTypeEntry extends Located { path: string; changeTypes: string[]; permissionTypes: string[]; maxLifetimeMinutes?: number }
export interface PermissionEntry extends Located { apiVersion: ApiVersion; heading: string; cells: Record<PermissionColumn, Cell> }
/** A path from a Create page's "Resources examples" table, which Graph documents as a valid resource. */
export interface ExampleEntry extends Located { apiVersion: ApiVersion; path: string }
/** What a path table's Limitations column says about `$select` and the users one presence subscription may list. */
export interface QueryEntry extends Located { names: string[]; paths: string[]; betaOnly: boolean; select?: "requiredWithResourceData" | "unsupported"; maxUsers?: number }
/** A resource page's "needs to be set as" list for one scenario (Universal Print). */
export interface RequiredSettingsEntry extends Located { path: string; changeType?: string; notificationQueryOptions?: string }
export interface PaymentModelEntry extends Located { path: string; models: string[] }
export interface MeteredCloudEntry extends Located { globalOnly: true }
/** What the subscription resource page of a version says of a property's values: clientState's length, the TLS versions. */
export interface PropertyLimitEntry extends Located { apiVersion: ApiVersion; property: "clientState" | "latestSupportedTlsVersion"; maxLength?: number; values?: string[] }
export interface DocsExtract {
  snapshot: {
    repository: string;
    commit: string;
    read: string;
    /** Per file: its ms.date, and its git blob id, which names the version read (git log --find-object). */
    files: Record<string, { msDate: string | null; blob: string }>;
  };
  lifetimes: LifetimeEntry[];
  paths: PathEntry[];
  rich: PathEntry[];
  changeTypes: ChangeTypeEntry[];
  permissions: PermissionEntry[];
  examples: ExampleEntry[];
  queryRules: QueryEntry[];
  requiredSettings: RequiredSettingsEntry[];
  paymentModels: PaymentModelEntry[];
  meteredClouds: MeteredCloudEntry[];
  propertyLimits: PropertyLimitEntry[];
  /** The national clouds of the APIs under the subscription paths, from their API pages (cloudPages.ts). */
  cloudStatements: CloudStatement[];
  /** What Teams' national-cloud page withholds: Teams APIs from China, recordings and transcripts from US Government. */
  cloudExclusions: CloudExclusion[];
  /** Every concepts/ page (and root include) read for its own paths, permissions and rule sentences (resourcePages.ts). */
  resourcePages: ResourcePage[];
}

// ---------------------------------------------------------------------------------------------
// Extraction: markdown tables and sentences, read with their line numbers.

interface TableRow { cells: string[]; line: number }

/** Rows of every markdown table whose header matches `header`, HTML comments removed. */
export function tableRows(text: string, header: RegExp): TableRow[] {
  const lines = withoutComments(text).split(/\r?\n/);
  const rows: TableRow[] = [];
  for (let i = 0; i < lines.length - 1; i++) {
    if (!(lines[i]!.trim().startsWith("|") && header.test(lines[i]!) && /^\s*\|[\s:|-]+\|?\s*$/.test(lines[i + 1]!))) continue;
    for (let j = i + 2; j < lines.length && lines[j]!.trim().startsWith("|"); j++) {
      rows.push({ cells: splitRow(lines[j]!), line: j + 1 });
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

/** A row is beta-only when its resource cell carries a `*` outside bold markup. */
const rowIsBetaOnly = (cell: string) => /\*/.test(cell.replace(/\*\*[^*]+\*\*/g, ""));

const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;
const msDateOf = (text: string) => /^ms\.date:\s*(\S+)/m.exec(text)?.[1] ?? null;
/** The id git gives the file's content, so a reader can find the version in the docs repository's history. */
const gitBlobId = (text: string) => {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
};
const minutesIn = (text: string) => Number(text.replace(/,/g, ""));

export function extractDocs(root: string, commit = "unknown"): DocsExtract {
  const texts = new Map<string, string>();
  const read = (file: string) => {
    if (!texts.has(file) && existsSync(path.join(root, file))) texts.set(file, readFileSync(path.join(root, file), "utf8"));
    return texts.get(file);
  };
  const extract: DocsExtract = {
    snapshot: { repository: "microsoftgraph/microsoft-graph-docs-contrib", commit, read: root, files: {} },
    lifetimes: [],
    paths: [],
    rich: [],
    changeTypes: [],
    permissions: [],
    examples: [],
    queryRules: [],
    requiredSettings: [],
    paymentModels: [],
    meteredClouds: [],
    propertyLimits: [],
    cloudStatements: [],
    cloudExclusions: [],
    resourcePages: [],
  };

  const lifetimes = read(files.lifetimes);
  for (const row of lifetimes ? tableRows(lifetimes, /Maximum expiration time/i) : []) {
    const cell = row.cells[1] ?? "";
    const minutes = /([\d,]+) minutes/.exec(cell)?.[1];
    const rich = /resource data[^|]*?([\d,]+) minutes/i.exec(cell)?.[1];
    if (!minutes) continue;
    extract.lifetimes.push({
      file: files.lifetimes,
      line: row.line,
      names: names(row.cells[0] ?? ""),
      minutes: minutesIn(minutes),
      ...(rich ? { richMinutes: minutesIn(rich) } : {}),
      ...(/only available in the global endpoint/i.test(cell) ? { globalOnly: true as const } : {}),
    });
  }

  for (const [key, target] of [["paths", extract.paths], ["rich", extract.rich]] as const) {
    const text = read(files[key]);
    for (const row of text ? tableRows(text, /Supported resource paths/i) : []) {
      const rowBeta = rowIsBetaOnly(row.cells[0] ?? "");
      const found = pathsIn(row.cells[1] ?? "");
      for (const entry of found) {
        target.push({ file: files[key], line: row.line, names: names(row.cells[0] ?? ""), path: entry.path, betaOnly: rowBeta || entry.betaOnly });
      }
      const limits = row.cells[2] ?? "";
      const select = /Requires `\$select`/i.test(limits) ? "requiredWithResourceData" : /(?:Doesn't|Does not) support using `\$select`/i.test(limits) ? "unsupported" : undefined;
      const maxUsers = /limited to ([\d,]+) distinct users/i.exec(limits)?.[1];
      if (found.length > 0 && (select || maxUsers)) {
        extract.queryRules.push({
          file: files[key],
          line: row.line,
          names: names(row.cells[0] ?? ""),
          paths: found.map((entry) => entry.path),
          betaOnly: rowBeta,
          ...(select ? { select } : {}),
          ...(maxUsers ? { maxUsers: minutesIn(maxUsers) } : {}),
        });
      }
    }
  }

  const virtual = read(files.changeTypes);
  if (virtual) {
    const day = /subscriptions have a maximum period of a day/i.test(virtual) ? { maxLifetimeMinutes: 1440 } : {};
    for (const row of tableRows(virtual, /Supported change types/i)) {
      const found = pathsIn(row.cells[1] ?? "")[0];
      if (!found) continue;
      const list = (cell: string | undefined) => (cell ?? "").split(",").map((part) => part.trim().toLowerCase()).filter(Boolean);
      extract.changeTypes.push({ file: files.changeTypes, line: row.line, path: found.path, changeTypes: list(row.cells[2]), permissionTypes: list(row.cells[3]), ...day });
    }
  }

  for (const version of apiVersions) {
    const folder = permissionPages(version);
    const pages = existsSync(path.join(root, folder)) ? readdirSync(path.join(root, folder)).filter(isPermissionPage).sort() : [];
    for (const page of pages) {
      const file = `${folder}/${page}`;
      const text = read(file)!;
      for (const row of markdownPermissionRows(text)) extract.permissions.push({ file, line: row.line, apiVersion: version, heading: row.heading, cells: row.cells });
      if (page !== createPage) continue;
      for (const row of tableRows(text, /Resource type\s*\|\s*Examples/i)) {
        for (const match of (row.cells[1] ?? "").matchAll(/`([^`]+)`/g)) extract.examples.push({ file, line: row.line, apiVersion: version, path: match[1]! });
      }
    }
  }

  for (const version of apiVersions) {
    const folder = permissionPages(version);
    const pages = existsSync(path.join(root, folder)) ? readdirSync(path.join(root, folder)).filter((name) => name.endsWith(".md") && !isPermissionPage(name)).sort() : [];
    for (const page of pages) {
      const statement = readCloudStatement(`${folder}/${page}`, version, read(`${folder}/${page}`)!, (include) => read(`api-reference/includes/${include}`));
      if (statement) extract.cloudStatements.push(statement);
    }
  }

  const teamsClouds = read(files.teamsClouds);
  if (teamsClouds) extract.cloudExclusions.push(...readTeamsCloudPage(files.teamsClouds, teamsClouds));

  const rendered = existsSync(path.join(root, learnPages)) ? readdirSync(path.join(root, learnPages)).filter((name) => name.endsWith(".md")).sort() : [];
  for (const page of rendered) {
    const file = `${learnPages}/${page}`;
    const text = read(file)!;
    const view = learnSource.exec(text)?.[1];
    const version: ApiVersion | undefined = view === "1.0" ? "v1.0" : view === "beta" ? "beta" : undefined;
    if (!version) continue;
    for (const row of markdownPermissionRows(text)) extract.permissions.push({ file, line: row.line, apiVersion: version, heading: row.heading, cells: row.cells });
  }

  // Universal Print: each "## Create subscription" section lists what its fields "need to be set as".
  const print = read(files.print);
  if (print) {
    for (const section of print.matchAll(/^## [^\n]*\n[\s\S]*?(?=^## |(?![\s\S]))/gm)) {
      const setAs = (field: string) => new RegExp(`The \`${field}\` field needs to be set as [\`']([^\`']+)[\`']`).exec(section[0]);
      const resource = setAs("resource");
      if (!resource) continue;
      const changeType = setAs("changeType")?.[1];
      const options = setAs("notificationQueryOptions")?.[1];
      extract.requiredSettings.push({
        file: files.print,
        line: lineOf(print, section.index + resource.index),
        path: resource[1]!,
        ...(changeType ? { changeType } : {}),
        ...(options ? { notificationQueryOptions: options } : {}),
      });
    }
  }

  // Teams notes: sentences naming paths that "support both `model=A` and `model=B`" or "only `model=B`".
  const notes = read(files.paymentModels);
  if (notes) {
    for (const sentence of notes.matchAll(/[^.\n]*(?:\.(?!\s)[^.\n]*)*/g)) {
      const text = sentence[0];
      const models = /both `model=A` and `model=B`/.test(text) ? ["A", "B"] : /only `model=B`/.test(text) ? ["B"] : /only `model=A`/.test(text) ? ["A"] : undefined;
      if (!models) continue;
      for (const match of text.matchAll(/`([^`]*\/[^`]*)`/g)) {
        extract.paymentModels.push({ file: files.paymentModels, line: lineOf(notes, sentence.index), path: match[1]!.trim(), models });
      }
    }
  }

  for (const version of apiVersions) {
    const file = `api-reference/${version}/resources/subscription.md`;
    const text = read(file);
    for (const row of text ? tableRows(text, /Property\s*\|\s*Type\s*\|\s*Description/i) : []) {
      const [name = "", , description = ""] = row.cells;
      const maxLength = /maximum length is ([\d,]+) characters/i.exec(description)?.[1];
      if (name === "clientState" && maxLength) extract.propertyLimits.push({ file, line: row.line, apiVersion: version, property: "clientState", maxLength: minutesIn(maxLength) });
      if (name === "latestSupportedTlsVersion") {
        const values = [...(/possible values are:? ([^.]*)/i.exec(description)?.[1] ?? "").matchAll(/`(v\d_\d)`/g)].map((match) => match[1]!);
        if (values.length > 0) extract.propertyLimits.push({ file, line: row.line, apiVersion: version, property: "latestSupportedTlsVersion", values });
      }
    }
  }

  const metered = read(files.metered);
  const meteredAt = metered ? metered.search(/available only in the Microsoft global environment and not in national cloud deployments/i) : -1;
  if (metered && meteredAt !== -1) extract.meteredClouds.push({ file: files.metered, line: lineOf(metered, meteredAt), globalOnly: true });

  for (const file of markdownFiles(root).filter(isResourcePage)) {
    const text = read(file)!;
    // Only pages about subscriptions: a full checkout has a thousand concept pages.
    if (!/change notification|\/subscriptions\b|"changeType"/i.test(text)) continue;
    const page = readResourcePage(file, text);
    if (page.paths.length > 0 || page.permissions.length > 0 || page.statements.length > 0) extract.resourcePages.push(page);
  }

  for (const [file, text] of [...texts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    extract.snapshot.files[file] = { msDate: msDateOf(text), blob: gitBlobId(text) };
  }
  return extract;
}

/** Markdown files under concepts/ and includes/, relative to the checkout, sorted. */
function markdownFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    const absolute = path.join(root, relative);
    if (!existsSync(absolute)) return;
    for (const entry of readdirSync(absolute, { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith(".md")) found.push(child);
    }
  };
  for (const top of ["concepts", "includes"]) walk(top);
  return found.sort();
}

// ---------------------------------------------------------------------------------------------
// Comparison.

export interface Difference extends Located { message: string; explainedBy?: string; missingPath?: string }

/** Docs names that are not a row's resourceType. */
const nameToTypes: Record<string, readonly string[]> = {
  approvals: ["approvalItem"],
  "health monitoring alert": ["healthMonitoringAlert"],
  baseTask: ["baseTask"],
};

/**
 * Differences that a recorded decision explains. `why` says the decision and names its entry in
 * provider/rules/ruleConflicts.ts (printed as "Where sources conflict" in docs/rule-table.md).
 */
export const knownDifferences: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /onlineMeeting.*lifetime 4320/, why: "C6 (conflict 12): onlineMeeting is listed at 4,320 and 4,230 min; the smaller wins" },
  { pattern: /teamsAppInstallation has no row/, why: "teamsAppInstallation has a lifetime but no subscribable path in the overview or any permission table" },
  { pattern: /print\/printtaskdefinition\/\{id\}\/tasks/, why: "conflict 18: print/taskDefinitions/{id}/tasks wins over the overview's spelling" },
  { pattern: /reports\/healthmonitoring\/alert'/, why: "conflict 21: the singular alert is read as a typo for alerts plus notificationQueryOptions" },
  {
    pattern: /'\/(reports\/healthmonitoring\/alerts|solutions\/approval\/approvalItems|copilot\/users\/\{userId\}\/onlineMeetings\/(getAllAiInsights|\{onlineMeetingId\}\/aiInsights))' .* not in the v1\.0 table/,
    why: "conflict 27: beta-only APIs the overview leaves unmarked",
  },
  { pattern: /getAllTrancripts/, why: "conflict 28: the docs' typo for getAllTranscripts" },
  {
    pattern: /^concepts\/teams-change-notification-in-microsoft-teams-overview\.md:\d+: .*: lifetime 60 min on the page \("(?:> )?The maximum time a subscription can last is 60 minutes/,
    why: "C2 (conflict 11): the Teams overview's 60 minutes is the superseded limit; the lifetime table's 4,320 wins, with a lifecycle URL required above 60 minutes",
  },
  {
    pattern: /^api-reference\/v1\.0\/api\/subscription-[\w-]+\.md:\d+: v1\.0\/(chatMessage\/chats\/\{id\}\/messages delegatedWork|chatMessage\/teams\/\{id\}\/channels\/\{id\}\/messages delegatedWork|message\/users\/\{id\}\/messages application):/,
    why: "conflicts 1, 2 and 31: the v1.0 API pages disagree with each other here; the row follows the newest v1.0 table (getVapidPublicKey, 2026-08-21, and its learn render of 2026-09-17)",
  },
  {
    pattern: /^api-reference\/(v1\.0|beta)\/api\/subscription-[\w-]+\.md:\d+: (v1\.0|beta)\/todoTask\/me\/todo\/lists\/\{id\}\/tasks application: null in the docs/,
    why: "conflict 3: Tasks.ReadWrite.All on both versions, as beta Create (004, 2026-05-05) and the newest v1.0 tables (Create, getVapidPublicKey) list it",
  },
  {
    pattern: /^api-reference\/v1\.0\/api\/subscription-[\w-]+\.md:\d+: v1\.0\/list\/sites\/\{id\}\/lists\/\{id\} (delegatedWork|application): \["Sites\.ReadWrite\.All"(,"Subscription\.Read\.All")?\]/,
    why: "conflict 29: v1.0 follows its current tables (Create and getVapidPublicKey, 2026), which name Sites.Read.All; the Get, Update, Delete and Reauthorize pages stored are older",
  },
  {
    pattern: /^api-reference\/v1\.0\/api\/subscription-post-subscriptions\.md:\d+: v1\.0\/driveItem\/(personal delegatedPersonal: \["Files\.Read"\]|business (delegatedWork|application): \["Files\.Read\.All"\])/,
    why: "conflict 30: Files.ReadWrite / Files.ReadWrite.All stay, as the newest v1.0 table (getVapidPublicKey, 2026-08-21) and every other table name them",
  },
  {
    pattern: /conversationMember\/teams\/\{id\}\/channels\/getAllMembers delegatedWork: null in the docs/,
    why: "conflict 32: the channel-membership page documents delegated subscriptions to a team's private and shared channels; the API tables' Not supported predates it",
  },
  {
    pattern: /^api-reference\/v1\.0\/api\/subscription-reauthorize\.md:\d+: v1\.0 permission table lists 'conversationMember \/teams\/getAllChannels\/getAllMembers'/,
    why: "conflict 33: beta only, as the channel-membership page says; the stored v1.0 Reauthorize page is the only current v1.0 table that lists it",
  },
  {
    pattern: /^api-reference\/beta\/api\/subscription-(get|list)\.md:\d+: beta\/healthMonitoringAlert\/reports\/healthMonitoring\/alerts (delegatedWork|application): \["HealthMonitoringAlertConfig\.Read\.All"\]/,
    why: "conflict 34: the beta pages disagree (ReadWrite.All on Create, Update, Delete, Reauthorize; Read.All on Get and List); the row names ReadWrite.All and also accepts Read.All",
  },
  {
    pattern: /^concepts\/changenotifications-for-callrecords\.md:\d+: beta\/callRecord\/communications\/callRecords application: the page's permission table supports it on v1\.0 only/,
    why: "conflict 35: every beta permission table (Create 2026-05-05 and the others) lists callRecord; the call-records page's \"v1.0\" column is not read as a refusal of beta",
  },
  {
    pattern: /^api-reference\/beta\/api\/subscription-post-subscriptions\.md:\d+: 'solution\/approval\/approvalItems' \(Resources examples\)/,
    why: "conflict 36: the beta Create page's example writes solution/approval/approvalItems; the API and every other page write solutions/approval/approvalItems",
  },
  {
    pattern: /^api-reference\/v1\.0\/api\/todotasklist-list-tasks\.md:\d+: v1\.0\/todoTask\/me\/todo\/lists\/\{id\}\/tasks: the API exists in global, usgov-l4, usgov-l5 \(global-us\.md\), the table withholds usgov-l4, usgov-l5/,
    why: "conflict 38: the To Do API exists in the US Government clouds, but the lifetime table says its webhooks are \"only available in the global endpoint\"; the statement about subscriptions wins",
  },
  {
    pattern: /^api-reference\/beta\/api\/subscription-list\.md:\d+: beta permission table lists 'driveItem'/,
    why: "conflict 37: the beta List page labels both driveItem rows 'driveItem' (which OneDrive is only in a description); the other beta pages' labelled rows are compared",
  },
];


function typesFor(docNames: readonly string[]): string[] {
  return docNames.flatMap((name) => nameToTypes[name] ?? [name]).filter((type) => type !== "other directory resources");
}

const bothVersions = ["v1.0", "beta"] as const satisfies readonly ApiVersion[];
const versionsOf = (betaOnly: boolean): readonly ApiVersion[] => (betaOnly ? ["beta"] : bothVersions);
const squash = (value: string) => value.replace(/\s+/g, "").toLowerCase();
const sortedList = (values: readonly string[]) => [...values].sort().join(",");

export function compare(extract: DocsExtract, rows: readonly ResourceRule[] = ruleTable): Difference[] {
  const differences: Difference[] = [];
  const report = (at: Located, message: string, missingPath?: string) => differences.push({ file: at.file, line: at.line, message, ...(missingPath ? { missingPath } : {}) });
  /** The row a documented path matches, or a reported difference. */
  const rowFor = (at: Located, docsPath: string, version: ApiVersion, what: string) => {
    const match = matchRule(concrete(docsPath), version);
    if (!match) report(at, `'${docsPath}' (${what}) is not in the ${version} table`);
    return match?.rule;
  };

  for (const entry of extract.lifetimes) {
    for (const type of typesFor(entry.names)) {
      const typed = rows.filter((rule) => rule.resourceType === type);
      if (typed.length === 0) report(entry, `${type} has no row (lifetime ${entry.minutes} min)`);
      for (const rule of typed) {
        if (rule.maxLifetimeMinutes !== entry.minutes) report(entry, `${rule.id}: lifetime ${entry.minutes} min in the docs, ${rule.maxLifetimeMinutes} in the table`);
        const rich = rule.maxLifetimeWithResourceDataMinutes;
        if (entry.richMinutes !== undefined && rule.resourceData !== "unsupported" && rich !== entry.richMinutes) {
          report(entry, `${rule.id}: lifetime with resource data ${entry.richMinutes} min in the docs, ${rich ?? "none"} in the table`);
        }
        if (entry.globalOnly && rule.clouds.join(",") !== "global") report(entry, `${rule.id}: the docs offer it in the global endpoint only, the table in ${rule.clouds.join(", ")}`);
      }
    }
  }
  for (const entry of extract.paths) {
    for (const version of versionsOf(entry.betaOnly)) rowFor(entry, entry.path, version, entry.names.join(", "));
  }
  for (const entry of extract.rich) {
    for (const version of versionsOf(entry.betaOnly)) {
      const rule = rowFor(entry, entry.path, version, "rich notifications");
      if (rule && rule.resourceData === "unsupported") report(entry, `${rule.id}: the docs offer rich notifications on '${entry.path}', the table does not`);
    }
  }
  for (const entry of extract.queryRules) {
    for (const docsPath of entry.paths) {
      for (const version of versionsOf(entry.betaOnly)) {
        const rule = matchRule(concrete(docsPath), version)?.rule;
        if (!rule) continue; // reported with the path tables
        if (entry.select && rule.query?.select?.rule !== entry.select) {
          report(entry, `${rule.id}: $select is ${entry.select === "unsupported" ? "not supported" : "required with resource data"} in the docs, ${rule.query?.select?.rule ?? "no rule"} in the table`);
        }
        if (entry.maxUsers !== undefined && rule.query?.maxFilterIds?.limit !== entry.maxUsers) {
          report(entry, `${rule.id}: at most ${entry.maxUsers} users per subscription in the docs, ${rule.query?.maxFilterIds?.limit ?? "no limit"} in the table`);
        }
      }
    }
  }
  for (const entry of extract.changeTypes) {
    for (const version of bothVersions) {
      const rule = rowFor(entry, entry.path, version, "virtual events");
      if (!rule) continue;
      const table = sortedList(rule.changeTypes ?? ["created", "updated", "deleted"]);
      if (table !== sortedList(entry.changeTypes)) report(entry, `${rule.id}: change types ${entry.changeTypes.join(",")} in the docs, ${table} in the table`);
      const delegated = rule.permissions.delegatedWork !== null;
      if (delegated !== entry.permissionTypes.includes("delegated")) report(entry, `${rule.id}: permission types ${entry.permissionTypes.join(", ")} in the docs, delegated ${delegated ? "allowed" : "refused"} in the table`);
      if (entry.maxLifetimeMinutes !== undefined && rule.maxLifetimeMinutes !== entry.maxLifetimeMinutes) {
        report(entry, `${rule.id}: lifetime ${entry.maxLifetimeMinutes} min in the docs, ${rule.maxLifetimeMinutes} in the table`);
      }
    }
  }
  for (const entry of extract.permissions) {
    const key = scenarioKey(entry.heading);
    const rule = rows.find((candidate) => candidate.apiVersion === entry.apiVersion && candidate.documentedAs.some((name) => scenarioKey(name) === key));
    if (!rule) {
      report(entry, `${entry.apiVersion} permission table lists '${entry.heading}', which no row documents`, entry.heading);
      continue;
    }
    // The List page adds Subscription.Read.All, which is for listing subscriptions, to every delegated cell.
    const listing = /subscription-list\.md$/.test(entry.file);
    for (const column of columns) {
      const table = rule.permissions[column]?.map((name) => (rule.resourceSpecificConsent.includes(name) ? `${name}*` : name)) ?? null;
      // Names decide what a token needs; the `*` that marks resource-specific consent is not applied alike on every page
      // (v1.0 Create, 2026: `ChatSettings.Read.Chat*` but a plain `AiEnterpriseInteraction.Read.User`).
      const sorted = (cell: Cell) => JSON.stringify(cell && [...cell].map((name) => name.replace(/\*$/, "")).filter((name) => !(listing && name === "Subscription.Read.All")).sort());
      if (sorted(entry.cells[column]) !== sorted(table)) {
        report(entry, `${rule.id} ${column}: ${JSON.stringify(entry.cells[column])} in the docs, ${JSON.stringify(table)} in the table`);
      }
    }
  }
  for (const entry of extract.examples) {
    if (!matchRule(concrete(entry.path), entry.apiVersion)) report(entry, `'${entry.path}' (Resources examples) is not in the ${entry.apiVersion} table`, entry.path);
  }
  for (const entry of extract.requiredSettings) {
    for (const version of bothVersions) {
      const rule = rowFor(entry, entry.path, version, "Universal Print");
      if (!rule) continue;
      if (entry.changeType && sortedList(rule.changeTypes ?? ["created", "updated", "deleted"]) !== entry.changeType) {
        report(entry, `${rule.id}: changeType must be ${entry.changeType} in the docs, ${sortedList(rule.changeTypes ?? ["created", "updated", "deleted"])} in the table`);
      }
      const options = rule.query?.notificationQueryOptions;
      if (entry.notificationQueryOptions !== undefined && !(options?.rule === "required" && squash(options.example) === squash(entry.notificationQueryOptions))) {
        report(entry, `${rule.id}: notificationQueryOptions must be '${entry.notificationQueryOptions}' in the docs, ${options ? `${options.rule} '${options.example}'` : "not supported"} in the table`);
      }
    }
  }
  for (const entry of extract.paymentModels) {
    for (const version of bothVersions) {
      const rule = rowFor(entry, entry.path, version, "payment models");
      if (!rule) continue;
      const table = paymentModelRules.allowed[rule.paymentModels];
      if (sortedList(table) !== sortedList(entry.models)) report(entry, `${rule.id}: payment models ${entry.models.join("/")} in the docs, ${table.join("/") || "none"} in the table`);
    }
  }
  for (const entry of extract.meteredClouds) {
    for (const rule of rows.filter((candidate) => candidate.paymentModels !== "none" && candidate.clouds.join(",") !== "global")) {
      report(entry, `${rule.id}: metered APIs are global only in the docs, the table offers it in ${rule.clouds.join(", ")}`);
    }
  }
  for (const entry of extract.propertyLimits ?? []) {
    if (entry.maxLength !== undefined && graphLimits.clientStateMaxLength[entry.apiVersion] !== entry.maxLength) {
      report(entry, `${entry.apiVersion} clientState: at most ${entry.maxLength} characters in the docs, ${graphLimits.clientStateMaxLength[entry.apiVersion]} in graphLimits`);
    }
    if (entry.values && sortedList(entry.values) !== sortedList(graphLimits.tlsVersions)) {
      report(entry, `${entry.apiVersion} latestSupportedTlsVersion: ${entry.values.join(", ")} in the docs, ${graphLimits.tlsVersions.join(", ")} in graphLimits`);
    }
  }
  differences.push(...comparePages(extract.resourcePages ?? [], rows));
  differences.push(...compareClouds(extract.cloudStatements ?? [], rows));
  differences.push(...compareExclusions(extract.cloudExclusions ?? [], rows));
  return differences.map((difference) => {
    const known = knownDifferences.find((candidate) => candidate.pattern.test(difference.message) || candidate.pattern.test(`${difference.file}:${difference.line}: ${difference.message}`));
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
  const extracted: DocsExtract = checkout ? extractDocs(path.resolve(checkout), values.commit) : JSON.parse(readFileSync(docsSnapshotFile, "utf8"));
  // The checkout as the repository names it, so what is written does not depend on where the clone lives.
  const extract = checkout ? { ...extracted, snapshot: { ...extracted.snapshot, read: path.relative(repoRoot, path.resolve(checkout)) || "." } } : extracted;
  if (checkout && values.write) {
    writeFileSync(docsSnapshotFile, `${JSON.stringify(extract, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), docsSnapshotFile)}`);
  }
  const differences = compare(extract);
  console.log(formatDifferences(differences));
  const coverage = coverageOf(extract, differences);
  console.log(`\n${formatCoverage(coverage)}`);
  if (checkout && values.write) {
    writeFileSync(ruleCoverageFile, renderCoverage(coverage, extract.snapshot));
    console.log(`wrote ${path.relative(process.cwd(), ruleCoverageFile)}`);
  }
  process.exitCode = differences.some((difference) => !difference.explainedBy) ? 1 : 0;
}

if (require.main === module) main();
