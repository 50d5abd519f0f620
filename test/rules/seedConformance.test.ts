import { existsSync, readFileSync } from "node:fs";
import { ruleTable, type PermissionColumn, type ResourceRule } from "../../provider/rules/ruleTable";
import { columns, defaultExtractFile, defaultSeedsDir, parseSeedDirectory, serializeSeeds, type Cell, type Seed, type SeedScenario } from "../../scripts/seedPermissions";

/**
 * Checks each scenario of every seed page's permission table against the rule table for the page's API
 * version. A difference passes only when the row records it as a deliberate override of that very
 * source, with what the source says.
 *
 * The scenarios come from test/rules/seedPermissions.json, extracted from the seed documents by
 * scripts/seedPermissions.ts, so a clone without the documents runs these tests too. Where the documents
 * are present (../shared/seeds, as in CI), the extract must also be current.
 */

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

/** The row of another API version that records this source's scenario as one the table withdraws from the source's version. */
function withdrawnBy(seed: Seed, scenario: SeedScenario): ResourceRule | undefined {
  const key = scenarioKey(scenario.heading);
  return ruleTable.find(
    (rule) =>
      rule.documentedAs.some((name) => scenarioKey(name) === key) &&
      rule.overrides?.some((o) => o.source === seed.source && o.column === "version" && o.documented === seed.apiVersion),
  );
}

const seeds: Seed[] = JSON.parse(readFileSync(defaultExtractFile, "utf8"));

describe("the committed extract of the seed documents", () => {
  if (existsSync(defaultSeedsDir)) {
    it("is current with the documents in ../shared/seeds (regenerate: node dist/scripts/seedPermissions.js)", () => {
      expect(serializeSeeds(parseSeedDirectory(defaultSeedsDir))).toBe(readFileSync(defaultExtractFile, "utf8"));
    });
  }
});

describe("seed conformance", () => {
  it("has every seed page and a permission table with scenarios in each", () => {
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

  it.each(cases)("%s lists '%s', which the table has for the page's API version, or withdraws on record", (_source, _heading, seed, scenario) => {
    const withdrawn = withdrawnBy(seed, scenario);
    if (withdrawn) return expect(rowFor(seed, scenario)).toBeUndefined();
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
