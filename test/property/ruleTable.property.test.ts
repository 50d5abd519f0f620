import fc from "fast-check";
import { matchRules } from "../../provider/rules/resourcePath";
import { permissionColumnOf, ruleTable, type ResourceRule } from "../../provider/rules/ruleTable";
import { validateSubscription } from "../../provider/rules/validate";
import { clouds, permissionTypes } from "../../provider/vocabulary";
import { runs } from "./arbitraries";

/**
 * Every path of every row, filled in with generated ids (Teams' `19:...@thread.v2`, GUIDs, UPNs), must find
 * its own row, on every API version and in every cloud the row claims, and no other row at the same
 * specificity unless the two are told apart by permission type (driveItem on personal and business OneDrive).
 */
const segmentId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9:@._-]{0,40}$/);

/** One concrete resource for a template: every `{…}` an id of its own. */
function concrete(template: string, ids: readonly string[]): string {
  let next = 0;
  return template.replace(/\{[^}]*\}/g, () => ids[next++ % ids.length]!);
}

const rowsAndPaths = ruleTable.flatMap((rule) => rule.paths.map((template) => ({ rule, template })));
const aPath = fc.record({
  at: fc.constantFrom(...rowsAndPaths),
  ids: fc.array(segmentId, { minLength: 1, maxLength: 4 }),
});

/** The permission types a row supports. Two rows a path reaches at once must not share one. */
const typesOf = (rule: ResourceRule) => permissionTypes.filter((type) => rule.permissions[permissionColumnOf[type]] !== null);

/** Inputs that satisfy everything but the path, so only the path can make `resource` fail. */
function inputsFor(rule: ResourceRule, resource: string): Record<string, unknown> {
  return {
    resource,
    changeType: (rule.changeTypes ?? ["updated"])[0],
    notificationUrl: "https://example.com/hook",
    lifecycleNotificationUrl: "https://example.com/lifecycle",
    lifetimeMinutes: 50,
    ...(rule.query?.notificationQueryOptions?.rule === "required" ? { notificationQueryOptions: rule.query.notificationQueryOptions.example } : {}),
    // Where Graph sends only rich notifications (emergency calls), the certificate that goes with them.
    ...(rule.resourceData === "required" ? { includeResourceData: true, encryptionCertificate: "MIIB", encryptionCertificateId: "cert-1" } : {}),
  };
}

describe("the rule table, on generated ids in every row's paths", () => {
  it("matches each path to its own row, and to another only when permission types tell them apart", () => {
    fc.assert(
      fc.property(aPath, ({ at: { rule, template }, ids }) => {
        const resource = concrete(template, ids);
        const found = matchRules(resource, rule.apiVersion).map((match) => match.rule);
        expect(found.map((row) => row.id)).toContain(rule.id);
        for (const other of found.filter((row) => row !== rule)) {
          const shared = typesOf(other).filter((type) => typesOf(rule).includes(type));
          if (shared.length > 0) throw new Error(`'${resource}' reaches ${rule.id} and ${other.id}, which both take ${shared.join(", ")} permissions`);
        }
      }),
      runs(3_000),
    );
  });

  it("accepts each path in every cloud the row claims, and refuses it by name in every other", () => {
    fc.assert(
      fc.property(aPath, ({ at: { rule, template }, ids }) => {
        const resource = concrete(template, ids);
        for (const cloud of clouds) {
          // me/ needs a signed-in user: a delegated type, where the row takes one.
          const permissionType = typesOf(rule).find((type) => !template.startsWith("me/") || type !== "application");
          const result = validateSubscription(inputsFor(rule, resource), { apiVersion: rule.apiVersion, cloud, permissionType });
          const resourceFailures = result.failures.filter((failure) => failure.property === "resource").map((failure) => failure.reason);
          if (rule.clouds.includes(cloud)) expect(resourceFailures).toEqual([]);
          else expect(resourceFailures).toEqual([expect.stringContaining(`available only in the ${rule.clouds.join(", ")} cloud`)]);
        }
      }),
      runs(1_500),
    );
  });

  it("gives every row a path, and every documented path to exactly the versions the row claims", () => {
    for (const rule of ruleTable) {
      expect(rule.paths.length).toBeGreaterThan(0);
      const resource = concrete(rule.paths[0]!, ["x1"]);
      const elsewhere = ruleTable.filter((other) => other.apiVersion !== rule.apiVersion && other.resourceType === rule.resourceType && other.paths.includes(rule.paths[0]!));
      for (const other of elsewhere) expect(matchRules(resource, other.apiVersion).map((match) => match.rule.id)).toContain(other.id);
    }
  });
});
