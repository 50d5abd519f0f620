import { parseArgs } from "node:util";
import { commands, run, type CommandName } from "../../cli/main";
import { parserOptions, type CommandSpec } from "../../cli/help";
import { runEmulatorCommand } from "../../emulator/command";

/** The command line's help, in-process through the function the program calls. */
async function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

/** Shell words of an example: 'single-quoted' text is one word, as a POSIX shell reads it. */
function words(commandLine: string): string[] {
  return [...commandLine.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2]!);
}

const table = Object.entries(commands) as Array<[CommandName, CommandSpec]>;

describe("msgraph-subscriptions --help", () => {
  it.each([["--help"], ["-h"], ["help"]])("%s lists every command with its usage line, summary and an example, and exits 0", async (flag) => {
    const { code, stdout, stderr } = await cli(flag);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    for (const [name, spec] of table) {
      expect(stdout).toContain(`  msgraph-subscriptions ${name} ${spec.synopsis}\n`);
      expect(stdout.replace(/\s+/g, " ")).toContain(`${name} ${spec.summary}`);
    }
    expect(stdout).toContain("-h, --help");
    expect(stdout).toMatch(/Exit codes:\n {2}0 {2}success\n {2}1 {2}.+\n {2}2 {2}usage error\n/);
    for (const [, spec] of table) expect(stdout).toContain(`  ${spec.examples[0]}\n`);
  });
});

describe.each(table)("msgraph-subscriptions %s --help", (name, spec) => {
  it.each([["--help"], ["-h"]])("prints usage, every option, the exit codes and an example on stdout, and exits 0 (%s)", async (flag) => {
    const { code, stdout, stderr } = await cli(name, flag);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain(`Usage:\n  msgraph-subscriptions ${name} ${spec.synopsis}\n`);
    const options = stdout.slice(stdout.indexOf("Options:"), stdout.indexOf("\n\n", stdout.indexOf("Options:")));
    for (const flagName of Object.keys(spec.options)) expect(options).toMatch(new RegExp(`\\n {2}--${flagName}\\b`));
    expect(options).toContain("-h, --help");
    expect(stdout).toMatch(/Exit codes:\n {2}0 {2}\S.*\n(?: {5}.*\n)* {2}1 {2}\S.*\n(?: {5}.*\n)* {2}2 {2}Usage error/);
    expect(stdout).toMatch(/\nExamples?:\n/);
    for (const example of spec.examples) expect(stdout).toContain(`  ${example}\n`);
  });

  it("prints the same text for `help " + name + "`", async () => {
    expect((await cli("help", name)).stdout).toBe((await cli(name, "--help")).stdout);
  });

  it("shows help when --help follows other arguments, and runs nothing", async () => {
    const { code, stdout } = await cli(name, "--api-version", "beta", "some-id", "--help");
    expect(code).toBe(0);
    expect(stdout).toContain(`msgraph-subscriptions ${name}: `);
  });

  it("exits 2 with its usage line on stderr for an unknown option", async () => {
    const { code, stdout, stderr } = await cli(name, "--colour", "blue");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("msgraph-subscriptions: Unknown option '--colour'");
    expect(stderr).toContain(`Usage:\n  msgraph-subscriptions ${name} ${spec.synopsis}\n`);
    expect(stderr).toContain(`Run 'msgraph-subscriptions ${name} --help'`);
  });

  it("has examples that its own parser accepts", () => {
    for (const example of spec.examples) {
      const [program, command, ...args] = words(example);
      expect([program, command]).toEqual(["msgraph-subscriptions", name]);
      const { positionals } = parseArgs({ args, options: parserOptions(spec), strict: true, allowPositionals: spec.arguments !== undefined });
      expect(positionals).toHaveLength(Object.keys(spec.arguments ?? {}).length);
    }
  });
});

describe("help that must stay true", () => {
  it("validate's example exits 0 as shown", async () => {
    for (const example of commands.validate.examples) {
      const [, ...argv] = words(example);
      const { code, stdout } = await cli(...argv);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ valid: true, failures: [] });
    }
  });

  it("the emulator entry lists exactly the flags the emulator command accepts", async () => {
    let ownUsage = "";
    expect(await runEmulatorCommand(["--help"], { stdout: { write: (text: string) => (ownUsage += text) } })).toBe(0);
    const accepted = [...ownUsage.matchAll(/--([a-z-]+)/g)].map((match) => match[1]).sort();
    expect(Object.keys(commands.emulator.options).sort()).toEqual(accepted);
  });
});

describe("usage errors keep exit code 2", () => {
  it.each([
    ["no command", []],
    ["an unknown command", ["status-of-everything"]],
    ["help for an unknown command", ["help", "nope"]],
    ["reauthorize without an id", ["reauthorize"]],
    ["delete with two ids", ["delete", "a", "b"]],
    ["delete with an unknown API version", ["delete", "a", "--api-version", "v2"]],
    ["validate with a positional argument", ["validate", "--args", "{}", "extra"]],
    ["emulator with a positional argument", ["emulator", "8443"]],
  ])("for %s, with a usage on stderr and nothing on stdout", async (_name, argv) => {
    const { code, stdout, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("Usage:");
  });
});
