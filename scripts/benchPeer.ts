/**
 * The benchmark's peer: what a user would otherwise pick, Terraform (or OpenTofu) with Microsoft's `msgraph`
 * provider, one `msgraph_resource` with url = "subscriptions" per subscription, against the same emulator as
 * the other contestants (scripts/bench.ts), with the same subscription body as bench/ours.
 *
 * runTerraformPeer() writes a configuration of N such resources and runs, as child processes, each timed:
 *
 * | bench command          | peer command                                              |
 * |------------------------|-----------------------------------------------------------|
 * | preview                | `plan` (empty state: nothing to read)                     |
 * | up                     | `apply -auto-approve`                                     |
 * | preview --refresh      | `plan -detailed-exitcode` (Terraform's plan always refreshes) |
 * | renewal up --refresh   | `apply -auto-approve` after a new expirationDateTime (see below) |
 * | destroy                | `destroy -auto-approve`                                   |
 *
 * `init` (installing the provider from a local filesystem mirror) runs once before them, timed apart.
 *
 * Parallelism: Terraform's default is 10 (`-parallelism=10`), Pulumi's is unbounded. The default here is
 * the same freedom Pulumi has, `-parallelism=N` (at least 10), so the two engines get the same concurrency
 * and the difference measured is the tool's; pass `parallelism: 10` for Terraform as it comes.
 *
 * Renewal: the msgraph provider has no notion of expiry; expirationDateTime is a literal of the body, so a
 * user renews by changing it (here the variable `expiration`, as a pipeline would set TF_VAR_expiration). As
 * for ours, the emulator's clock first moves past renewBeforeMinutes (`renewAdvanceMinutes`), and the new
 * expiration is the emulator's now + lifetimeMinutes; the provider then PATCHes only expirationDateTime.
 *
 * How the peer reaches the emulator. The provider cannot be pointed at another Graph: its client has
 * `host: "https://graph.microsoft.com"` and the token scope "https://graph.microsoft.com/.default" written in
 * (internal/clients/msgraph_client.go lines 31 and 36 at the commit built), and Configure passes an empty
 * cloud.Configuration (internal/provider/provider.go line 436). Its Azure SDK HTTP client does honour
 * HTTPS_PROXY (azcore runtime/transport_default_http_client.go: Proxy: http.ProxyFromEnvironment). So each
 * run starts a loopback forward proxy (startGraphHostProxy) that accepts CONNECT to graph.microsoft.com:443
 * and login.microsoftonline.com:443 only (anything else gets 403, so nothing leaves this machine),
 * terminates TLS there with a certificate from a throwaway CA of its own (trusted by the peer through
 * SSL_CERT_FILE, never by anything else), and passes each request on to the emulator, which answers as
 * for every other contestant. It changes two things, because the emulator is a different origin:
 * - the token request's scope https://graph.microsoft.com/.default becomes <emulator>/.default, since the
 *   emulator refuses tokens meant for real Graph (emulator/authority.ts, acceptedAudiences);
 * - the emulator's origin in response bodies becomes the host the peer asked (openid-configuration's issuer
 *   and token_endpoint, which MSAL checks against the authority; @odata.context).
 * The authority stays the provider's default (login.microsoftonline.com, a host MSAL trusts, so it asks no
 * instance discovery). The proxy speaks HTTP/2 to the peer, as Graph does; each request costs one loopback
 * hop more than ours pays, measured and reported as proxyMs.
 *
 *   node dist/scripts/benchPeer.js [--n 1,50] [--flavor terraform|tofu] [--parallelism P] [--latency MS]
 *
 * starts an emulator and a webhook receiver, runs the peer for each N and prints a table (for a look
 * without scripts/bench.ts).
 */
import { execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as http2 from "node:http2";
import * as https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import forge from "node-forge";
import { graphDateTime } from "../emulator/clock";
import { ProcessPeaks } from "./processPeaks";
import { repoRoot } from "./pulumiProject";

export const peerCommands = ["preview", "up", "preview --refresh", "renewal up --refresh", "destroy"] as const;
export type PeerCommand = (typeof peerCommands)[number];
export type PeerFlavor = "terraform" | "tofu";

export interface TerraformPeerOptions {
  /** Number of subscriptions. */
  n: number;
  /** The emulator's origin (https://localhost:PORT): Graph under /v1.0, the admin API under /_emulator. */
  graphUrl: string;
  /** The emulator's authority origin; the same origin as graphUrl for this emulator. */
  authorityUrl?: string;
  /** The emulator's CA certificate (PEM). */
  caFile: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** A directory for this run (created; the configuration, state and proxy CA go here). */
  workDir: string;
  /** The subscriptions' notificationUrl (bench: `${receiver.url}/bench`). */
  notificationUrl: string;
  /** "{i}" becomes the index, zero-padded to 12 digits; default bench/ours' template. */
  resourceTemplate?: string;
  changeType?: string;
  /** Optional clientState (bench/ours sets none). */
  clientState?: string;
  /** Expiration = emulator's now + this; default 600, as bench.ts' lifetimeMinutes. */
  lifetimeMinutes?: number;
  /** Minutes the emulator's clock moves before the renewal; default 301 (bench.ts: lifetime - renewBefore + 1). */
  renewAdvanceMinutes?: number;
  /** `-parallelism`; default max(n, 10), i.e. unbounded like Pulumi. Terraform's own default is 10. */
  parallelism?: number;
  /** Default "terraform". */
  flavor?: PeerFlavor;
  /** A subset of peerCommands (a command that needs resources needs `up` before it); default all. */
  commands?: Iterable<string>;
  /** Binaries; default from scripts/terraform-cli.sh. */
  binaries?: PeerBinaries;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface PeerMeasurement {
  command: PeerCommand;
  /** The command line run, e.g. "terraform apply -auto-approve -parallelism=50". */
  cli: string;
  seconds: number;
  /** The exit code; for `preview --refresh`, 2 means Terraform found changes (drift). */
  exit: number;
  /** True when plan -detailed-exitcode said the refresh found changes. */
  changesFound?: boolean;
  /** Graph requests the peer sent (all of them pass the proxy), by method. */
  graphRequests: number;
  graphRequestsPerResource: number;
  graphRequestsByMethod: Record<string, number>;
  /** Token requests, and every other request to the authority (openid-configuration). */
  tokenRequests: number;
  authorityRequests: number;
  /** Requests the emulator logged in this command (its log keeps the last 5000), and 429s it served. */
  emulatorLogged?: number;
  throttled?: number;
  /** Milliseconds the proxy added, summed over the command's requests (its own time around the emulator's). */
  proxyMs: number;
  /** TLS tunnels the peer opened (CONNECT), and the requests among all that came over HTTP/2. */
  tunnels: number;
  http2Requests: number;
  cliPeakMb?: number;
  providerPeakMb?: number;
  /** The end of the output, when the command failed. */
  outputTail?: string;
}

export interface TerraformPeerResult {
  flavor: PeerFlavor;
  cliVersion: string;
  providerVersion: string;
  parallelism: number;
  n: number;
  initSeconds: number;
  measurements: PeerMeasurement[];
}

export interface PeerBinaries {
  flavor: PeerFlavor;
  cli: string;
  providerVersion: string;
  /** A filesystem mirror (unpacked layout) with registry.terraform.io/microsoft/msgraph/<version>/<platform>/. */
  pluginMirror: string;
}

/** Runs scripts/terraform-cli.sh (which builds and caches them once) and returns the binaries for a flavor. */
export function terraformPeerBinaries(flavor: PeerFlavor = "terraform"): PeerBinaries {
  let output: string;
  try {
    output = execFileSync("bash", [path.join(repoRoot, "scripts", "terraform-cli.sh"), flavor], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    // The script's last line says what is missing (for example the provider binary); pass it on as it is.
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim().split("\n").pop();
    throw new Error(stderr || (error as Error).message);
  }
  const values = Object.fromEntries(
    output.split("\n").filter((line) => line.includes("=")).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  const cli = flavor === "terraform" ? values.TERRAFORM_BIN : values.TOFU_BIN;
  if (!cli || !values.MSGRAPH_PROVIDER_VERSION || !values.TF_PLUGIN_MIRROR) throw new Error(`terraform-cli.sh printed no ${flavor} binary:\n${output}`);
  return { flavor, cli, providerVersion: values.MSGRAPH_PROVIDER_VERSION, pluginMirror: values.TF_PLUGIN_MIRROR };
}

const defaultTemplate = "users/bbbbbbbb-0000-4000-8000-{i}/messages";

/**
 * One peer stack: its directory, its proxy and its `init`, then one command at a time, so the benchmark can
 * run it in turn with the other contestants (scripts/bench.ts).
 */
export class TerraformPeer {
  readonly flavor: PeerFlavor;
  readonly parallelism: number;
  cliVersion = "";
  initSeconds = 0;
  private readonly binaries: PeerBinaries;
  private readonly admin: AdminClient;
  private readonly dir: string;
  private readonly cliName: string;
  private proxy?: GraphHostProxy;
  private expiration = "";

  constructor(private readonly options: TerraformPeerOptions) {
    this.flavor = options.flavor ?? options.binaries?.flavor ?? "terraform";
    this.binaries = options.binaries ?? terraformPeerBinaries(this.flavor);
    this.parallelism = options.parallelism ?? Math.max(options.n, 10);
    this.cliName = path.basename(this.binaries.cli);
    this.admin = new AdminClient(options.graphUrl, fs.readFileSync(options.caFile, "utf8"));
    this.dir = path.resolve(options.workDir);
    if (options.authorityUrl !== undefined && new URL(options.authorityUrl).origin !== new URL(options.graphUrl).origin) {
      throw new Error("TerraformPeer: the proxy sends graph.microsoft.com and login.microsoftonline.com to one emulator origin; authorityUrl must equal graphUrl");
    }
  }

  get providerVersion(): string {
    return this.binaries.providerVersion;
  }

  private get lifetimeMinutes(): number {
    return this.options.lifetimeMinutes ?? 600;
  }

  private async expirationFromGraphNow(): Promise<string> {
    return graphDateTime(new Date((await this.admin.now()).getTime() + this.lifetimeMinutes * 60_000));
  }

  private env(): NodeJS.ProcessEnv {
    const { options, dir, proxy } = this;
    return {
      ...inheritedEnvironment(),
      TF_CLI_CONFIG_FILE: path.join(dir, "cli.tfrc"),
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      HTTPS_PROXY: proxy!.url,
      https_proxy: proxy!.url,
      NO_PROXY: "localhost,127.0.0.1,::1",
      no_proxy: "localhost,127.0.0.1,::1",
      SSL_CERT_FILE: proxy!.caBundleFile,
      ARM_TENANT_ID: options.tenantId,
      ARM_CLIENT_ID: options.clientId,
      ARM_CLIENT_SECRET: options.clientSecret,
      ARM_USE_CLI: "false",
      ARM_USE_MSI: "false",
      ARM_USE_OIDC: "false",
      ARM_USE_POWERSHELL: "false",
      TF_VAR_expiration: this.expiration,
    };
  }

  /** The directory, the configuration, the proxy and `init` (timed apart from the commands). */
  async start(): Promise<void> {
    const { options, dir } = this;
    fs.mkdirSync(dir, { recursive: true });
    this.proxy = await startGraphHostProxy({ emulatorUrl: options.graphUrl, emulatorCaPem: fs.readFileSync(options.caFile, "utf8"), stateDir: dir });
    fs.writeFileSync(path.join(dir, "cli.tfrc"), cliConfig(this.binaries.pluginMirror));
    fs.writeFileSync(path.join(dir, "main.tf"), configuration({ ...options, template: options.resourceTemplate ?? defaultTemplate }, this.binaries.providerVersion));
    this.expiration = await this.expirationFromGraphNow();
    const init = await runChild(this.binaries.cli, ["init", "-input=false", "-no-color"], dir, this.env());
    if (init.code !== 0) throw new Error(`${this.cliName} init exited ${init.code}:\n${init.output.slice(-3000)}`);
    this.initSeconds = init.ms / 1000;
    this.cliVersion = (await runChild(this.binaries.cli, ["version"], dir, this.env())).output.split("\n")[0]!.trim();
    this.options.log?.(`${this.cliVersion}, msgraph provider ${this.binaries.providerVersion}, -parallelism=${this.parallelism}, init ${this.initSeconds.toFixed(1)} s`);
  }

  /**
   * One command. Before the renewal, the emulator's clock moves by renewAdvanceMinutes (0 when the caller
   * moved it), and the new expiration is the emulator's now + lifetimeMinutes, as a pipeline would set it.
   */
  async run(command: PeerCommand): Promise<PeerMeasurement> {
    const { admin, dir, cliName, options } = this;
    const proxy = this.proxy!;
    const n = options.n;
    if (command === "renewal up --refresh") {
      const advance = options.renewAdvanceMinutes ?? 301;
      if (advance > 0) await admin.advanceClock(advance);
      this.expiration = await this.expirationFromGraphNow();
    }
    const common = ["-input=false", "-no-color", `-parallelism=${this.parallelism}`];
    const argsFor: Record<PeerCommand, string[]> = {
      preview: ["plan", ...common],
      up: ["apply", "-auto-approve", ...common],
      "preview --refresh": ["plan", "-detailed-exitcode", ...common],
      "renewal up --refresh": ["apply", "-auto-approve", ...common],
      destroy: ["destroy", "-auto-approve", ...common],
    };
    await admin.clearRequestLog();
    const statsBefore = await admin.throttled();
    proxy.resetCounts();
    const peaks = new ProcessPeaks({ provider: /terraform-provider-msgraph/, cli: new RegExp(`(^|/)${escapeRegExp(cliName)} `) });
    const args = argsFor[command];
    const result = await runChild(this.binaries.cli, args, dir, this.env());
    const peak = peaks.stop();
    const counts = proxy.counts();
    const changesFound = command === "preview --refresh" ? result.code === 2 : undefined;
    const failed = result.code !== 0 && !(command === "preview --refresh" && result.code === 2);
    const graphRequests = Object.values(counts.graphByMethod).reduce((a, b) => a + b, 0);
    const measurement: PeerMeasurement = {
      command,
      cli: `${cliName} ${args.filter((arg) => arg !== "-input=false" && arg !== "-no-color").join(" ")}`,
      seconds: result.ms / 1000,
      exit: result.code,
      ...(changesFound === undefined ? {} : { changesFound }),
      graphRequests,
      graphRequestsPerResource: graphRequests / n,
      graphRequestsByMethod: counts.graphByMethod,
      tokenRequests: counts.tokenRequests,
      authorityRequests: counts.authorityRequests,
      emulatorLogged: (await admin.requestLog()).length,
      throttled: (await admin.throttled()) - statsBefore,
      proxyMs: Math.round(counts.proxyMs),
      tunnels: counts.tunnels,
      http2Requests: counts.http2Requests,
      cliPeakMb: peak.cli,
      providerPeakMb: peak.provider,
      ...(failed ? { outputTail: result.output.slice(-3000) } : {}),
    };
    options.log?.(`${command}: ${measurement.cli}: ${measurement.seconds.toFixed(1)} s, exit ${result.code}, ${graphRequests} Graph requests ` +
      `(${JSON.stringify(counts.graphByMethod)}), ${counts.tokenRequests} token requests`);
    if (failed) options.log?.(`${command} failed:\n${measurement.outputTail}`);
    return measurement;
  }

  async close(): Promise<void> {
    await this.proxy?.close();
  }
}

/** Every chosen command in order, on one peer stack (the standalone `node dist/scripts/benchPeer.js`). */
export async function runTerraformPeer(options: TerraformPeerOptions): Promise<TerraformPeerResult> {
  const peer = new TerraformPeer(options);
  const chosen = new Set(options.commands ?? peerCommands);
  try {
    await peer.start();
    const measurements: PeerMeasurement[] = [];
    for (const command of peerCommands) if (chosen.has(command)) measurements.push(await peer.run(command));
    return { flavor: peer.flavor, cliVersion: peer.cliVersion, providerVersion: peer.providerVersion, parallelism: peer.parallelism, n: options.n, initSeconds: peer.initSeconds, measurements };
  } finally {
    await peer.close();
  }
}

/** Only the provider from the mirror; no registry is ever asked. */
function cliConfig(mirror: string): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = ["registry.terraform.io/microsoft/msgraph"]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * N msgraph_resource subscriptions with count, as bench/ours makes N Subscription resources in a loop.
 * Credentials come from ARM_* in the environment, so the secret is in no file.
 */
function configuration(
  options: Pick<TerraformPeerOptions, "notificationUrl" | "changeType" | "clientState"> & { n: number; template: string },
  providerVersion: string,
): string {
  const resourceFormat = options.template.replace(/%/g, "%%").split("{i}").join("%012d");
  return [
    "terraform {",
    "  required_providers {",
    "    msgraph = {",
    `      source  = "registry.terraform.io/microsoft/msgraph"`,
    `      version = ${JSON.stringify(providerVersion)}`,
    "    }",
    "  }",
    "}",
    "",
    `provider "msgraph" {}`,
    "",
    "variable \"expiration\" {",
    "  type = string",
    "}",
    "",
    `resource "msgraph_resource" "subscription" {`,
    `  count = ${options.n}`,
    `  url   = "subscriptions"`,
    "  body = {",
    `    resource           = format(${hcl(resourceFormat)}, count.index)`,
    `    changeType         = ${hcl(options.changeType ?? "created")}`,
    `    notificationUrl    = ${hcl(options.notificationUrl)}`,
    "    expirationDateTime = var.expiration",
    ...(options.clientState === undefined ? [] : [`    clientState        = ${hcl(options.clientState)}`]),
    "  }",
    "}",
    "",
  ].join("\n");
}

/** An HCL string literal: JSON's escapes, with template sequences (${ and %{) escaped. */
function hcl(text: string): string {
  return JSON.stringify(text).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
}

/** The environment without anything that would steer the peer elsewhere (proxies, Azure and Terraform settings). */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(ARM_|AZURE_|TF_|TOFU_|MSGRAPH_)/i.test(key) || /^(https?|all|no)_proxy$/i.test(key) || key === "SSL_CERT_FILE" || key === "SSL_CERT_DIR") delete env[key];
  }
  return env;
}

interface ChildResult {
  code: number;
  output: string;
  ms: number;
}

function runChild(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      // The plan of 1000 resources is long; only the end is ever shown.
      if (output.length > 400_000) output = output.slice(-200_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output, ms: Date.now() - started }));
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The emulator's admin API over HTTPS (so this works with an emulator in another process too). */
class AdminClient {
  private readonly agent: https.Agent;
  constructor(
    private readonly origin: string,
    ca: string,
  ) {
    this.agent = new https.Agent({ ca, keepAlive: false });
  }

