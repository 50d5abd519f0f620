import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { ApiVersion } from "../../provider/subscription/schema";
import { ruleTable, type PermissionColumn, type ResourceRule } from "../../provider/rules/ruleTable";

/**
 * Reads the permission tables of every seed page (rendered text, markdown, Spanish) and checks each
 * scenario against the rule table for the page's API version. A difference passes only when the row
 * records it as a deliberate override of that very source, with what the source says.
 */

const seedsDir = path.join(__dirname, "..", "..", "..", "shared", "seeds");
const columns = ["delegatedWork", "delegatedPersonal", "application"] as const satisfies readonly PermissionColumn[];

/** A cell as the docs print it: permission names, RSC ones with a trailing `*`; null = "Not supported." */
type Cell = readonly string[] | null;
interface SeedScenario {
  heading: string; // label and path as printed, e.g. "chatMessage /chats/{id}/messages"
  cells: Record<PermissionColumn, Cell>;
}
interface Seed {
  source: string; // "seeds/<file>", as rows cite it
  apiVersion: ApiVersion;
  scenarios: SeedScenario[];
}

// "Not supported." in English and in the Spanish seed's several translations.
const notSupported = /(?:not supported|no admitida|no se admite|no compatible)\.?$/i;
const permissionToken = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+\*?[,.]?$/;
const headerLine = /^(?:\|\s*)?(?:supported resource|recurso admitido)\b/i;

function parseSeed(file: string): Seed {
  const text = readFileSync(path.join(seedsDir, file), "utf8");
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => headerLine.test(line.trim()));
  if (start === -1) throw new Error(`${file}: no permission table found`);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "") {
      if (body.length > 0) break;
      continue;
    }
    body.push(line.trim());
  }
  const markdown = lines[start]!.trim().startsWith("|");
  const scenarios = markdown ? parseMarkdownRows(body) : parseRenderedRows(body, file);
  const rsc = resourceSpecificConsentNote(lines);
  return {
    source: `seeds/${file}`,
    // Only beta pages send their examples to the beta endpoint.
    apiVersion: /graph\.microsoft\.com\/beta\//.test(text) ? "beta" : "v1.0",
    scenarios: scenarios.map((scenario) => ({
      ...scenario,
      cells: Object.fromEntries(
        columns.map((column) => [column, scenario.cells[column]?.map((name) => (rsc.has(name) ? `${name}*` : name)) ?? null]),
      ) as SeedScenario["cells"],
    })),
  };
}

/** Pages that list RSC permissions in a note ("The following permissions use resource-specific consent:"). */
function resourceSpecificConsentNote(lines: readonly string[]): Set<string> {
  const at = lines.findIndex((line) => /following permissions use resource-specific consent/i.test(line));
  const names = new Set<string>();
  if (at === -1) return names;
  for (const line of lines.slice(at + 1)) {
    const item = /^\s*[•*-]\s*([A-Za-z][\w.]+)\s*$/.exec(line);
    if (item) names.add(item[1]!);
    else if (line.trim() !== "" && names.size > 0) break;
  }
  return names;
}

function parseCell(text: string): Cell {
  const trimmed = text.trim();
  if (notSupported.test(trimmed)) return null;
  return trimmed
    .split(",")
    .map((name) => name.trim().replace(/\.$/, ""))
    .filter((name) => name.length > 0);
}

