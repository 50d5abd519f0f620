import fc from "fast-check";
import { run } from "../../cli/main";
import { apiVersions, clouds, permissionTypes } from "../../provider/vocabulary";
import { hostileString, runs, subscriptionInputs, type GeneratedInputs } from "./arbitraries";
import { knownProblems, leakedSecrets } from "./oracles";

/** The --args text: the generated inputs as JSON, or that JSON cut short or with a character replaced. */
function argsText(generated: GeneratedInputs): fc.Arbitrary<{ text: string; intact: boolean }> {
  // BigInt has no JSON form; a program could not pass one anyway.
  const json = JSON.stringify(generated.inputs, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value));
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant({ text: json, intact: true }) },
    { weight: 1, arbitrary: fc.nat().map((at) => ({ text: json.slice(0, at % (json.length + 1)), intact: false })) },
    { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom("}", '"', ",", "\\", "\u0000")).map(([at, c]) => ({ text: json.slice(0, at % json.length) + c + json.slice((at % json.length) + 1), intact: false })) },
    { weight: 1, arbitrary: hostileString.map((text) => ({ text, intact: false })) },
  );
}

const flagValue = <T extends string>(values: readonly T[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: hostileString });

/**
 * A command line for `validate`: --args in either form (or misplaced: as a positional, or as another
 * flag's value), the optional flags with good or bad values, unknown flags, "--", flags without values,
 * in any order. Commands that reach Graph or start servers (reauthorize, delete, emulator) are never generated.
 */
const commandLine = subscriptionInputs.chain((generated) =>
  fc
    .record({
      command: fc.oneof({ weight: 12, arbitrary: fc.constant("validate") }, { weight: 1, arbitrary: fc.constantFrom("help", "--help", "", "validat", "VALIDATE") }),
      args: argsText(generated),
      argsForm: fc.constantFrom("separate", "separate", "separate", "equals", "positional", "as --cloud", "missing"),
      options: fc.array(
        fc.oneof(
          flagValue(apiVersions).map((value) => ["--api-version", value]),
          flagValue(clouds).map((value) => ["--cloud", value]),
          flagValue(permissionTypes).map((value) => ["--permission-type", value]),
          fc.constantFrom(["--colour", "blue"], ["--"], ["-x"], ["--cloud"], ["--args"], ["positional"], ["--help"]),
        ),
        { maxLength: 3 },
      ),
    })
    .map(({ command, args, argsForm, options }) => {
      const argsTokens =
        argsForm === "separate" ? ["--args", args.text]
        : argsForm === "equals" ? [`--args=${args.text}`]
        : argsForm === "positional" ? [args.text]
        : argsForm === "as --cloud" ? ["--cloud", args.text]
        : [];
      const clean = command === "validate" && (argsForm === "separate" || argsForm === "equals") && args.intact && options.every(([flag]) => flag === "--api-version");
      return { argv: [command, ...argsTokens, ...options.flat()], generated, args, clean };
    }),
);

describe("msgraph-subscriptions validate, on generated command lines", () => {
  // 2,000 cases, in-process through run() (see arbitraries.ts for the seed and how to replay one).
  it("always exits 0, 1 or 2 with the documented output, and never prints a secret", async () => {
    await fc.assert(
      fc.asyncProperty(commandLine, async ({ argv, generated, args, clean }) => {
        let stdout = "";
        let stderr = "";
        const code = await run(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
        expect([0, 1, 2]).toContain(code);
        const helped = stdout.startsWith("msgraph-subscriptions validate: ");
        if (helped) {
          // --help wins wherever it is a flag rather than another flag's value; it is never shown otherwise.
          expect(argv).toContain("--help");
          expect(code).toBe(0);
          expect(stderr).toBe("");
        } else if (code === 2) {
          expect(stdout).toBe("");
          expect(stderr).toContain("Usage:");
        } else if (argv[0] === "validate") {
          expect(stdout.endsWith("\n") && stdout.indexOf("\n") === stdout.length - 1).toBe(true);
          const printed = JSON.parse(stdout) as { valid: boolean };
          expect(printed.valid).toBe(code === 0);
          expect(stderr).toBe("");
        }
        if (code === 0 && clean && !helped) {
          const apiVersionFlag = argv[argv.lastIndexOf("--api-version") + 1];
          const apiVersion = apiVersions.find((version) => version === apiVersionFlag) ?? "v1.0";
          const problems = knownProblems(JSON.parse(args.text) as Record<string, unknown>, { apiVersion });
          if (problems.length > 0) throw new Error(`validate exited 0 although ${problems.join("; ")}`);
        }
        expect(leakedSecrets(stdout + stderr, generated.secrets)).toEqual([]);
      }),
      runs(2_000),
    );
  });
});
