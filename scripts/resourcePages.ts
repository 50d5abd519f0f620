/**
 * The per-resource change-notification pages of Graph's docs (concepts/*.md: Teams, Outlook, Copilot,
 * communications, virtual events, print, security, To Do, directory...), read for what rules:check compares
 * with the rule table. Each page states its rules in its own way, so this reads the forms they share:
 *
 *   - subscription requests: every `POST https://graph.microsoft.com/{version}/subscriptions` example, with its
 *     resource, changeType, includeResourceData and lifecycleNotificationUrl;
 *   - path tables: backquoted paths in a table column whose header names a resource path or URL, with the
 *     row's change types and permission types when the table has those columns;
 *   - path sentences: "subscribe to `…`", "specify the resource as `…`", "use the following resource: `…`";
 *   - permission tables ("Permission type | Permissions …"), each applying to the paths of its section;
 *   - sentences stating a lifetime, a required lifecycleNotificationUrl, a beta-only or global-only resource,
 *     or query options that are required or refused.
 *
 * Pages that the older extraction reads by their own tables (the include files, the Universal Print page) are
 * read here too: a path is documented wherever it appears.
 */
import { matchRules } from "../provider/rules/resourcePath";
import { paymentModelRules, type PermissionColumn, type ResourceRule } from "../provider/rules/ruleTable";
import type { ApiVersion } from "../provider/vocabulary";

export interface Located {
  file: string;
  line: number;
}

export interface PagePath extends Located {
  /** As documented, without host, version or leading slash. */
  path: string;
  from: "request" | "table" | "sentence";
  apiVersion?: ApiVersion;
  changeTypes?: string[];
  /** From a table column of permission types: application, delegated. */
  permissionTypes?: string[];
  includeResourceData?: boolean;
  /** The row or sentence marks the path beta-only (`*`, "(preview)", "beta only"). */
  betaOnly?: boolean;
}

export type Cell = readonly string[] | null;

export interface PagePermissions extends Located {
  /** The heading of the section the table applies to ("" for the whole page). */
  section: string;
  /** The paths documented in that section. */
  paths: string[];
  cells: Partial<Record<PermissionColumn, Cell>>;
  /** A "Supported versions" column, per permission type: the versions it names. */
  versions: Partial<Record<PermissionColumn, ApiVersion[]>>;
}

export type PageStatement = Located & { section: string; paths: string[] } & (
    | { kind: "lifetime"; minutes: number; quote: string }
    | { kind: "lifecycleRequired"; quote: string }
    | { kind: "globalOnly"; quote: string }
    | { kind: "betaOnly"; quote: string }
    /** "A maximum of 650 users can be subscribed": the ids one `$filter=id in (...)` may list. */
    | { kind: "maxIds"; limit: number; quote: string }
    /** "Do not include in the URL `$top`, `$skip`, … `$select=Body,UniqueBody`, and `$expand` other than **a** or **b**". */
    /** A section including the Teams licensing disclaimer: `teams-model-A-and-B-disclaimer` or `teams-model-B-disclaimer`. */
    | { kind: "paymentModels"; models: string[]; quote: string }
    | { kind: "queryRefused"; parameters: string[]; selectProperties: string[]; expandAllowed: string[]; withResourceData: boolean; quote: string }
  );

export interface ResourcePage {
  file: string;
  paths: PagePath[];
  permissions: PagePermissions[];
  statements: PageStatement[];
}

/** The pages read: every concepts/ page (includes too) and the root includes that name a subscription path. */
export const isResourcePage = (file: string) => /^(concepts|includes)\/.*\.md$/.test(file);

const requestLine = /^\s*(?:POST)\s+https:\/\/graph\.microsoft\.[a-z.]+\/(v1\.0|beta)\/subscriptions\s*$/i;

