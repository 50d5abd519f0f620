/**
 * The native provider's test programs, one per language, as users write them: a Pulumi.yaml whose
 * `plugins.providers` entry points at this repository's bin/ (where pulumi-resource-msgraph-subscriptions is),
 * and a program through the generated SDK.
 * - python (native/python/__main__.py) and go (native/go/main.go) read the subscriptions from stack config, as the
 *   TypeScript test program does;
 * - yaml has no loops, so its program is the Pulumi.yaml itself, written from the subscriptions of each run, with
 *   each clientState from a secret config value.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
// js-yaml has no types of its own; this is the one function used.
const yaml = require("js-yaml") as { dump(value: unknown, options?: { lineWidth?: number }): string };
import { repoRoot } from "../../scripts/pulumiProject";
import type { SubscriptionSpecs } from "./harness";

export type ProgramLanguage = "nodejs" | "python" | "go" | "yaml";
export const nativeLanguages = ["python", "go", "yaml"] as const satisfies readonly ProgramLanguage[];

/** The state's resource types of a Subscription: the dynamic resource's and the native provider's. */
export const subscriptionTypes = ["pulumi-nodejs:dynamic/msgraph:Subscription", "msgraph-subscriptions:index:Subscription"];

const pluginDir = path.join(repoRoot, "bin");
const programDirs = { python: path.join(__dirname, "native", "python"), go: path.join(__dirname, "native", "go") };

/** Settings under the native provider's config namespace: `msgraph:tenantId` becomes `msgraph-subscriptions:tenantId`. */
export function nativeSettings(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key.replace(/^msgraph:/, "msgraph-subscriptions:"), value]));
}

let pythonCommand: string | undefined;
/** What the language host needs beyond the CLI's environment: the virtualenv's Python (the old host reads no runtime options). */
export function languageEnvironment(language: ProgramLanguage): Record<string, string> {
  if (language !== "python") return {};
  pythonCommand ??= execFileSync("bash", [path.join(repoRoot, "scripts", "sdks.sh"), "python"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return { PULUMI_PYTHON_CMD: pythonCommand };
}

/** A clientState's secret config key in the YAML program. */
const yamlClientStateKey = (index: number) => `clientState${index}`;

/** The YAML program's own config: each clientState given as a secret. */
export function yamlProgramConfig(specs: SubscriptionSpecs): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  Object.values(specs).forEach((spec, index) => {
    if (typeof spec.clientState === "string") config[yamlClientStateKey(index)] = { secret: spec.clientState };
  });
  return config;
}

export function writeNativeProject(dir: string, project: string, language: Exclude<ProgramLanguage, "nodejs">, specs: SubscriptionSpecs): void {
  const plugins = { providers: [{ name: "msgraph-subscriptions", path: pluginDir }] };
  const document: Record<string, unknown> = { name: project, runtime: language, plugins };
  if (language === "python" || language === "go") {
    document.main = programDirs[language];
  } else {
    const config: Record<string, unknown> = {};
    const resources: Record<string, unknown> = {};
    const outputs: Record<string, unknown> = {};
    Object.entries(specs).forEach(([name, { clientState, plainClientState, ...properties }], index) => {
      if (typeof clientState === "string") {
        config[yamlClientStateKey(index)] = { type: "string" };
        properties.clientState = `\${${yamlClientStateKey(index)}}`;
      }
      if (plainClientState !== undefined) properties.clientState = plainClientState;
      if (Array.isArray(properties.resources)) {
        // A spec with a list of paths is a SubscriptionSet, as in the Node.js test program.
        resources[name] = { type: "msgraph-subscriptions:index:SubscriptionSet", properties };
        outputs[name] = { id: `\${${name}.id}`, subscriptionIds: `\${${name}.subscriptionIds}`, clientState: `\${${name}.clientState}` };
        return;
      }
      resources[name] = { type: "msgraph-subscriptions:index:Subscription", properties };
      outputs[name] = { id: `\${${name}.id}`, expirationDateTime: `\${${name}.expirationDateTime}`, clientState: `\${${name}.clientState}` };
    });
    Object.assign(document, { config, resources, outputs });
  }
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml.dump(document, { lineWidth: -1 }));
}
