/**
 * The coverage report of rules:check: for every docs page read, how many documented paths (and, on the API
 * pages, permission-table scenarios) are a row of the rule table, and which are recorded differences with their
 * reason. The target is every one accounted for. `rules:check -- <checkout> --write` writes docs/rule-coverage.md;
 * test/rules/ruleCoverage.test.ts fails when the committed file is stale.
 */
import * as path from "node:path";
import { repoRoot } from "./pulumiProject";
import type { ResourcePage } from "./resourcePages";

/** What of rules:check's extract the report reads: every page read, and what each documents. */
export interface CoverageInput {
  snapshot: { read: string; commit: string; files: Record<string, unknown> };
  resourcePages?: readonly Pick<ResourcePage, "file" | "paths">[];
  permissions: readonly { file: string; heading: string }[];
  examples: readonly { file: string; path: string }[];
}
/** A difference as rules:check reports it: `missingPath` when a documented path has no row. */
export interface CoverageDifference {
  file: string;
  missingPath?: string;
  explainedBy?: string;
}

export const ruleCoverageFile = path.join(repoRoot, "docs", "rule-coverage.md");

export interface PageCoverage {
  file: string;
  /** Distinct documented paths, or scenario headings on an API page. */
  documented: number;
  /** Of those, the ones a row stands for. */
  rows: number;
  /** The ones without a row, each with its recorded reason. */
  recorded: { path: string; why: string }[];
  /** The ones without a row and without a reason: the defects. */
  unexplained: string[];
}

export function coverageOf(extract: CoverageInput, differences: readonly CoverageDifference[]): PageCoverage[] {
  const documented = new Map<string, Set<string>>();
  const add = (file: string, entry: string) => documented.set(file, (documented.get(file) ?? new Set()).add(entry));
  // Every page read is listed, those that document no path too (overview prose, lifecycle and delivery pages).
  for (const file of Object.keys(extract.snapshot.files)) documented.set(file, documented.get(file) ?? new Set());
  for (const page of extract.resourcePages ?? []) for (const entry of page.paths) add(page.file, entry.path);
  for (const entry of extract.permissions) add(entry.file, entry.heading);
  for (const entry of extract.examples) add(entry.file, entry.path);
  return [...documented.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, entries]) => {
      const missing = differences.filter((difference) => difference.file === file && difference.missingPath !== undefined);
      const without = [...entries].filter((entry) => missing.some((difference) => difference.missingPath === entry));
      const why = (entry: string) => missing.find((difference) => difference.missingPath === entry && difference.explainedBy)?.explainedBy;
      return {
        file,
        documented: entries.size,
        rows: entries.size - without.length,
        recorded: without.filter((entry) => why(entry) !== undefined).map((entry) => ({ path: entry, why: why(entry)! })),
        unexplained: without.filter((entry) => why(entry) === undefined),
      };
    });
}

function totals(coverage: readonly PageCoverage[]) {
  const sum = (pick: (page: PageCoverage) => number) => coverage.reduce((total, page) => total + pick(page), 0);
  const documented = sum((page) => page.documented);
  const accounted = sum((page) => page.rows + page.recorded.length);
  return { pages: coverage.length, documented, rows: sum((page) => page.rows), recorded: sum((page) => page.recorded.length), accounted, percent: documented === 0 ? 100 : (100 * accounted) / documented };
}

/** What rules:check prints: one line per page, then the total. */
export function formatCoverage(coverage: readonly PageCoverage[]): string {
  const lines = coverage.map(
    (page) =>
      `${page.file}: ${page.documented} documented, ${page.rows} a row, ${page.recorded.length} recorded difference(s)` +
      (page.unexplained.length > 0 ? `, ${page.unexplained.length} UNACCOUNTED: ${page.unexplained.join(", ")}` : ""),
  );
  const total = totals(coverage);
  lines.push(`coverage: ${total.accounted} of ${total.documented} documented paths accounted for (${total.percent.toFixed(1)}%) on ${total.pages} pages`);
  return lines.join("\n");
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderCoverage(coverage: readonly PageCoverage[], snapshot: CoverageInput["snapshot"]): string {
  const total = totals(coverage);
  const rows = coverage.map((page) => {
    const recorded = page.recorded.map((entry) => `\`${cell(entry.path)}\`: ${cell(entry.why)}`).join("<br>");
    const open = page.unexplained.map((entry) => `\`${cell(entry)}\``).join(", ");
    return `| \`${page.file}\` | ${page.documented} | ${page.rows} | ${page.recorded.length}${recorded ? `: ${recorded}` : ""} | ${open || "0"} |`;
  });
  return [
    "<!-- Generated by `npm run rules:check -- test/rules/docsPages --write`; do not edit. -->",
    "# Rule-table coverage of Graph's change-notification docs",
    "",
    `For every page \`rules:check\` reads (${snapshot.read}, ${snapshot.commit}), the documented resource paths (on the`,
    "API pages: the permission tables' scenarios and the Create pages' examples), and how each is accounted for: a row",
    "of the rule table (on at least one API version; version-specific differences are in `rules:check`'s list), or a",
    "recorded difference with its reason (`knownDifferences` in `scripts/rulesCheck.ts`, conflicts in",
    "[rule-table.md](rule-table.md)). Anything else is a defect: `rules:check` exits 1.",
    "",
    `**${total.accounted} of ${total.documented} documented paths accounted for (${total.percent.toFixed(1)}%)** on ${total.pages} pages: ${total.rows} rows, ${total.recorded} recorded differences.`,
    "",
    "| Page | Documented | A row | Recorded differences | Unaccounted |",
    "| --- | ---: | ---: | --- | ---: |",
    ...rows,
    "",
  ].join("\n");
}
