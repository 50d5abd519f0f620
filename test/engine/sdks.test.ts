/**
 * Issue 18 §3: the committed Python and Go SDKs are what pkg/v3's code generators make of the committed schema
 * (itself checked against the tables by test/native/packageSchema.test.ts). scripts/sdks.sh check builds gensdk
 * (tools/gensdk) when it is not cached, generates into a temporary directory and compares file by file.
 */
import * as path from "node:path";
import { repoRoot, runProcess } from "./harness";

it("sdk/python and sdk/go are what the committed schema generates (run npm run sdk when this fails)", async () => {
  const check = await runProcess("bash", [path.join(repoRoot, "scripts", "sdks.sh"), "check"], { cwd: repoRoot, env: process.env });
  expect({ code: check.code, output: check.output }).toEqual({ code: 0, output: expect.stringContaining("sdk/ is up to date with the tables") });
});
