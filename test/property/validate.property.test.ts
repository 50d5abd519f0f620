import fc from "fast-check";
import { validateSubscription, type ValidationResult } from "../../provider/rules/validate";
import { runs, subscriptionInputs } from "./arbitraries";
import { leakedSecrets, messagesOf, mustBeInvalid, validationContext } from "./oracles";

// 5,000 cases: about a third of the 10,000+ that the property tests run in all (see arbitraries.ts for the seed).
describe("validateSubscription, on generated inputs", () => {
  it("never throws, never accepts what the oracles know is invalid, and never quotes a secret", () => {
    fc.assert(
      fc.property(subscriptionInputs, validationContext, (generated, ctx) => {
        let result: ValidationResult;
        try {
          result = validateSubscription(generated.inputs, ctx);
        } catch (error) {
          throw new Error(`validateSubscription threw: ${(error as Error)?.stack ?? String(error)}`);
        }
        expect(result.valid).toBe(result.failures.length === 0);
        for (const failure of result.failures) {
          expect(typeof failure.property).toBe("string");
          expect(typeof failure.reason).toBe("string");
          expect(failure.reason.length).toBeGreaterThan(0);
        }
        for (const warning of result.warnings) expect(typeof warning).toBe("string");

        const invalidBecause = mustBeInvalid(generated, ctx);
        if (invalidBecause.length > 0 && result.valid) throw new Error(`accepted although ${invalidBecause.join("; ")}`);
        expect(leakedSecrets(messagesOf(result), generated.secrets)).toEqual([]);
      }),
      runs(5_000),
    );
  });
});
