/**
 * The national clouds each API exists in, as its API page states them: a `[!INCLUDE [national-cloud-support](...)]`
 * line naming an include whose table ticks Global, US Government L4, US Government L5 and China, on a page whose
 * "HTTP request" block names the API's paths. A subscription path under one of those paths can be offered only
 * where the API exists, so rules:check reports a row that offers a cloud its API page does not, and a row that
 * withholds one the page offers (recorded where a subscription-specific statement narrows it, as To Do's does).
 */
import type { ResourceRule } from "../provider/rules/ruleTable";
import { clouds, teamsResourceTypes, type ApiVersion, type Cloud } from "../provider/vocabulary";
import { concrete, normalisePath, type Located, type PageDifference } from "./resourcePages";

export interface CloudStatement extends Located {
  apiVersion: ApiVersion;
  /** The paths of the page's HTTP request block, without host or version. */
  requestPaths: string[];
  /** The include the page names, and the clouds its table ticks, in the order Global, L4, L5, China. */
  include: string;
  clouds: Cloud[];
}

const includeLine = /\[!INCLUDE \[national-cloud-support\]\(\.\.\/\.\.\/includes\/([\w-]+\.md)\)\]/;

/** The clouds an include's table ticks: `:white_check_mark:` or `:x:` under the four cloud columns. */
export function cloudsOfInclude(text: string): Cloud[] | undefined {
  const row = text.split(/\r?\n/).find((line) => /^\s*\|\s*:(white_check_mark|x):/.test(line));
  if (!row) return undefined;
  const ticks = row.trim().replace(/^\||\|$/g, "").split("|").map((cell) => cell.includes("white_check_mark"));
  return clouds.filter((_cloud, index) => ticks[index]);
}

export function readCloudStatement(file: string, apiVersion: ApiVersion, text: string, includeText: (name: string) => string | undefined): CloudStatement | undefined {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((line) => includeLine.test(line));
  if (at === -1) return undefined;
  const include = includeLine.exec(lines[at]!)![1]!;
  const stated = cloudsOfInclude(includeText(include) ?? "");
  if (!stated) return undefined;
  const request = lines.findIndex((line) => /^#+\s*HTTP request/i.test(line));
  const requestPaths: string[] = [];
  for (let i = request + 1; request !== -1 && i < lines.length && !/^##\s/.test(lines[i]!); i++) {
    const call = /^\s*(GET|POST|PATCH|PUT|DELETE)\s+(\/\S.*?)\s*$/.exec(lines[i]!);
    // "/users/{id | userPrincipalName}/events": the alternatives are one segment.
    if (call) requestPaths.push(normalisePath(call[2]!.replace(/\{[^}]*\}/g, "{id}")));
  }
  return { file, line: at + 1, apiVersion, requestPaths, include, clouds: stated };
}

/** Rows whose paths lie under one of the statement's request paths (or its collection, for a GET of one item). */
export function rowsUnder(statement: CloudStatement, rows: readonly ResourceRule[]): ResourceRule[] {
  const prefixes = statement.requestPaths.flatMap((requestPath) => [requestPath, requestPath.replace(/\/\{id\}$/, "")]).map((prefix) => concrete(prefix).toLowerCase());
  return rows.filter(
    (rule) =>
      rule.apiVersion === statement.apiVersion &&
      rule.paths.some((template) => {
        const path = concrete(template.split("?")[0]!).toLowerCase();
        return prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
      }),
  );
}

export function compareClouds(statements: readonly CloudStatement[], rows: readonly ResourceRule[]): PageDifference[] {
  const differences: PageDifference[] = [];
  for (const statement of statements) {
    for (const rule of rowsUnder(statement, rows)) {
      const extra = rule.clouds.filter((cloud) => !statement.clouds.includes(cloud));
      const missing = statement.clouds.filter((cloud) => !rule.clouds.includes(cloud));
      if (extra.length > 0) differences.push({ file: statement.file, line: statement.line, message: `${rule.id}: the API exists in ${statement.clouds.join(", ")} (${statement.include}), the table offers it in ${extra.join(", ")} too` });
      if (missing.length > 0) differences.push({ file: statement.file, line: statement.line, message: `${rule.id}: the API exists in ${statement.clouds.join(", ")} (${statement.include}), the table withholds ${missing.join(", ")}` });
    }
  }
  return differences;
}

/** A resource family a national-cloud page withholds from some clouds. */
export interface CloudExclusion extends Located {
  resourceTypes: readonly string[];
  notIn: Cloud[];
  quote: string;
}

/** The headings of Teams' national-cloud page whose APIs are subscription resources, by resource type. */
const teamsCloudSections: Record<string, string> = { "Meeting recordings": "callRecording", "Meeting transcripts": "callTranscript" };

/**
 * Teams' national-cloud page (concepts/teamwork-national-cloud-differences.md): "Microsoft Teams APIs are not available
 * in the Microsoft Cloud China", and, in the US Government table, the sections whose every API is "Not supported".
 */
export function readTeamsCloudPage(file: string, text: string): CloudExclusion[] {
  const lines = text.split(/\r?\n/);
  const found: CloudExclusion[] = [];
  const china = lines.findIndex((line) => /Microsoft Teams APIs are not available in the Microsoft Cloud China/i.test(line));
  if (china !== -1) found.push({ file, line: china + 1, resourceTypes: teamsResourceTypes, notIn: ["china"], quote: lines[china]!.replace(/^>\s*/, "").trim() });
  const usGov = lines.findIndex((line) => /^##\s.*US Government/i.test(line));
  for (let i = usGov + 1; usGov !== -1 && i < lines.length && !/^##\s/.test(lines[i]!); i++) {
    const heading = /^\|\s*\*\*([^*]+)\*\*\s*\|/.exec(lines[i]!)?.[1]?.trim();
    const type = heading ? teamsCloudSections[heading] : undefined;
    if (!type) continue;
    const rows: string[] = [];
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith("|") && !/^\|\s*\*\*/.test(lines[j]!); j++) rows.push(lines[j]!);
    if (rows.length > 0 && rows.every((row) => /\|\s*Not supported\.\s*\|\s*$/.test(row))) {
      found.push({ file, line: i + 1, resourceTypes: [type], notIn: ["usgov-l4", "usgov-l5"], quote: `${heading}: Not supported` });
    }
  }
  return found;
}

export function compareExclusions(exclusions: readonly CloudExclusion[], rows: readonly ResourceRule[]): PageDifference[] {
  return exclusions.flatMap((exclusion) =>
    rows
      .filter((rule) => exclusion.resourceTypes.includes(rule.resourceType) && exclusion.notIn.some((cloud) => rule.clouds.includes(cloud)))
      .map((rule) => ({
        file: exclusion.file,
        line: exclusion.line,
        message: `${rule.id}: not in ${exclusion.notIn.filter((cloud) => rule.clouds.includes(cloud)).join(", ")} on the page ("${exclusion.quote}"), the table offers it there`,
      })),
  );
}