  async now(): Promise<Date> {
    return new Date(((await this.call("GET", "/clock")) as { now: string }).now);
  }

  async advanceClock(minutes: number): Promise<void> {
    await this.call("POST", "/clock", { advanceMinutes: minutes });
  }

  async clearRequestLog(): Promise<void> {
    await this.call("DELETE", "/requests");
  }

  async requestLog(): Promise<unknown[]> {
    return ((await this.call("GET", "/requests")) as { value: unknown[] }).value;
  }

  async throttled(): Promise<number> {
    return ((await this.call("GET", "/stats")) as { throttled?: number }).throttled ?? 0;
  }

  private call(method: string, route: string, body?: unknown): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = https.request(`${this.origin}/_emulator${route}`, {
        method,
        agent: this.agent,
        headers: payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((response.statusCode ?? 500) >= 300) return reject(new Error(`emulator admin ${method} ${route}: ${response.statusCode} ${text}`));
          resolve(text ? JSON.parse(text) : undefined);
        });
        response.on("error", reject);
      });
      request.on("error", reject);
      request.end(payload);
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// The forward proxy that sends the peer's Graph and sign-in requests to the emulator.

export const graphHost = "graph.microsoft.com";
export const loginHost = "login.microsoftonline.com";

export interface GraphHostProxy {
  /** http://127.0.0.1:PORT, for HTTPS_PROXY. */
  url: string;
  /** PEM: the proxy's CA, then the emulator's: the peer's SSL_CERT_FILE. */
  caBundleFile: string;
  counts(): ProxyCounts;
  resetCounts(): void;
  close(): Promise<void>;
}