/** A documented path as rules:check compares it: no host, version or leading slash. */
export function normalisePath(raw: string): string {
  return raw
    .trim()
    .replace(/^https:\/\/graph\.microsoft\.[a-z.]+\//i, "")
    .replace(/^(v1\.0|beta)\//i, "")
    .replace(/^\/+/, "")
    .replace(/\/+$/, "");
}

/** Backquoted values that read as a resource path: a known first segment shape, no spaces outside quotes or filters. */
function pathsInCell(cell: string): { path: string; betaOnly: boolean }[] {
  return [...cell.matchAll(/`([^`]+)`(\s*\*)?/g)]
    .map((match) => ({ raw: match[1]!.trim(), betaOnly: Boolean(match[2]) }))
    .filter(({ raw }) => looksLikePath(raw))
    .map(({ raw, betaOnly }) => ({ path: normalisePath(raw), betaOnly }));
}

function looksLikePath(raw: string): boolean {
  const value = normalisePath(raw);
  if (value.length === 0 || value.startsWith("$") || /^(https?:|EventHub:|EventGrid:)/i.test(raw) && !/graph\.microsoft/i.test(raw)) return false;
  const [path = ""] = value.split("?");
  // A path is segments of identifiers (a single one is a lowercase collection: users, groups, chats, teams), ids, placeholders, key syntax or function calls; a sentence is not.
  return /^[A-Za-z][\w.-]*(\([^)]*\))?(\/([\w.{}:@'-]+|\{[^}]+\})(\([^)]*\))?)*$/.test(path.replace(/\{[^}]*\}/g, "{x}")) && (path.includes("/") || /^[a-z]+s$/.test(path));
}

const columnOf = (label: string): PermissionColumn | undefined =>
  /personal/i.test(label) ? "delegatedPersonal" : /delegated/i.test(label) ? "delegatedWork" : /application/i.test(label) ? "application" : undefined;

function permissionCell(text: string): Cell {
  const plain = text.replace(/<[^>]+>/g, " ").replace(/\*\*/g, "").trim();
  if (/^not (supported|applicable)/i.test(plain) || plain === "" || /^n\/a$/i.test(plain)) return null;
  return plain
    .split(/,|\s+or\s+|\s+and\s+/)
    .map((name) => name.replace(/[*.]+$/, "").replace(/\(.*\)/, "").trim())
    .filter((name) => /^[A-Z][\w]*(\.[\w]+)+$/.test(name));
}

const versionsIn = (text: string): ApiVersion[] => {
  const found: ApiVersion[] = [];
  if (/v1(\.0|\b)/i.test(text)) found.push("v1.0");
  if (/beta/i.test(text)) found.push("beta");
  return found;
};

interface Section {
  heading: string;
  level: number;
  start: number;
  end: number;
}

/** Comments blanked out character by character, so line numbers stay those of the file. */
export const withoutComments = (text: string) => text
    .replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ""))
    // Tables inside a blockquote ("> | Resource | ...") are tables all the same.
    .replace(/^[ \t]*>[ \t]?/gm, "");

export function readResourcePage(file: string, text: string): ResourcePage {
  const lines = withoutComments(text).split(/\r?\n/);
  const page: ResourcePage = { file, paths: [], permissions: [], statements: [] };
  const fence = fencedLines(lines);

  // Subscription requests.
  for (let i = 0; i < lines.length; i++) {
    const request = requestLine.exec(lines[i]!);
    if (!request) continue;
    const version = (request[1]!.toLowerCase() === "beta" ? "beta" : "v1.0") as ApiVersion;
    let end = i + 1;
    while (end < lines.length && !/^\s*```/.test(lines[end]!)) end++;
    const body = lines.slice(i + 1, end);
    const field = (name: string) => {
      const at = body.findIndex((line) => new RegExp(`"${name}"\\s*:`).test(line));
      // Values as written, quotes and trailing comma off (one docs example leaves its string unterminated).
      return at === -1 ? undefined : { line: i + 2 + at, value: body[at]!.slice(body[at]!.indexOf(":") + 1).trim().replace(/,$/, "").replace(/^"|"$/g, "") };
    };
    const resource = field("resource");
    if (!resource) continue;
    const changeType = field("changeType")?.value;
    const rich = field("includeResourceData")?.value;
    page.paths.push({
      file,
      line: resource.line,
      path: normalisePath(resource.value),
      from: "request",
      apiVersion: version,
      ...(changeType ? { changeTypes: changeType.split(",").map((part) => part.trim().toLowerCase()).filter(Boolean) } : {}),
      ...(rich === "true" ? { includeResourceData: true } : {}),
    });
    i = end;
  }

  // Path tables.
  const rowPermissions: PagePermissions[] = [];
  for (let i = 0; i < lines.length - 1; i++) {
    if (fence[i] || !isTableHeader(lines[i]!, lines[i + 1]!)) continue;
    const header = splitRow(lines[i]!);
    // A column of subscription paths: "Resource URL", "Supported resource paths", "Resource path", "Resource" ...
    // but not the resource IDs that notifications carry.
    const pathColumns = header.map((label, index) => (/(resource|path|url|endpoint)/i.test(label) && !/\bID\b|notification type/i.test(label) ? index : -1)).filter((index) => index !== -1);
    const changeColumn = header.findIndex((label) => /change type/i.test(label));
    // Outlook's table names each row's permissions in one column per permission type.
    const permissionColumns = header.map((label, index) => ({ column: columnOf(label), index })).filter((entry) => entry.column !== undefined && !/permission type/i.test(header[entry.index]!));
    const typeColumn = header.findIndex((label) => /permission type/i.test(label));
    // A `*` after a path marks that path (pathsInCell); one in the resource's own cell, or "(preview)", the row.
    const rowBeta = (cells: string[]) => /\*/.test((cells[0] ?? "").replace(/\*\*[^*]+\*\*/g, "")) || cells.some((cell) => /\(preview\)/i.test(cell));
    for (let j = i + 2; j < lines.length && lines[j]!.trim().startsWith("|"); j++) {
      const cells = splitRow(lines[j]!);
      for (const column of pathColumns) {
        for (const found of pathsInCell(cells[column] ?? "")) {
          const list = (index: number) => (cells[index] ?? "").replace(/<[^>]+>/g, ",").split(/,|\band\b/).map((part) => part.trim().toLowerCase()).filter((part) => /^[a-z]+$/.test(part));
          page.paths.push({
            file,
            line: j + 1,
            path: found.path,
            from: "table",
            ...(changeColumn !== -1 ? { changeTypes: list(changeColumn) } : {}),
            ...(typeColumn !== -1 ? { permissionTypes: list(typeColumn) } : {}),
            ...(found.betaOnly || rowBeta(cells) ? { betaOnly: true } : {}),
          });
        }
      }
      const rowPaths = pathColumns.flatMap((column) => pathsInCell(cells[column] ?? "").map((found) => found.path));
      if (permissionColumns.length > 0 && rowPaths.length > 0) {
        rowPermissions.push({
          file,
          line: j + 1,
          section: `table row ${j + 1}`,
          paths: rowPaths,
          cells: Object.fromEntries(permissionColumns.map(({ column, index }) => [column, permissionCell(cells[index] ?? "")])),
          versions: {},
        });
      }
    }
  }

  // Path sentences.
  const sentence = /(subscribe to|specify the resource as|the following resource(?: path)?:?|by using the following syntax:?|subscription resource(?: path)?(?: is)?:?|set the resource to)\s*`([^`]+)`/gi;
  for (let i = 0; i < lines.length; i++) {
    if (fence[i] || lines[i]!.trim().startsWith("|")) continue;
    for (const match of lines[i]!.matchAll(sentence)) {
      if (!looksLikePath(match[2]!)) continue;
      page.paths.push({ file, line: i + 1, path: normalisePath(match[2]!), from: "sentence" });
    }
  }

  const sections = sectionsOf(lines);
  const pathsIn = (section: Section | undefined) =>
    [...new Set(page.paths.filter((entry) => !section || (entry.line > section.start && entry.line <= section.end)).map((entry) => entry.path))];
  /** The deepest section around a line that documents a path; the whole page when none does. */
  const scopeOf = (line: number): { section: string; paths: string[] } => {
    const around = sections.filter((section) => line > section.start && line <= section.end).sort((a, b) => b.level - a.level);
    // The page's title (level 1) spans the whole page: a table under it alone is the page's.
    const scoped = around.find((section) => section.level > 1 && pathsIn(section).length > 0);
    return scoped ? { section: scoped.heading, paths: pathsIn(scoped) } : { section: "", paths: pathsIn(undefined) };
  };

  // Permission tables.
  for (let i = 0; i < lines.length - 1; i++) {
    if (fence[i] || !isTableHeader(lines[i]!, lines[i + 1]!) || !/permission type/i.test(lines[i]!)) continue;
    const header = splitRow(lines[i]!);
    const versionColumn = header.findIndex((label) => /supported versions/i.test(label));
    const entry: PagePermissions = { file, line: i + 1, ...scopeOf(i + 1), cells: {}, versions: {} };
    for (let j = i + 2; j < lines.length && lines[j]!.trim().startsWith("|"); j++) {
      const cells = splitRow(lines[j]!);
      const column = columnOf(cells[0] ?? "");
      if (!column) continue;
      // "Permissions (from least to most privileged)", or "Least privileged permissions | Higher privileged permissions".
      const named = cells.slice(1).filter((_cell, index) => index + 1 !== versionColumn).map(permissionCell);
      entry.cells[column] = named.every((cell) => cell === null) ? null : named.flatMap((cell) => cell ?? []);
      if (versionColumn !== -1 && entry.cells[column] !== null) entry.versions[column] = versionsIn(cells[versionColumn] ?? "");
    }
    if (Object.keys(entry.cells).length > 0) page.permissions.push(entry);
  }
  page.permissions.push(...rowPermissions);

  // Statements.
  const statements: { kind: PageStatement["kind"]; pattern: RegExp; minutes?: (match: RegExpExecArray) => number }[] = [
    { kind: "lifetime", pattern: /maximum (?:period|lifetime|expiration(?: time)?)(?: of (?:the )?subscription)? (?:is |of )?(a day|one day|one hour|an hour|[\d,]+ (?:minutes|hours|days))/i, minutes: (m) => minutesOf(m[1]!) },
    { kind: "lifetime", pattern: /subscriptions? (?:have|has|with) a maximum (?:period|lifetime|expiration(?: time)?) of (a day|one day|one hour|an hour|[\d,]+ (?:minutes|hours|days))/i, minutes: (m) => minutesOf(m[1]!) },
    { kind: "lifetime", pattern: /max(?:imum)? expir(?:y|ation) (?:period|time) of (one day|a day|one hour|an hour|\w+ days|[\d,]+ (?:minutes|hours|days))/i, minutes: (m) => minutesOf(m[1]!) },
    { kind: "maxIds", pattern: /maximum (?:of )?([\d,]+) (?:users|user IDs)/i },
    { kind: "lifetime", pattern: /maximum time a subscription can last is ([\d,]+ (?:minutes|hours|days))/i, minutes: (m) => minutesOf(m[1]!) },
    { kind: "lifetime", pattern: /max(?:imum)? subscription life ?time of (one day|a day|one hour|[\d,]+ (?:minutes|hours|days))/i, minutes: (m) => minutesOf(m[1]!) },
    { kind: "lifetime", pattern: /(?:expire|lifetime|expiration)[^.|]*?(?:after|of|up to|maximum of) ([\d,]+ (?:minutes|hours|days))/i, minutes: (m) => minutesOf(m[1]!) },
    { kind: "lifecycleRequired", pattern: /must subscribe to lifecycle notifications|(?:lifecycleNotificationUrl|lifecycle notification URL)[^.|]*\b(?:is|are) required\b|\brequires? (?:a |the )?`?lifecycleNotificationUrl`?/i },
    { kind: "globalOnly", pattern: /only available in the (?:Microsoft )?global (?:endpoint|environment|service)|not (?:available|supported) in (?:the )?national cloud/i },
    { kind: "betaOnly", pattern: /\b(?:is|are) (?:only )?available (?:only )?(?:in|on) (?:the )?`?\/?beta`?(?: endpoint)?\b|\bbeta only\b|only (?:in|on) the `?\/?beta`? endpoint/i },
  ];
  for (let i = 0; i < lines.length; i++) {
    if (fence[i]) continue;
    const disclaimer = /\[!INCLUDE \[teams-model-(A-and-B|B)-disclaimer\]/i.exec(lines[i]!);
    if (disclaimer) {
      page.statements.push({ file, line: i + 1, ...scopeOf(i + 1), kind: "paymentModels", models: disclaimer[1]!.toUpperCase() === "B" ? ["B"] : ["A", "B"], quote: disclaimer[0] });
    }
    const refused = /Do not include in the URL (.*)$/i.exec(lines[i]!);
    if (refused) {
      const options = [...refused[1]!.matchAll(/`(\$[^`]+)`/g)].map((match) => match[1]!);
      const [, other = ""] = refused[1]!.split(/other than/i);
      const heading = sections.filter((section) => i + 1 > section.start && i + 1 <= section.end).sort((a, b) => b.level - a.level)[0]?.heading ?? "";
      page.statements.push({
        file,
        line: i + 1,
        ...scopeOf(i + 1),
        kind: "queryRefused",
        parameters: options.filter((option) => !option.includes("=")).map((option) => option.toLowerCase()),
        selectProperties: options.filter((option) => /^\$select=/i.test(option)).flatMap((option) => option.split("=")[1]!.split(",")),
        expandAllowed: [...other.matchAll(/\*\*([^*]+)\*\*/g)].map((match) => match[1]!),
        withResourceData: /resource data/i.test(heading),
        quote: refused[0].trim(),
      });
    }
    for (const { kind, pattern, minutes } of statements) {
      const match = pattern.exec(lines[i]!);
      if (!match) continue;
      // "Resources marked with an asterisk are beta only" is a legend: the marks themselves are read with each path.
      if (kind === "betaOnly" && /asterisk/i.test(lines[i]!)) continue;
      const quote = lines[i]!.trim().slice(Math.max(0, match.index - 60), match.index + match[0].length + 40);
      const scope = scopeOf(i + 1);
      if (kind === "lifetime") {
        const value = minutes!(match);
        if (Number.isFinite(value)) page.statements.push({ file, line: i + 1, ...scope, kind, minutes: value, quote });
      } else if (kind === "maxIds") page.statements.push({ file, line: i + 1, ...scope, kind, limit: Number(match[1]!.replace(/,/g, "")), quote });
      else page.statements.push({ file, line: i + 1, ...scope, kind, quote } as PageStatement);
      if (kind === "lifetime") break;
    }
  }
  return page;
}

