import { spawn } from "node:child_process";
import { redact } from "../provider/redaction";
import type { SubscriptionState } from "../provider/subscription/state";

/**
 * A stack's Subscription resources (of either front) and its msgraph:* (or msgraph-subscriptions:*) config, read through the `pulumi` CLI on PATH
 * (`pulumi stack export`, `pulumi config --json`), for `status` and `doctor`. Reading works without the
 * stack's passphrase: secrets stay encrypted unless `showSecrets` asks the CLI to decrypt them, and an
 * encrypted value is named in `encrypted` rather than guessed at.
 */

export interface StackLocation {
  /** Default: the stack selected in `cwd`. */
  stack?: string;
  /** The Pulumi project's directory; default: the current directory. */
  cwd?: string;
  /** Decrypt secrets (needs the stack's passphrase or Pulumi Cloud access, as `pulumi up` does). */
  showSecrets?: boolean;
}

export interface StackSubscription {
  /** The resource's name in the program. */
  name: string;
  urn: string;
  /** Graph's subscription id. */
  id: string;
  state: SubscriptionState;
  /** Properties whose value is encrypted in the state: top-level names, or `connection.clientSecret`. */
  encrypted: string[];
}

export interface StackContents {
  /** The stack's config value for a key such as `msgraph:endpoint`; undefined when unset or encrypted. */
  config: (key: string) => string | undefined;
  subscriptions: StackSubscription[];
  /** How many Subscription resources (not subscriptions of a set) the stack has: what the engine's cost grows with. */
  subscriptionResources: number;
}

/**
 * The type tokens of a Subscription: the dynamic resource's (dynamic/resource.ts: module "msgraph", type
 * "Subscription") and the native provider's. Both store the same state.
 */
export const subscriptionTypes: readonly string[] = ["pulumi-nodejs:dynamic/msgraph:Subscription", "msgraph-subscriptions:index:Subscription"];
/** A SubscriptionSet's, whose subscriptions are listed one by one as `<set>[<resource path>]`. */
export const subscriptionSetTypes: readonly string[] = ["pulumi-nodejs:dynamic/msgraph:SubscriptionSet", "msgraph-subscriptions:index:SubscriptionSet"];

/** What an encrypted string reads as; `encrypted` says which values these are. */
export const encryptedPlaceholder = "[secret]";

/** The key and value Pulumi marks a secret with in exported state (sdk/go/common/resource/sig). */
const secretSignatureKey = "4dabf18193072939515e22adb298388d";
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

export async function readStack(location: StackLocation): Promise<StackContents> {
  const flags = [...(location.stack ? ["--stack", location.stack] : []), ...(location.showSecrets ? ["--show-secrets"] : []), "--non-interactive"];
  // One after the other, so that a stack that cannot be read fails with the export's message.
  const exported = await runPulumiJson(["stack", "export", ...flags], location.cwd);
  const config = await runPulumiJson(["config", "--json", ...flags], location.cwd);
  const { parseState } = await import("../provider/subscription/state");
  const values = config as Record<string, { value?: unknown }>;
  const value = (key: string) => (typeof values[key]?.value === "string" ? (values[key].value as string) : undefined);
  // The dynamic resource's msgraph:* keys, else the native provider's msgraph-subscriptions:* (same names).
  const lookup = (key: string) => value(key) ?? value(key.replace(/^msgraph:/, "msgraph-subscriptions:"));
  // What the provider assumes for states that predate graphApiVersion: the stack's configured version.
  const configuredVersion = (lookup("msgraph:apiVersion") ?? process.env.MSGRAPH_API_VERSION) === "beta" ? "beta" : "v1.0";
  const resources = ((exported as { deployment?: { resources?: unknown[] } }).deployment?.resources ?? []) as ExportedResource[];
  const { itemsOf, itemProps } = await import("../provider/subscriptionSet/items");
  const live = (resource: ExportedResource) => typeof resource.id === "string" && resource.id !== "" && !resource.delete;
  // Each subscription of a set, as the set's provider sees it: the set's shared inputs under the item's own state.
  const setItems = resources
    .filter((resource) => subscriptionSetTypes.includes(resource.type) && live(resource))
    .flatMap((resource) => {
      const encrypted: string[] = [];
      const outputs = revealed(resource.outputs ?? {}, [], encrypted) as Record<string, unknown>;
      const setName = resource.urn.split("::").pop() ?? resource.urn;
      return [...itemsOf(outputs).values()].map((item): StackSubscription => {
        const name = `${setName}[${item.resource}]`;
        try {
          return { name, urn: resource.urn, id: item.id, state: parseState(itemProps(outputs, item), configuredVersion), encrypted };
        } catch (error) {
          throw new Error(`SubscriptionSet '${name}': ${(error as Error).message}`);
        }
      });
    });
  const subscriptions = resources
    // A resource marked `delete` is the old half of a replacement that the next update deletes.
    .filter((resource) => subscriptionTypes.includes(resource.type) && live(resource))
    .map((resource): StackSubscription => {
      const encrypted: string[] = [];
      const outputs = revealed(resource.outputs ?? {}, [], encrypted) as Record<string, unknown>;
      const name = resource.urn.split("::").pop() ?? resource.urn;
      try {
        return { name, urn: resource.urn, id: resource.id!, state: parseState(outputs, configuredVersion), encrypted };
      } catch (error) {
        throw new Error(`Subscription '${name}': ${(error as Error).message}`);
      }
    });
  return { config: lookup, subscriptions: [...subscriptions, ...setItems], subscriptionResources: subscriptions.length };
}

interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  delete?: boolean;
  outputs?: Record<string, unknown>;
}

/** Secrets replaced by their value when the CLI decrypted them, else by the placeholder, with their paths noted. */
function revealed(value: unknown, path: string[], encrypted: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => revealed(item, [...path, String(index)], encrypted));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[secretSignatureKey] === secretSignature) {
    if (typeof record.plaintext === "string") return revealed(JSON.parse(record.plaintext), path, encrypted);
    encrypted.push(path.join("."));
    return encryptedPlaceholder;
  }
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, revealed(item, [...path, key], encrypted)]));
}

/** Runs `pulumi <args>` and parses its JSON output; a failure says what pulumi said. */
export function runPulumiJson(args: string[], cwd: string | undefined): Promise<unknown> {
  const command = `pulumi ${args.filter((arg) => arg !== "--non-interactive").join(" ")}`;
  return new Promise((resolve, reject) => {
    // The environment is passed on as is: PULUMI_BACKEND_URL, the passphrase and PATH decide what pulumi reads.
    const child = spawn("pulumi", [...args, ...(cwd ? ["--cwd", cwd] : [])], { env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "ENOENT"
            ? "the pulumi CLI is not on PATH; install it (https://www.pulumi.com/docs/install/), or run this where pulumi up runs"
            : `could not run ${command}: ${error.message}`,
        ),
      ),
    );
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${command} failed (exit ${code}): ${redact(stderr.trim() || stdout.trim()) || "no output"}`));
      try {
        resolve(stdout.trim() === "" ? {} : JSON.parse(stdout));
      } catch {
        reject(new Error(`${command} printed something other than JSON`));
      }
    });
  });
}

/** The options that name the stack to read, shared by the commands that read one (status, doctor). */
export const stackSelectionOptions = {
  stack: { type: "string", value: "NAME", description: "The stack whose Subscription resources to check; default: the stack selected in --cwd." },
  cwd: { type: "string", value: "DIR", description: "The Pulumi project's directory; default: the current directory." },
} as const;
