/**
 * Reads the V8 CPU profiles that `npm run bench -- --cpu-prof DIR` leaves and prints where each process's
 * time went: self time by package (or by file, within this package) and the heaviest functions.
 *
 *   node dist/scripts/profileSummary.js DIR [--top 25]
 *
 * Profiles are the chunks scripts/cpuProfileHook.ts writes, added up per process. A process that ran
 * Pulumi's dynamic-provider host is labelled so; one that ran the Pulumi program's entry is "program".
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code comes from: an npm package, this package's own module, node itself, or V8. */
function origin(url: string): string {
  if (url === "") return "(v8: gc, idle, program)";
  if (url.startsWith("node:")) return "node:internal";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    const name = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    if (name === "pulumi-msgraph-subscriptions") return `ours: ${rest.slice(1).join("/")}`;
    return name;
  }
  return url.replace(/^file:\/\//, "");
}

/** One process's profile chunks, added up. */
function summarize(label: string, files: string[], top: number): string {
  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, micros: number) => map.set(key, (map.get(key) ?? 0) + micros);
  let wall = 0;
  let loadsOurProvider = false;
  let runsProgram = false;
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
    wall += profile.endTime - profile.startTime;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName === "(idle)") return;
      const micros = profile.timeDeltas[i] ?? 0;
      const where = origin(frame.url);
      add(byOrigin, where, micros);
      add(byFunction, `${frame.functionName || "(anonymous)"} ${where}:${frame.lineNumber + 1}`, micros);
    });
    for (const node of profile.nodes) {
      loadsOurProvider ||= node.callFrame.url.includes("dynamic-provider");
      runsProgram ||= node.callFrame.url.includes("cmd/run/");
    }
  }
  const busy = [...byOrigin.values()].reduce((a, b) => a + b, 0);
  const role = loadsOurProvider ? "dynamic-provider host" : runsProgram ? "program" : "other node process";
  const ms = (micros: number) => `${(micros / 1000).toFixed(0).padStart(7)} ms`;
  const rank = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `${label} (${role}): profiled ${ms(wall)}, busy ${ms(busy)}`,
    "  self time by origin:",
    ...rank(byOrigin).map(([name, micros]) => `  ${ms(micros)}  ${name}`),
    "  heaviest functions (self):",
    ...rank(byFunction).map(([name, micros]) => `  ${ms(micros)}  ${name}`),
    "",
  ].join("\n");
}

/** The profile chunks under a directory, grouped by directory and process id. */
function processes(dir: string): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      const chunk = /^CPU\.(\d+)\.\d+\.cpuprofile$/.exec(entry.name);
      if (entry.isDirectory()) walk(full);
      else if (chunk) {
        const key = `${path.relative(dir, at) || "."} pid ${chunk[1]}`;
        grouped.set(key, [...(grouped.get(key) ?? []), full]);
      }
    }
  };
  walk(dir);
  return grouped;
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "25" } } });
  if (positionals.length !== 1) {
    process.stderr.write("usage: profileSummary DIR [--top N]\n");
    process.exit(2);
  }
  const grouped = processes(positionals[0]!);
  for (const key of [...grouped.keys()].sort()) process.stdout.write(summarize(key, grouped.get(key)!, Number(values.top)));
}

main();