export interface ProxyCounts {
  graphByMethod: Record<string, number>;
  tokenRequests: number;
  /** Every request to the sign-in host, the token requests among them. */
  authorityRequests: number;
  /** CONNECTs accepted, and refused (a host other than the two). */
  tunnels: number;
  refused: number;
  /** Requests that came over HTTP/2 (the rest came over HTTP/1.1). */
  http2Requests: number;
  proxyMs: number;
}

/**
 * A loopback forward proxy for graph.microsoft.com and login.microsoftonline.com (see the file comment).
 * Its CA and key are made afresh for each proxy, live in `stateDir`, and sign only those two names.
 */
export async function startGraphHostProxy(options: { emulatorUrl: string; emulatorCaPem: string; stateDir: string }): Promise<GraphHostProxy> {
  const emulator = new URL(options.emulatorUrl);
  const emulatorOrigin = emulator.origin;
  const tls = proxyCertificates();
  const caBundleFile = path.join(options.stateDir, "peer-proxy-ca.pem");
  fs.writeFileSync(caBundleFile, tls.caPem + options.emulatorCaPem, { mode: 0o644 });
  const upstream = new https.Agent({ keepAlive: true, ca: options.emulatorCaPem });
  const fresh = (): ProxyCounts => ({ graphByMethod: {}, tokenRequests: 0, authorityRequests: 0, tunnels: 0, refused: 0, http2Requests: 0, proxyMs: 0 });
  let counts = fresh();

  const forward = (request: http.IncomingMessage | http2.Http2ServerRequest, response: ProxyResponse) => {
    const received = process.hrtime.bigint();
    const host = String(request.headers[":authority"] ?? request.headers.host ?? "").replace(/:443$/, "").toLowerCase();
    const target = request.url ?? "/";
    const method = (request.method ?? "GET").toUpperCase();
    if (request.httpVersionMajor === 2) counts.http2Requests++;
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let body = Buffer.concat(chunks);
      if (host === loginHost) {
        counts.authorityRequests++;
        if (method === "POST" && /\/oauth2\/v2\.0\/token(\?|$)/.test(target)) {
          counts.tokenRequests++;
          const form = new URLSearchParams(body.toString("utf8"));
          const scope = form.get("scope");
          if (scope !== null) {
            form.set("scope", scope.split(" ").map((part) => (part === `https://${graphHost}/.default` ? `${emulatorOrigin}/.default` : part)).join(" "));
            body = Buffer.from(form.toString(), "utf8");
          }
        }
      } else {
        counts.graphByMethod[method] = (counts.graphByMethod[method] ?? 0) + 1;
      }
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (name.startsWith(":") || hopByHop.has(name) || name === "host" || name === "content-length" || value === undefined) continue;
        headers[name] = value;
      }
      headers.host = emulator.host;
      if (body.length > 0 || !["GET", "HEAD", "DELETE"].includes(method)) headers["content-length"] = String(body.length);
      let upstreamMs = 0;
      const sent = process.hrtime.bigint();
      const outgoing = https.request({ hostname: emulator.hostname, port: emulator.port, method, path: target, headers, agent: upstream }, (answer) => {
        const answerChunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => answerChunks.push(chunk));
        answer.on("end", () => {
          upstreamMs = Number(process.hrtime.bigint() - sent) / 1e6;
          let answerBody = Buffer.concat(answerChunks);
          const type = String(answer.headers["content-type"] ?? "");
          if (/json|text/i.test(type) && answerBody.includes(emulatorOrigin)) {
            answerBody = Buffer.from(answerBody.toString("utf8").split(emulatorOrigin).join(`https://${host}`), "utf8");
          }
          const answerHeaders: http.OutgoingHttpHeaders = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            if (hopByHop.has(name) || name === "content-length" || value === undefined) continue;
            answerHeaders[name] = typeof value === "string" ? value.split(emulatorOrigin).join(`https://${host}`) : value;
          }
          answerHeaders["content-length"] = String(answerBody.length);
          response.writeHead(answer.statusCode ?? 502, answerHeaders);
          response.end(answerBody);
          counts.proxyMs += Number(process.hrtime.bigint() - received) / 1e6 - upstreamMs;
        });
        answer.on("error", () => response.destroy());
      });
      outgoing.on("error", (error) => {
        if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
        response.end(`peer proxy: ${error.message}`);
      });
      outgoing.end(body);
    });
  };

  // HTTP/2 and HTTP/1.1 inside each tunnel, as Graph and Entra ID offer them.
  const inner = http2.createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: true }, (request, response) => forward(request, response as ProxyResponse));
  inner.on("sessionError", () => undefined);
  inner.on("tlsClientError", () => undefined);
  const front = http.createServer((_request, response) => {
    response.writeHead(405, { "content-type": "text/plain" });
    response.end("peer proxy: CONNECT only\n");
  });
  const sockets = new Set<Socket>();
  front.on("connect", (request: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const [host, port] = (request.url ?? "").toLowerCase().split(":");
    if ((host !== graphHost && host !== loginHost) || port !== "443") {
      counts.refused++;
      socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    counts.tunnels++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    inner.emit("connection", socket);
  });
  await new Promise<void>((resolve, reject) => {
    front.once("error", reject);
    front.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (front.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    caBundleFile,
    counts: () => ({ ...counts, graphByMethod: { ...counts.graphByMethod } }),
    resetCounts: () => {
      counts = fresh();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      upstream.destroy();
      await Promise.all([
        new Promise<void>((resolve) => front.close(() => resolve())),
        new Promise<void>((resolve) => inner.close(() => resolve())),
      ]);
    },
  };
}

/** What the proxy uses of an HTTP/1.1 or HTTP/2 compatibility response. */
interface ProxyResponse {
  readonly headersSent: boolean;
  writeHead(status: number, headers: http.OutgoingHttpHeaders): unknown;
  end(body?: Buffer | string): unknown;
  destroy(): unknown;
}

const hopByHop = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "http2-settings", "proxy-authorization"]);

