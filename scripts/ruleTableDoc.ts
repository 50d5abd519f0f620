#!/usr/bin/env node
/**
 * Writes docs/rule-table.md from the rule table, so the reference a person reads is the table the
 * validator and the emulator enforce.
 *
 *   npm run rules:doc            # rewrite docs/rule-table.md
 *   npm run rules:doc -- --check # exit 1 when the committed file is stale
 *
 * test/rules/ruleTableDoc.test.ts fails when the committed file differs from what this renders.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { docsPages, type DocsPage } from "../provider/rules/docsPages";
import { ruleConflicts } from "../provider/rules/ruleConflicts";
import { paymentModelRules, ruleTable, type PermissionSet, type ResourceRule } from "../provider/rules/ruleTable";
import { apiVersions } from "../provider/vocabulary";
import { repoRoot } from "./pulumiProject";
import { knownDifferences } from "./rulesCheck";

export const ruleTableDocFile = path.join(repoRoot, "docs", "rule-table.md");

const escape = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

function permissionCell(rule: ResourceRule, column: keyof PermissionSet): string {
  const cell = rule.permissions[column];
  if (cell === null) return "—";
  const mark = (name: string) => (rule.resourceSpecificConsent.includes(name) ? `${name}*` : name);
  const also = rule.alsoAccepted?.[column] ?? [];
  return cell.map(mark).join(", ") + (also.length > 0 ? ` (also accepted: ${also.map(mark).join(", ")})` : "");
}

function lifetimeCell(rule: ResourceRule): string {
  const rich = rule.resourceData === "unsupported" ? "n/a" : String(rule.maxLifetimeWithResourceDataMinutes ?? rule.maxLifetimeMinutes);
  return `${rule.maxLifetimeMinutes} / ${rich}`;
}

function queryCell(rule: ResourceRule): string {
  const query = rule.query;
  if (!query) return "";
  const parts: string[] = [];
  for (const only of query.onlyWith ?? []) parts.push(`${code(only.parameter)} only with ${only.permissionTypes.join("/")}`);
  if (query.select?.rule === "requiredWithResourceData") parts.push(`${code("$select")} required with resource data`);
  if (query.select?.rule === "unsupported") parts.push(`no ${code("$select")}`);
  if (query.refusedWithResourceData) {
    const { parameters, selectProperties, expandAllowed } = query.refusedWithResourceData;
    parts.push(`with resource data no ${[...parameters, ...selectProperties.map((name) => `$select=${name}`)].map(code).join(", ")} (${code("$expand")} only of ${expandAllowed.join(", ")})`);
  }
  if (query.maxFilterIds) parts.push(`at most ${query.maxFilterIds.limit} ids in ${code("$filter")}`);
  if (query.notificationQueryOptions) {
    const { rule: need, example } = query.notificationQueryOptions;
    parts.push(`notificationQueryOptions ${need}${example ? ` (${code(example)})` : ""}`);
  }
  return parts.join("; ");
}

function sourceCell(rule: ResourceRule): string {
  return rule.checkedAgainst.map(({ source, dated }) => `${source.replace("https://learn.microsoft.com/en-us/graph/", "")} (${dated})`).join("<br>");
}

function row(rule: ResourceRule): string {
  const cells = [
    rule.resourceType,
    rule.paths.map(code).join("<br>"),
    permissionCell(rule, "delegatedWork"),
    permissionCell(rule, "delegatedPersonal"),
    permissionCell(rule, "application"),
    lifetimeCell(rule),
    (rule.changeTypes ?? ["created", "updated", "deleted"]).join(", "),
    rule.resourceData === "optional" ? "yes" : rule.resourceData === "required" ? "required" : "no",
    rule.lifecycleUrlRequiredAboveOneHour ? "above 60 min" : "optional",
    rule.paymentModels === "none" ? "—" : paymentModelRules.allowed[rule.paymentModels].join(", "),
    rule.clouds.length === 4 ? "all" : rule.clouds.join(", "),
    queryCell(rule),
    sourceCell(rule),
    rule.checkedOn,
    rule.seedView ?? "",
  ];
  return `| ${cells.map((cell) => escape(cell)).join(" | ")} |`;
}

/** The whole file; deterministic, so a test can compare it with the committed copy. */
export function renderRuleTable(): string {
  const header =
    "| Resource | Paths | Delegated (work) | Delegated (personal) | Application | Max lifetime, min (basic / with resource data) | Change types | Rich | Lifecycle URL | Payment models | Clouds | Query rules | Source (dated) | Checked on | Seeds say |";
  const divider = `|${" --- |".repeat(15)}`;
  const counts = apiVersions.map((version) => `${ruleTable.filter((rule) => rule.apiVersion === version).length} ${version} rows`).join(" and ");
  const pages = (Object.values(docsPages) as DocsPage[])
    .map((page) => `| ${page.url} | ${page.dated} | ${page.file ? code(page.file) : ""} |`)
    .join("\n");
  const sections = apiVersions.map((version) =>
    [`## ${version}`, "", header, divider, ...ruleTable.filter((rule) => rule.apiVersion === version).map(row), ""].join("\n"),
  );
  const conflicts = ruleConflicts.map((conflict, index) => `| ${index + 1} | ${escape(conflict.conflict)} | ${escape(conflict.resolution)} |`);
  const explained = knownDifferences.map(({ pattern, why }) => `| ${escape(code(pattern.source))} | ${escape(why)} |`);
  return [
    "<!-- Generated by scripts/ruleTableDoc.ts from provider/rules/ruleTable.ts; run `npm run rules:doc` after changing the table. -->",
    "",
    "# The rule table",
    "",
    `\`provider/rules/ruleTable.ts\` holds one row per documented change-notification scenario per API version: ${counts}.`,
    "The validator (`provider/rules/validate.ts`, `queryRules.ts`) and the emulator enforce it. Every row cites its sources;",
    "each source is printed with the date of the version the row was checked against (n.d. = the version read carries no date).",
    "Permissions marked `*` use resource-specific consent; `—` means the docs say *Not supported*. \"Seeds say\" shows where the",
    "seed documents (`../shared/seeds`) differ from the current docs this row follows; \"Checked on\" is the day the row was last",
    "compared with its sources.",
    "",
    "`test/rules/seedConformance.test.ts` checks every row against the seeds' permission tables (differences need a recorded",
    "override), and `npm run rules:check` compares the table with a checkout of the Graph docs (see the README,",
    "\"Keeping the rule table current\"); `npm run rules:check -- test/rules/docsPages` runs it on the pages kept in the",
    "repository, whose README names the version of each.",
    "",
    "## Pages checked",
    "",
    "| Page | Dated | File in microsoft-graph-docs-contrib |",
    "| --- | --- | --- |",
    pages,
    "",
    ...sections,
    "## Where sources conflict",
    "",
    "How the table decides where the sources disagree (`provider/rules/ruleConflicts.ts`).",
    "",
    "| # | Conflict | Resolution |",
    "| --- | --- | --- |",
    ...conflicts,
    "",
    "## Differences rules:check explains",
    "",
    "`npm run rules:check` prints every difference between the docs and the table; these patterns mark the ones a decision above explains",
    "(`knownDifferences` in `scripts/rulesCheck.ts`). Any other difference fails the check.",
    "",
    "| Difference (pattern) | Why |",
    "| --- | --- |",
    ...explained,
    "",
  ].join("\n");
}

function main(): void {
  const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
  const rendered = renderRuleTable();
  if (values.check) {
    const current = readFileSync(ruleTableDocFile, "utf8");
    if (current !== rendered) {
      console.error(`${path.relative(process.cwd(), ruleTableDocFile)} is stale; run npm run rules:doc`);
      process.exit(1);
    }
    console.log(`${path.relative(process.cwd(), ruleTableDocFile)} is current`);
    return;
  }
  writeFileSync(ruleTableDocFile, rendered);
  console.log(`wrote ${path.relative(process.cwd(), ruleTableDocFile)}`);
}

if (require.main === module) main();
