#!/usr/bin/env node
/**
 * Extracts the permission tables of Graph's documentation pages (the seed documents the rule table was
 * built from) into a committed JSON file, so the seed-conformance test runs on a clone that has no copy
 * of the documents.
 *
 *   node dist/scripts/seedPermissions.js [--seeds <dir>] [--out <file>] [--check]
 *
 * --seeds defaults to ../shared/seeds beside the repository; --out to test/rules/seedPermissions.json.
 * --check compares instead of writing, and exits 1 when the committed extract is stale.
 *
 * The pages come as rendered text, markdown and Spanish; each scenario is read as its heading ("label
 * /path") and three cells (delegated work, delegated personal, application), each a list of permission
 * names with RSC ones marked `*`, or null for "Not supported".
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { PermissionColumn } from "../provider/rules/ruleTable";
import type { ApiVersion } from "../provider/vocabulary";
import { repoRoot as repo } from "./pulumiProject";

export const defaultSeedsDir = path.resolve(repo, "..", "shared", "seeds");
export const defaultExtractFile = path.join(repo, "test", "rules", "seedPermissions.json");
export const columns = ["delegatedWork", "delegatedPersonal", "application"] as const satisfies readonly PermissionColumn[];

/** A cell as the docs print it: permission names, RSC ones with a trailing `*`; null = "Not supported." */
export type Cell = readonly string[] | null;
export interface SeedScenario {
  heading: string; // label and path as printed, e.g. "chatMessage /chats/{id}/messages"
  cells: Record<PermissionColumn, Cell>;
}
export interface Seed {
  source: string; // "seeds/<file>", as rows cite it
  apiVersion: ApiVersion;
  scenarios: SeedScenario[];
}

// "Not supported." in English and in the Spanish seed's several translations.
const notSupported = /(?:not supported|no admitida|no se admite|no compatible)\.?$/i;
const permissionToken = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+\*?[,.]?$/;
const headerLine = /^(?:\|\s*)?(?:supported resource|recurso admitido)\b/i;

export function parseSeed(seedsDir: string, file: string): Seed {
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

/**
 * Pages that list RSC permissions in a note ("The following permissions use resource-specific consent:"),
 * as rendered bullets or as a markdown list inside a `> [!NOTE]` block.
 */
function resourceSpecificConsentNote(lines: readonly string[]): Set<string> {
  const at = lines.findIndex((line) => /following permissions use \[?resource-specific consent/i.test(line));
  const names = new Set<string>();
  if (at === -1) return names;
  for (const line of lines.slice(at + 1)) {
    const item = /^\s*(?:>\s*)?[•*-]\s*([A-Za-z][\w.]+)\s*$/.exec(line);
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
  return rows.filter((row) => !/^\|\s*:?-+/.test(row)).map(markdownRow);
}

function markdownRow(row: string): SeedScenario {
  const parts = row.trim().replace(/^\|/, "").replace(/\|$/, "").split("|");
  const [first = "", work = "", personal = "", application = ""] = parts;
  const pieces = first
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .split(/<br\s*\/?>/i)
    .map((piece) => piece.replace(/`/g, "").trim())
    .filter((piece) => piece.length > 0);
  return { heading: headingOf(pieces), cells: { delegatedWork: parseCell(work), delegatedPersonal: parseCell(personal), application: parseCell(application) } };
}

/**
 * Every scenario of a markdown page's permission table (a checkout of the docs repository), with the
 * 1-based line of its row, so that rules:check can cite it. RSC permissions get their `*` as in parseSeed,
 * whether the page marks them in the cell or lists them in a note.
 */
export function markdownPermissionRows(text: string): (SeedScenario & { line: number })[] {
  const lines = text.split(/\r?\n/);
  const rsc = resourceSpecificConsentNote(lines);
  const start = lines.findIndex((line) => line.trim().startsWith("|") && headerLine.test(line.trim()));
  if (start === -1) return [];
  const rows: (SeedScenario & { line: number })[] = [];
  for (let i = start + 1; i < lines.length && lines[i]!.trim().startsWith("|"); i++) {
    if (/^\|\s*:?-+/.test(lines[i]!.trim())) continue;
    // Pages rendered by learn.microsoft.com escape parentheses and asterisks: "driveItem \(OneDrive for work or school\)".
    const scenario = markdownRow(lines[i]!.replace(/\\([()*[\]])/g, "$1"));
    const cells = Object.fromEntries(
      columns.map((column) => [column, scenario.cells[column]?.map((name) => (rsc.has(name) ? `${name}*` : name)) ?? null]),
    ) as SeedScenario["cells"];
    rows.push({ heading: scenario.heading, cells, line: i + 1 });
  }
  return rows;
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


/** Every seed page in `seedsDir`, in file order. */
export function parseSeedDirectory(seedsDir: string): Seed[] {
  return readdirSync(seedsDir)
    .filter((file) => file.endsWith(".txt"))
    .sort()
    .map((file) => parseSeed(seedsDir, file));
}

export function serializeSeeds(seeds: readonly Seed[]): string {
  return `${JSON.stringify(seeds, null, 2)}\n`;
}

function main(): void {
  const { values } = parseArgs({
    options: { seeds: { type: "string" }, out: { type: "string" }, check: { type: "boolean", default: false } },
    strict: true,
  });
  const seedsDir = path.resolve(values.seeds ?? defaultSeedsDir);
  const out = path.resolve(values.out ?? defaultExtractFile);
  const text = serializeSeeds(parseSeedDirectory(seedsDir));
  if (values.check) {
    const current = readFileSync(out, "utf8") === text;
    process.stdout.write(current ? `${out} is current\n` : `${out} is stale: run without --check to regenerate it\n`);
    process.exitCode = current ? 0 : 1;
    return;
  }
  writeFileSync(out, text);
  process.stdout.write(`wrote ${out}\n`);
}

if (require.main === module) main();
