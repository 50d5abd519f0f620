import { graphLimits } from "../provider/limits";
import { ruleTable, type ResourceRule } from "../provider/rules/ruleTable";
import type { Cloud } from "../provider/vocabulary";
import * as path from "node:path";
import { EmulatorAdmin } from "./admin";
import { Authority } from "./authority";
import { completeClient, defaultTenantId, type EmulatorClient, type EmulatorClientOptions } from "./clients";
import { EmulatedClock } from "./clock";
import { issueServerCertificate } from "./certificates";
import { Faults } from "./faults";
import { Notifier } from "./notifier";
import { Quotas } from "./quotas";
import { RequestLog } from "./requestLog";
import { createRequestHandler, listenOnLoopback } from "./server";
import { SubscriptionStore } from "./subscriptions";
import { Throttle, type ThrottleOptions } from "./throttle";

/**
 * A local Microsoft Graph for tests and demos: the subscriptions API (v1.0 and beta) with Graph's rules,
 * an Entra ID-like sign-in authority, and an admin API, on one HTTPS origin whose certificate is signed by
 * a CA kept in the state directory.
 */

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where the CA lives; default `.emulator/` under the current directory. */
  stateDir?: string;
  /** Default tenant for clients that name none. */
  tenantId?: string;
  /** App registrations; default one application client granted every application permission in the rule table. */
  clients?: EmulatorClientOptions[];
  /** How long a notification endpoint has to answer the validation handshake; Graph allows 10 s. */
  validationTimeoutMs?: number;
  /**
   * Graph's subscription-API throttle (graphLimits.subscriptionThrottle): `true` for Graph's allowances,
   * or options that also change them. Off by default; the admin API can switch it at run time.
   */
  throttle?: boolean | ThrottleOptions;
  /**
   * Quota limits by quota id (provider/limits.ts, subscriptionQuotas), e.g. `{ "directory-per-app-tenant": 2 }`,
   * so a test meets a quota without creating 100 subscriptions. Quotas are always enforced.
   */
  quotas?: Record<string, number>;
  /**
   * Resources Graph serves that the provider's rule table does not list, as rows of the table's own shape: Graph
   * shipping a resource before the table follows (what allowUndocumentedResource is for). Default none.
   */
  graphAhead?: readonly ResourceRule[];
  /**
   * Which Graph this stands in for: a national cloud serves only the resources whose APIs exist there (the rule
   * table's clouds, from the APIs' national-cloud statements). Default global.
   */
  cloud?: Cloud;
}

export interface RunningEmulator {
  /** https://localhost:PORT: the Graph base URL (append /v1.0 or /beta) and the authority host. */
  url: string;
  caFile: string;
  caPem: string;
  tenantId: string;
  clients: readonly EmulatorClient[];
  admin: EmulatorAdmin;
  close(): Promise<void>;
}

/**
 * The environment a provider process needs to use this emulator as one of its clients: the MSGRAPH_*
 * settings (read when stack config has none) and the CA to trust. Node reads NODE_EXTRA_CA_CERTS only
 * at start-up, so it belongs in the environment of the process that calls the emulator.
 */
export function providerEnvironment(emulator: RunningEmulator, client: EmulatorClient = emulator.clients[0]!): Record<string, string> {
  return {
    MSGRAPH_TENANT_ID: client.tenantId,
    MSGRAPH_CLIENT_ID: client.clientId,
    MSGRAPH_CLIENT_SECRET: client.clientSecret,
    MSGRAPH_ENDPOINT: emulator.url,
    MSGRAPH_AUTHORITY_HOST: emulator.url,
    NODE_EXTRA_CA_CERTS: emulator.caFile,
  };
}

/**
 * Stack config that points a provider at the emulator as `client`: the settings in `namespace` (msgraph for the
 * dynamic resource, msgraph-subscriptions for the native provider), the client secret as a secret.
 */
export function providerStackConfig(emulator: RunningEmulator, client: EmulatorClient = emulator.clients[0]!, namespace = "msgraph"): Record<string, unknown> {
  return {
    [`${namespace}:tenantId`]: client.tenantId,
    [`${namespace}:clientId`]: client.clientId,
    [`${namespace}:clientSecret`]: { secret: client.clientSecret },
    [`${namespace}:endpoint`]: emulator.url,
    [`${namespace}:authorityHost`]: emulator.url,
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const stateDir = path.resolve(options.stateDir ?? ".emulator");
  const tenantId = options.tenantId ?? defaultTenantId;
  const clients = (options.clients ?? [{}]).map((client, index) => completeClient(client, tenantId, index));
  const tls = await issueServerCertificate(stateDir);
  const closing = new AbortController();
  let url = "";

  const clock = new EmulatedClock();
  const faults = new Faults(() => clock.now().getTime());
  const throttle = new Throttle(() => clock.now().getTime(), options.throttle ?? false);
  const quotas = new Quotas(options.quotas);
  const log = new RequestLog();
  const store = new SubscriptionStore({
    clock,
    ca: tls.caPem,
    validationTimeoutMs: options.validationTimeoutMs ?? graphLimits.validationTimeoutMs,
    signal: closing.signal,
    quotas,
    rules: [...ruleTable, ...(options.graphAhead ?? [])],
    cloud: options.cloud ?? "global",
  });
  const authority = new Authority(() => url, () => clients);
  const notifier = new Notifier({ clock, ca: tls.caPem, signal: closing.signal });
  const admin = new EmulatorAdmin(store, clock, faults, log, authority, clients, () => url, throttle, quotas, notifier);
  const handler = createRequestHandler({ baseUrl: () => url, authority, store, admin, clock, faults, throttle, log, signal: closing.signal });
  const server = await listenOnLoopback({ key: tls.key, cert: tls.cert }, handler, options.port ?? 0);
  url = `https://localhost:${server.port}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    caFile: tls.caFile,
    caPem: tls.caPem,
    tenantId,
    clients,
    admin,
    close: () => {
      closed ??= (async () => {
        closing.abort();
        await server.close();
      })();
      return closed;
    },
  };
}
