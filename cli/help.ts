import type { ParseArgsConfig } from "node:util";

/**
 * What `--help` shows, as data: one `CommandSpec` per command (cli/main.ts, `commands`), rendered the same
 * way for every command. The options drive both the help text and the parser, so a flag cannot be
 * accepted without being documented, or documented without being accepted.
 */

export const programName = "msgraph-subscriptions";

/** Exit codes shared by every command; scripts and monitors depend on them. */
export const exitCode = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof exitCode)[keyof typeof exitCode];

/** Where a command writes; the process's streams unless a test passes its own. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface OptionSpec {
  type: "string" | "boolean";
  /** The value's placeholder in help, e.g. `N` in `--port N`; string options only. */
  value?: string;
  description: string;
}

/** A command line as parsed against the command's options. */
export interface ParsedCommandLine {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** The arguments as given, for commands that hand them on. */
  args: string[];
}

export interface CommandSpec {
  /** One sentence: the overview's line for the command and the first line of its help. */
  summary: string;
  /** What follows the command name in the usage line, e.g. `<subscription-id> [options]`. */
  synopsis: string;
  /** Positional arguments by placeholder; a command without any accepts none. */
  arguments?: Readonly<Record<string, string>>;
  /** By flag name without the dashes. `help` (-h) is added to every command. */
  options: Readonly<Record<string, OptionSpec>>;
  /** Paragraphs after the options: output format, settings read. */
  notes?: readonly string[];
  /** What each exit code means for this command. */
  exitCodes: Readonly<Record<ExitCode, string>>;
  /** Complete command lines, each runnable as shown (after filling in ids). */
  examples: readonly string[];
  run(commandLine: ParsedCommandLine, out: CliOutput): Promise<number>;
}

/** A usage error: exit code 2 and the command's usage line. */
export class UsageError extends Error {}

const helpOption: OptionSpec = { type: "boolean", description: "Show this help and exit." };

export function parserOptions(spec: CommandSpec): NonNullable<ParseArgsConfig["options"]> {
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, option] of Object.entries(spec.options)) options[name] = { type: option.type };
  options.help = { type: "boolean", short: "h" };
  return options;
}

/** The usage lines: the command's and a pointer to its full help. */
export function renderUsage(name: string, spec: CommandSpec): string {
  return `Usage:\n  ${programName} ${name} ${spec.synopsis}\n\nRun '${programName} ${name} --help' for its options, exit codes and an example.\n`;
}

export function renderCommandHelp(name: string, spec: CommandSpec): string {
  const options = Object.entries(spec.options).map(([flag, option]): [string, string] => [
    `--${flag}${option.type === "string" && option.value ? ` ${option.value}` : ""}`,
    option.description,
  ]);
  options.push(["-h, --help", helpOption.description]);
  const sections = [
    wrap(`${programName} ${name}: ${spec.summary}`, width),
    `Usage:\n  ${programName} ${name} ${spec.synopsis}`,
    ...(spec.arguments ? [`Arguments:\n${table(Object.entries(spec.arguments))}`] : []),
    `Options:\n${table(options)}`,
    ...(spec.notes ?? []).map((note) => wrap(note, width)),
    `Exit codes:\n${table(Object.entries(spec.exitCodes))}`,
    `${spec.examples.length > 1 ? "Examples" : "Example"}:\n${spec.examples.map((example) => `  ${example}`).join("\n")}`,
  ];
  return `${sections.join("\n\n")}\n`;
}

export function renderOverview(commands: Readonly<Record<string, CommandSpec>>): string {
  const names = Object.keys(commands);
  return [
    `${programName}: Microsoft Graph change-notification subscriptions from the command line.`,
    `Usage:\n${names.map((name) => `  ${programName} ${name} ${commands[name]!.synopsis}`).join("\n")}`,
    `Commands:\n${table(names.map((name) => [name, commands[name]!.summary]))}`,
    `Options:\n${table([["-h, --help", "Show this help and exit. After a command: that command's options, exit codes and examples."]])}`,
    `Exit codes:\n${table(Object.entries({ [exitCode.ok]: "success", [exitCode.failed]: "the command ran and failed (invalid inputs, a Graph error)", [exitCode.usage]: "usage error" }))}`,
    `Examples:\n${names.map((name) => `  ${commands[name]!.examples[0]}`).join("\n")}`,
  ].join("\n\n") + "\n";
}

const width = 100;

/** Two columns: terms padded to the longest, descriptions wrapped under themselves. */
function table(rows: ReadonlyArray<readonly [string, string]>): string {
  const termWidth = Math.max(...rows.map(([term]) => term.length)) + 2;
  return rows
    .map(([term, description]) => {
      const lines = wrap(description, width - 2 - termWidth).split("\n");
      return lines.map((line, index) => `  ${(index === 0 ? term : "").padEnd(termWidth)}${line}`.trimEnd()).join("\n");
    })
    .join("\n");
}

/** Greedy word wrap; a word longer than the width (a URL, a JSON example) keeps its own line. */
function wrap(text: string, columns: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join("\n");
}
