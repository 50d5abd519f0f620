import * as fs from "node:fs";
import * as path from "node:path";
import { runPulumiJson } from "./stackState";

/**
 * A stack on the file backend that no command can load: `error: failed to load checkpoint: EOF`. The backend
 * (gocloud's fileblob) keeps each state file's metadata in a `.attrs` sidecar that it rewrites in place, not
 * atomically; a run killed at that moment leaves the sidecar empty, and every later command (`cancel`,
 * `stack export`, `up`) stops at it. The state file itself is written to a temporary file and renamed, so it
 * is whole: moving the empty sidecar aside is the whole repair. `?metadata=skip` on the backend URL writes no
 * sidecar at all.
 */

/** What the CLI prints when the sidecar is empty or cut short. */
export const damagedCheckpointMessage = /failed to load checkpoint: (EOF|unexpected end of JSON input)/;

export interface DamagedCheckpoint {
  /** The backend's directory (file://…, query left out). */
  backendDir: string;
  /** The sidecars that cannot be read: empty or not JSON. */
  sidecars: string[];
}

/** The file backend's directory, from PULUMI_BACKEND_URL or the CLI's login; undefined for another backend. */
export async function fileBackendDir(cwd?: string): Promise<string | undefined> {
  const url = process.env.PULUMI_BACKEND_URL || ((await runPulumiJson(["whoami", "--json"], cwd).catch(() => undefined)) as { url?: string } | undefined)?.url;
  if (!url?.startsWith("file://")) return undefined;
  const dir = decodeURIComponent(url.slice("file://".length).split("?")[0]!);
  // file://~ is the CLI's home directory.
  return dir === "~" || dir.startsWith("~/") ? path.join(process.env.HOME ?? "", dir.slice(1)) : dir;
}

/** The project's name, from the Pulumi.yaml in `cwd`. */
function projectName(cwd: string): string | undefined {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((name) => path.join(cwd, name)).find((candidate) => fs.existsSync(candidate));
  return file ? /^name:\s*["']?([^"'\s#]+)/m.exec(fs.readFileSync(file, "utf8"))?.[1] : undefined;
}

const readable = (file: string) => {
  try {
    JSON.parse(fs.readFileSync(file, "utf8"));
    return true;
  } catch {
    return false;
  }
};

/**
 * The damaged sidecars of a project's stacks (of `stack` alone when named): `<dir>/.pulumi/stacks/<project>/<stack>.json.attrs`,
 * or the layout without projects, `<dir>/.pulumi/stacks/<stack>.json.attrs`.
 */
export async function findDamagedCheckpoint(cwd: string, stack?: string): Promise<DamagedCheckpoint | undefined> {
  const backendDir = await fileBackendDir(cwd);
  if (!backendDir) return undefined;
  const project = projectName(cwd);
  const folders = [project ? path.join(backendDir, ".pulumi", "stacks", project) : undefined, path.join(backendDir, ".pulumi", "stacks")].filter(
    (folder): folder is string => folder !== undefined && fs.existsSync(folder),
  );
  const wanted = stack?.split("/").pop();
  const sidecars = folders.flatMap((folder) =>
    fs
      .readdirSync(folder)
      .filter((name) => /\.json\.attrs$/.test(name) && (!wanted || name === `${wanted}.json.attrs`))
      .map((name) => path.join(folder, name))
      .filter((file) => !readable(file)),
  );
  return sidecars.length > 0 ? { backendDir, sidecars } : undefined;
}

/** Moves each damaged sidecar aside, next to itself, and says where; nothing is deleted. */
export function moveSidecarsAside(damaged: DamagedCheckpoint, now = new Date()): { from: string; to: string }[] {
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  return damaged.sidecars.map((from) => {
    const to = `${from}.damaged-${stamp}`;
    fs.renameSync(from, to);
    return { from, to };
  });
}

/** The line doctor prints: the damaged file, why, and the exact repair. */
export function describeDamage(damaged: DamagedCheckpoint): string {
  const files = damaged.sidecars.map((file) => `'${file}'`).join(", ");
  const moves = damaged.sidecars.map((file) => `mv '${file}' '${file}.damaged'`).join(" && ");
  return (
    `state: the stack cannot be loaded (failed to load checkpoint: EOF): the file backend's metadata sidecar ${files} is empty or cut short, ` +
    `as a run killed while writing it leaves it; the state file beside it is whole. ` +
    `Fix: msgraph-subscriptions doctor --repair-state (moves the sidecar aside, keeping it), or by hand: ${moves}; ` +
    `then pulumi cancel --yes and pulumi up --refresh, which finds what the killed run created. ` +
    `To prevent it, use PULUMI_BACKEND_URL=file://${damaged.backendDir}?metadata=skip (no sidecars)`
  );
}
