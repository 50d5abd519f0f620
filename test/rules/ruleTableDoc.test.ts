import { readFileSync } from "node:fs";
import { renderRuleTable, ruleTableDocFile } from "../../scripts/ruleTableDoc";
import { ruleTable } from "../../provider/rules/ruleTable";

describe("docs/rule-table.md", () => {
  it("is generated from the rule table and current (regenerate: npm run rules:doc)", () => {
    expect(readFileSync(ruleTableDocFile, "utf8")).toBe(renderRuleTable());
  });

  it("prints one line per row, with each row's sources and their dates", () => {
    const text = renderRuleTable();
    for (const rule of ruleTable) expect(text).toContain(`| ${rule.resourceType} | \`${rule.paths[0]!.replace(/\|/g, "\\|")}\``);
    expect(text).toContain("change-notifications-with-resource-data (2026-04-17)");
    expect(text).toContain("beta only (seed 004)");
  });
});