function parseMarkdownRows(rows: readonly string[]): SeedScenario[] {
  return rows
    .filter((row) => !/^\|\s*:?-+/.test(row))
    .map((row) => {
      const parts = row.replace(/^\|/, "").replace(/\|$/, "").split("|");
      const [first = "", work = "", personal = "", application = ""] = parts;
      const pieces = first
        .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
        .split(/<br\s*\/?>/i)
        .map((piece) => piece.replace(/`/g, "").trim())
        .filter((piece) => piece.length > 0);
      return { heading: headingOf(pieces), cells: { delegatedWork: parseCell(work), delegatedPersonal: parseCell(personal), application: parseCell(application) } };
    });
}

/**
 * Rendered tables lose their cell borders: a scenario is a label line, optional path and description
 * lines, and a line ending in three cells. Cells are read from the right, because a cell is either a
 * "Not supported" phrase or a comma-separated list of dotted permission names.
 */
function parseRenderedRows(rows: readonly string[], file: string): SeedScenario[] {
  const scenarios: SeedScenario[] = [];
  let pending: string[] = [];
  for (const line of rows) {
    const split = splitTrailingCells(line);
    if (!split) {
      pending.push(line);
      continue;
    }
    const pieces = [...pending, ...(split.rest ? [split.rest] : [])];
    if (pieces.length === 0) throw new Error(`${file}: permissions without a resource: ${line}`);
    const [work, personal, application] = split.cells;
    scenarios.push({ heading: headingOf(pieces), cells: { delegatedWork: work!, delegatedPersonal: personal!, application: application! } });
    pending = [];
  }
  if (pending.length > 0) throw new Error(`${file}: unparsed table lines: ${pending.join(" / ")}`);
  return scenarios;
}

function splitTrailingCells(line: string): { rest: string; cells: Cell[] } | undefined {
  let words = line.split(/\s+/);
  const cells: Cell[] = [];
  for (let i = 0; i < 3; i++) {
    const tail2 = words.slice(-2).join(" ");
    const tail3 = words.slice(-3).join(" ");
    if (notSupported.test(tail3) && /^no /i.test(tail3)) {
      cells.unshift(null);
      words = words.slice(0, -3);
      continue;
    }
    if (notSupported.test(tail2) && /^(?:not|no) /i.test(tail2)) {
      cells.unshift(null);
      words = words.slice(0, -2);
      continue;
    }
    const last = words[words.length - 1];
    if (!last || !permissionToken.test(last) || last.endsWith(",")) return undefined;
    let take = 1;
    while (words.length - take - 1 >= 0 && permissionToken.test(words[words.length - take - 1]!) && words[words.length - take - 1]!.endsWith(",")) take++;
    cells.unshift(parseCell(words.slice(-take).join(" ")));
    words = words.slice(0, -take);
  }
  return { rest: words.join(" "), cells };
}

/** "label", "label /path", from a label, optional path (bare, slashed or in parentheses) and description. */
function headingOf(pieces: readonly string[]): string {
  const [label = "", ...others] = pieces;
  const inline = /^(.*?)\s*\((\/[^)]*?)(?:\s+(?:–|--)\s+[^)]*)?\)\s*$/.exec(label);
  if (inline) return `${inline[1]} ${inline[2]}`;
  const pathPiece = others.map((piece) => piece.replace(/^\((.*)\)$/, "$1")).find((piece) => /^\/?[\w{}.-]+(?:\/[\w{}.-]+)+\.?$|^\/[\w{}-]+\.?$/.test(piece));
  return pathPiece ? `${label} ${pathPiece}` : label;
}

/** Comparison key for headings and `documentedAs` entries: case, slashes and placeholder names do not matter. */
function scenarioKey(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/\{[^}]*\}/g, "{id}")
    .replace(/\s+\/+/g, " ")
    .replace(/\.$/, "")
    .replace(/\s+/g, " ")
    .trim();
}

function tableCell(rule: ResourceRule, column: PermissionColumn): Cell {
  return rule.permissions[column]?.map((name) => (rule.resourceSpecificConsent.includes(name) ? `${name}*` : name)) ?? null;
}

const sameCell = (a: Cell, b: Cell) => JSON.stringify(a && [...a].sort()) === JSON.stringify(b && [...b].sort());

function rowFor(seed: Seed, scenario: SeedScenario): ResourceRule | undefined {
  const key = scenarioKey(scenario.heading);
  const rows = ruleTable.filter((rule) => rule.apiVersion === seed.apiVersion);
  return (
    rows.find((rule) => rule.documentedAs.some((name) => scenarioKey(name) === key)) ??
    rows.find((rule) => rule.overrides?.some((o) => o.source === seed.source && o.column === "scenario" && scenarioKey(o.documented) === key))
  );
}

const seeds = readdirSync(seedsDir)
  .filter((file) => file.endsWith(".txt"))
  .sort()
  .map(parseSeed);

describe("seed conformance", () => {
  it("finds every seed in ../shared/seeds and a permission table with scenarios in each", () => {
    expect(seeds.length).toBeGreaterThanOrEqual(5);
    for (const seed of seeds) expect(seed.scenarios.length).toBeGreaterThan(30);
  });

  it("reads 004 as the beta page and the others as v1.0", () => {
    expect(Object.fromEntries(seeds.map((seed) => [seed.source, seed.apiVersion]))).toMatchObject({
      "seeds/000_3986dd830cb696c2.txt": "v1.0",
      "seeds/004_de71dae5f9c3701b.txt": "beta",
    });
  });

  const cases = seeds.flatMap((seed) => seed.scenarios.map((scenario) => [seed.source, scenario.heading, seed, scenario] as const));

  it.each(cases)("%s lists '%s', which the table has for the page's API version", (_source, _heading, seed, scenario) => {
    expect(rowFor(seed, scenario)?.id ?? `no ${seed.apiVersion} row documented as '${scenario.heading}'`).toMatch(new RegExp(`^${seed.apiVersion.replace(".", "\\.")}/`));
  });

  it.each(cases)("%s '%s' has the table's permissions in all three columns, or a recorded override", (_source, _heading, seed, scenario) => {
    const rule = rowFor(seed, scenario);
    if (!rule) return; // reported by the test above
    for (const column of columns) {
      const documented = scenario.cells[column];
      const override = rule.overrides?.find((o) => o.source === seed.source && o.column === column);
      if (override) {
        // The override must quote the source exactly, and must still be needed.
        expect({ column, documented }).toEqual({ column, documented: override.documented });
        expect({ column, overrideStillNeeded: !sameCell(documented, tableCell(rule, column)) }).toEqual({ column, overrideStillNeeded: true });
      } else {
        expect({ rule: rule.id, column, permissions: documented && [...documented].sort() }).toEqual({
          rule: rule.id,
          column,
          permissions: tableCell(rule, column) && [...tableCell(rule, column)!].sort(),
        });
      }
    }
    expect(rule.resolution ?? (rule.overrides?.length ? "missing resolution" : "")).not.toBe("missing resolution");
  });

  it.each(ruleTable.map((rule) => [rule.id, rule] as const))("%s cites exactly the seeds that list it", (_id, rule) => {
    const sameVersion = seeds.filter((seed) => seed.apiVersion === rule.apiVersion);
    const listing = sameVersion.filter((seed) => seed.scenarios.some((scenario) => rowFor(seed, scenario) === rule)).map((seed) => seed.source);
    // A row may also cite a page of the other version for an example path; only same-version pages must match.
    const cited = rule.sources.filter((source) => sameVersion.some((seed) => seed.source === source));
    expect(cited.sort()).toEqual(listing.sort());
  });
});