/** A throwaway CA and a certificate it signs for the two hosts (node:crypto keys, node-forge certificates). */
function proxyCertificates(): { caPem: string; key: string; cert: string } {
  const keyPair = () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const forgeKey = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
    return { pem: privateKey, privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
  };
  const sign = (subject: forge.pki.CertificateField[], publicKey: forge.pki.PublicKey, issuer: forge.pki.CertificateField[], key: forge.pki.rsa.PrivateKey, extensions: object[]) => {
    const cert = forge.pki.createCertificate();
    cert.publicKey = publicKey;
    cert.serialNumber = "01" + randomBytes(15).toString("hex");
    cert.validity.notBefore = new Date(Date.now() - 86_400_000);
    cert.validity.notAfter = new Date(Date.now() + 7 * 86_400_000);
    cert.setSubject(subject);
    cert.setIssuer(issuer);
    cert.setExtensions(extensions);
    cert.sign(key, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
  };
  const ca = keyPair();
  const caSubject = [{ name: "commonName", value: `msgraph-subscriptions benchmark peer proxy CA ${os.hostname()}` }];
  const caPem = sign(caSubject, ca.publicKey, caSubject, ca.privateKey, [
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  const leaf = keyPair();
  const cert = sign([{ name: "commonName", value: graphHost }], leaf.publicKey, caSubject, ca.privateKey, [
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: [{ type: 2, value: graphHost }, { type: 2, value: loginHost }] },
  ]);
  return { caPem, key: leaf.pem, cert };
}

// ---------------------------------------------------------------------------------------------------------
// Standalone: an emulator, a webhook receiver and the peer at each N.

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: "string", default: "1,50" },
      flavor: { type: "string", default: "terraform" },
      parallelism: { type: "string" },
      latency: { type: "string", default: "0" },
      commands: { type: "string" },
    },
  });
  const flavor = values.flavor as PeerFlavor;
  if (flavor !== "terraform" && flavor !== "tofu") throw new Error("--flavor: terraform or tofu");
  const { startEmulator, startWebhookReceiver } = await import("../emulator");
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "msgraph-bench-peer-"));
  const emulator = await startEmulator({ stateDir: path.join(workDir, "emulator") });
  const receiver = await startWebhookReceiver({ stateDir: path.join(workDir, "emulator") });
  const binaries = terraformPeerBinaries(flavor);
  const client = emulator.clients[0]!;
  const say = (line: string) => process.stdout.write(`bench-peer: ${new Date().toISOString()} ${line}\n`);
  try {
    for (const n of values.n!.split(",").map(Number)) {
      emulator.admin.reset();
      emulator.admin.setLatency(Number(values.latency));
      say(`N ${n}, latency ${values.latency} ms`);
      const result = await runTerraformPeer({
        n,
        graphUrl: emulator.url,
        authorityUrl: emulator.url,
        caFile: emulator.caFile,
        tenantId: client.tenantId,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        workDir: path.join(workDir, `${flavor}-${n}`),
        notificationUrl: `${receiver.url.replace(/\/+$/, "")}/bench`,
        binaries,
        ...(values.parallelism === undefined ? {} : { parallelism: Number(values.parallelism) }),
        ...(values.commands === undefined ? {} : { commands: values.commands.split(",") }),
        log: say,
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  } finally {
    await receiver.close();
    await emulator.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void main().catch((error) => {
    process.stderr.write(`bench-peer: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
