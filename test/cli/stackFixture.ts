import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunningEmulator } from "../../emulator";
import type { EmulatorClient } from "../../emulator/clients";
import { resolveSettings } from "../../provider/graph/settings";
import { SubscriptionProvider } from "../../provider/subscription/implementation";
import { run } from "../../cli/main";
import { emulatorConfig } from "../emulator/support";

/**
 * A stack for `status` and `doctor` without the engine: subscriptions created in the emulator by the provider
 * itself (its create, as `pulumi up` calls it), written into a `pulumi stack export` document, and a stand-in
 * `pulumi` on PATH that prints that document and the stack's config. The commands run in-process through
 * cli/main.ts's run(), spawning the stand-in as they would spawn the real CLI (test/engine/statusDoctor.test.ts
 * runs them against the real one).
 */

/** How Pulumi marks a secret in exported state. */
const signature = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

/** A secret as `pulumi stack export` writes it: encrypted, or decrypted with --show-secrets. */
export function exportedSecret(value: unknown, shown: boolean): Record<string, string> {
  return shown ? { ...signature, plaintext: JSON.stringify(value) } : { ...signature, ciphertext: "v1:AAAAAAAAAAAAAAAA:encrypted" };
}

export interface FakeStack {
  dir: string;
  /** Graph ids by resource name. */
  ids: Record<string, string>;
  /** Changes a resource's outputs in the export; `shown` says whether the edit is for the decrypted (--show-secrets) one. */
  editOutputs(name: string, edit: (outputs: Record<string, unknown>, shown: boolean) => void): void;
  /** Replaces what `pulumi config --json` prints. */
  setConfig(config: Record<string, { value?: string; secret: boolean }>): void;
  /** The arguments each `pulumi` call got, one line per call. */
  calls(): string[];
}

export interface StackOptions {
  /** Stack config as `pulumi config --json` prints it; default: the emulator endpoints and the client's ids, the secret kept secret. */
  config?: Record<string, { value?: string; secret: boolean }>;
  /** Output names that the export holds as secrets (clientState always is). */
  secretOutputs?: string[];
}

/** The client the provider creates subscriptions as, and the config `pulumi config --json` prints by default. */
export function stackConfig(emulator: RunningEmulator, client: EmulatorClient): Record<string, { value?: string; secret: boolean }> {
  return {
    "msgraph:endpoint": { value: emulator.url, secret: false },
    "msgraph:authorityHost": { value: emulator.url, secret: false },
    "msgraph:tenantId": { value: client.tenantId, secret: false },
    "msgraph:clientId": { value: client.clientId, secret: false },
    // Secret in config, so status and doctor take it from MSGRAPH_CLIENT_SECRET, as without --show-secrets they must.
    "msgraph:clientSecret": { secret: true },
  };
}

/**
 * Creates each subscription through the provider (as the emulator's first client) and writes the stack. The
 * stand-in pulumi answers `stack export` and `config --json`, with secrets decrypted when --show-secrets is given.
 */
export async function fakeStack(emulator: RunningEmulator, specs: Record<string, Record<string, unknown>>, options: StackOptions = {}): Promise<FakeStack> {
  const settings = emulatorConfig(emulator);
  const provider = SubscriptionProvider.withSettings(resolveSettings((key) => settings[key], {}));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "msgraph-fake-stack-"));
  const ids: Record<string, string> = {};
  const outputsByName: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const checked = await provider.check({}, spec);
    if (checked.failures?.length) throw new Error(`${name}: ${JSON.stringify(checked.failures)}`);
    const { id, outs } = await provider.create(checked.inputs!);
    ids[name] = id;
    outputsByName[name] = outs as Record<string, unknown>;
  }
  const secretNames = new Set(["clientState", ...(options.secretOutputs ?? [])]);
  const edits: Array<[string, (outputs: Record<string, unknown>, shown: boolean) => void]> = [];
  const write = () => {
    for (const shown of [false, true]) {
      const edited = Object.fromEntries(
        Object.entries(outputsByName).map(([name, outputs]) => {
          const copy = structuredClone(outputs);
          for (const [target, edit] of edits) if (target === name) edit(copy, shown);
          return [name, copy];
        }),
      );
      const resources = Object.entries(edited).map(([name, outputs]) => ({
        urn: `urn:pulumi:dev::fake-project::pulumi-nodejs:dynamic/msgraph:Subscription::${name}`,
        custom: true,
        id: ids[name],
        type: "pulumi-nodejs:dynamic/msgraph:Subscription",
        outputs: Object.fromEntries(
          Object.entries({ __provider: 'exports.handler = require("pulumi-msgraph-subscriptions/provider")', ...outputs }).map(([key, value]) => [
            key,
            secretNames.has(key) && value !== undefined ? exportedSecret(value, shown) : value,
          ]),
        ),
      }));
      const deployment = { manifest: { time: new Date().toISOString(), version: "v3.259.0" }, resources: [{ urn: "urn:pulumi:dev::fake-project::pulumi:pulumi:Stack::fake-project-dev", custom: false, type: "pulumi:pulumi:Stack" }, ...resources] };
      fs.writeFileSync(path.join(dir, shown ? "export-shown.json" : "export.json"), JSON.stringify({ version: 3, deployment }));
    }
  };
  write();
  const setConfig = (config: Record<string, { value?: string; secret: boolean }>) => fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
  setConfig(options.config ?? stackConfig(emulator, emulator.clients[0]!));
  return {
    setConfig,
    dir,
    ids,
    editOutputs: (name, edit) => {
      edits.push([name, edit]);
      write();
    },
    calls: () => (fs.existsSync(path.join(dir, "calls.log")) ? fs.readFileSync(path.join(dir, "calls.log"), "utf8").trim().split("\n") : []),
  };
}

/**
 * A `pulumi` for PATH that serves FAKE_PULUMI_DIR's files: `stack export` (export-shown.json with
 * --show-secrets) and `config --json`; exit 255 with pulumi's message for a stack named "missing".
 */
export function installFakePulumi(): string {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "msgraph-fake-pulumi-"));
  fs.writeFileSync(
    path.join(bin, "pulumi"),
    [
      "#!/bin/sh",
      'printf "%s\\n" "$*" >> "$FAKE_PULUMI_DIR/calls.log"',
      'case " $* " in *" --stack missing "*) echo "error: no stack named \'missing\' found" >&2; exit 255;; esac',
      'case "$1 $*" in',
      '  "stack "*--show-secrets*) cat "$FAKE_PULUMI_DIR/export-shown.json";;',
      '  "stack "*) cat "$FAKE_PULUMI_DIR/export.json";;',
      '  "config "*) cat "$FAKE_PULUMI_DIR/config.json";;',
      '  *) echo "unexpected: $*" >&2; exit 1;;',
      "esac",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ""}`;
  return bin;
}

/** Points the stand-in pulumi at this stack's files. */
export function useStack(stack: FakeStack): void {
  process.env.FAKE_PULUMI_DIR = stack.dir;
}

/** The command line, in-process, as the program runs it. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}