const numberWords: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7 };

function minutesOf(text: string): number {
  const [amount = "", unit = ""] = text.toLowerCase().split(/\s+/);
  const value = numberWords[amount] ?? Number(amount.replace(/,/g, ""));
  return unit.startsWith("day") ? value * 1440 : unit.startsWith("hour") ? value * 60 : value;
}

function fencedLines(lines: readonly string[]): boolean[] {
  let inside = false;
  return lines.map((line) => {
    if (/^\s*```/.test(line)) {
      inside = !inside;
      return true;
    }
    return inside;
  });
}

function isTableHeader(line: string, next: string): boolean {
  return line.trim().startsWith("|") && /^\s*\|[\s:|-]+\|?\s*$/.test(next);
}

export function splitRow(line: string): string[] {
  return line.trim().replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((cell) => cell.trim());
}

function sectionsOf(lines: readonly string[]): Section[] {
  const headings = lines
    .map((line, index) => ({ match: /^(#{1,6})\s+(.*)$/.exec(line), index }))
    .filter((entry): entry is { match: RegExpExecArray; index: number } => entry.match !== null)
    .map(({ match, index }) => ({ heading: match[2]!.trim(), level: match[1]!.length, start: index + 1 }));
  return headings.map((heading, at) => {
    const next = headings.slice(at + 1).find((candidate) => candidate.level <= heading.level);
    return { ...heading, end: next ? next.start - 1 : lines.length };
  });
}

// ---------------------------------------------------------------------------------------------
// Comparison with the rule table.

/** A documented path with every placeholder filled, as a program would write it. */
export const concrete = (template: string) =>
  template
    .replace(/^\//, "")
    .replace(/\(\{id\},\{id\}\.\.\.\)/, "('x1','x2')")
    .replace(/=\{Boolean\}/gi, "=true")
    .replace(/=\{parameters\}/gi, "=status eq 'x'")
    .replace(/\{[^}]*\}/g, "x1");

export interface PageDifference extends Located {
  message: string;
  /** Set when the difference is that a documented path has no row: the coverage report counts these. */
  missingPath?: string;
}

const allVersions: readonly ApiVersion[] = ["v1.0", "beta"];
const everyChange = ["created", "updated", "deleted"] as const;
const sorted = (values: readonly string[]) => [...new Set(values)].sort().join(",");

/**
 * Every difference between the pages and the rows, once per page and message (a path a page names in a
 * sentence, a table and an example is one path).
 */
export function comparePages(pages: readonly ResourcePage[], rows: readonly ResourceRule[]): PageDifference[] {
  const differences: PageDifference[] = [];
  for (const page of pages) {
    const seen = new Set<string>();
    const report = (at: Located, message: string, missingPath?: string) => {
      if (seen.has(message)) return;
      seen.add(message);
      differences.push({ file: at.file, line: at.line, message, ...(missingPath ? { missingPath } : {}) });
    };
    const rowsFor = (docsPath: string, versions: readonly ApiVersion[]) =>
      versions.flatMap((version) => matchRules(concrete(docsPath), version, rows).map((match) => match.rule));

    for (const entry of page.paths) {
      const versions = entry.apiVersion ? [entry.apiVersion] : allVersions;
      const found = rowsFor(entry.path, versions);
      if (found.length === 0) {
        const anywhere = entry.apiVersion ? rowsFor(entry.path, allVersions) : [];
        report(
          entry,
          anywhere.length > 0
            ? `'${entry.path}' (${entry.from}) is documented on ${entry.apiVersion}, the table has it on ${anywhere.map((rule) => rule.apiVersion).join(", ")} only`
            : `'${entry.path}' (${entry.from}) is not in the table for any API version`,
          entry.path,
        );
        continue;
      }
      if (entry.betaOnly) {
        for (const rule of found.filter((candidate) => candidate.apiVersion === "v1.0")) report(entry, `${rule.id}: '${entry.path}' is beta-only on the page, the table offers it on v1.0`);
      }
      for (const rule of found) {
        const allowed = rule.changeTypes ?? everyChange;
        if (entry.changeTypes && entry.changeTypes.length > 0) {
          const extra = entry.changeTypes.filter((type) => !(allowed as readonly string[]).includes(type));
          if (extra.length > 0) report(entry, `${rule.id}: change types ${entry.changeTypes.join(",")} on the page, ${allowed.join(",")} in the table`);
          else if (entry.from === "table" && sorted(entry.changeTypes) !== sorted(allowed)) report(entry, `${rule.id}: change types ${sorted(entry.changeTypes)} on the page, ${sorted(allowed)} in the table`);
        }
        if (entry.permissionTypes && entry.permissionTypes.length > 0) {
          for (const [type, column] of [["delegated", "delegatedWork"], ["application", "application"]] as const) {
            const documented = entry.permissionTypes.includes(type);
            const tabled = rule.permissions[column] !== null;
            if (documented !== tabled) report(entry, `${rule.id}: ${type} permissions ${documented ? "supported" : "not supported"} on the page, ${tabled ? "supported" : "not supported"} in the table`);
          }
        }
        if (entry.includeResourceData && rule.resourceData === "unsupported") report(entry, `${rule.id}: the page's example asks for resource data, the table has basic notifications only`);
      }
    }

    for (const table of page.permissions) {
      for (const docsPath of table.paths) {
        for (const rule of rowsFor(docsPath, allVersions)) {
          for (const [column, cell] of Object.entries(table.cells) as [PermissionColumn, Cell][]) {
            const have = rule.permissions[column];
            const stated = table.versions[column];
            if (cell !== null && stated && stated.length > 0 && !stated.includes(rule.apiVersion)) {
              report(table, `${rule.id} ${column}: the page's permission table supports it on ${stated.join(", ")} only`);
              continue;
            }
            if (cell === null && have !== null) report(table, `${rule.id} ${column}: not supported on the page, ${have.join(", ")} in the table`);
            // A table for the whole page is the union of its scenarios; a scenario's own table says which types it takes.
            else if (cell !== null && have === null && table.section !== "") report(table, `${rule.id} ${column}: ${cell.join(", ")} on the page, not supported in the table`);
            else if (cell !== null && have !== null) {
              const known = new Set([...have, ...(rule.alsoAccepted?.[column] ?? []), ...rule.resourceSpecificConsent].map((name) => name.toLowerCase()));
              const missing = cell.filter((name) => !known.has(name.toLowerCase()));
              if (missing.length > 0) report(table, `${rule.id} ${column}: ${missing.join(", ")} on the page, not in the table (${have.join(", ")})`);
            }
          }
        }
      }
    }

    for (const statement of page.statements) {
      for (const rule of statement.paths.flatMap((docsPath) => rowsFor(docsPath, allVersions))) {
        if (statement.kind === "lifetime" && rule.maxLifetimeMinutes !== statement.minutes && rule.maxLifetimeWithResourceDataMinutes !== statement.minutes) {
          report(statement, `${rule.id}: lifetime ${statement.minutes} min on the page ("${statement.quote}"), ${rule.maxLifetimeMinutes} in the table`);
        }
        if (statement.kind === "maxIds" && rule.query?.maxFilterIds?.limit !== statement.limit && rule.paths.some((template) => template.includes("$filter"))) {
          report(statement, `${rule.id}: at most ${statement.limit} ids per subscription on the page ("${statement.quote}"), ${rule.query?.maxFilterIds?.limit ?? "no limit"} in the table`);
        }
        if (statement.kind === "lifecycleRequired" && !rule.lifecycleUrlRequiredAboveOneHour) report(statement, `${rule.id}: the page requires a lifecycleNotificationUrl ("${statement.quote}"), the table does not`);
        if (statement.kind === "globalOnly" && rule.clouds.join(",") !== "global") report(statement, `${rule.id}: global cloud only on the page ("${statement.quote}"), the table offers ${rule.clouds.join(", ")}`);
        if (statement.kind === "betaOnly" && rule.apiVersion === "v1.0") report(statement, `${rule.id}: beta only on the page ("${statement.quote}"), the table offers it on v1.0`);
        if (statement.kind === "paymentModels" && sorted(paymentModelRules.allowed[rule.paymentModels]) !== sorted(statement.models)) {
          report(statement, `${rule.id}: payment models ${statement.models.join("/")} on the page (${statement.quote}), ${paymentModelRules.allowed[rule.paymentModels].join("/") || "none"} in the table`);
        }
        if (statement.kind === "queryRefused") {
          const table = rule.query?.refusedWithResourceData;
          const same = (a: readonly string[], b: readonly string[]) => sorted(a.map((x) => x.toLowerCase())) === sorted(b.map((x) => x.toLowerCase()));
          if (!table || !same(table.parameters, statement.parameters) || !same(table.selectProperties, statement.selectProperties) || !same(table.expandAllowed, statement.expandAllowed)) {
            report(statement, `${rule.id}: the page refuses ${[...statement.parameters, ...statement.selectProperties.map((name) => `$select=${name}`)].join(", ")} (expand only ${statement.expandAllowed.join(", ")}) with resource data, the table ${table ? "differs" : "has no such rule"}`);
          }
        }
      }
    }
  }
  return differences;
}
