import { ClientSecretCredential } from "@azure/identity";
import * as path from "node:path";
import * as tls from "node:tls";
import { startEmulator, startWebhookReceiver, type EmulatorOptions, type RunningEmulator, type RunningReceiver } from "../../emulator";
import type { EmulatorClient } from "../../emulator";
import { closeAll, serverHookTimeoutMs } from "../hooks";

/** The state dir test/globalSetup.js made the CA in, so NODE_EXTRA_CA_CERTS (when set) names the same CA. */
export const stateDir = process.env.MSGRAPH_EMULATOR_STATE_DIR ?? path.join(__dirname, "..", "..", ".emulator", "test");

/**
 * Trusts the emulator's CA in this process, at run time. NODE_EXTRA_CA_CERTS only works for processes
 * started after globalSetup set it (not when jest runs in band), so tests do not rely on it alone.
 * TLS verification stays on.
 */
export function trustCertificateAuthority(caPem: string): void {
  const setDefault = (tls as unknown as { setDefaultCACertificates?: (certs: string[]) => void }).setDefaultCACertificates;
  const getDefault = (tls as unknown as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  if (!setDefault || !getDefault) throw new Error("Node 24 or later is needed for tls.setDefaultCACertificates");
  const current = getDefault("default");
  if (!current.includes(caPem)) setDefault([...current, caPem]);
}

/** The stack config that points a provider at the emulator, signed in as its `index`-th app; `extra` adds settings. */
export function emulatorConfig(emulator: RunningEmulator, extra: Record<string, string | undefined> = {}, index = 0): Record<string, string | undefined> {
  const client = emulator.clients[index]!;
  return {
    "msgraph:endpoint": emulator.url,
    "msgraph:authorityHost": emulator.url,
    "msgraph:tenantId": client.tenantId,
    "msgraph:clientId": client.clientId,
    "msgraph:clientSecret": client.clientSecret,
    ...extra,
  };
}

export interface Harness {
  emulator: RunningEmulator;
  receiver: RunningReceiver;
  /** A URL on the receiver that passes the handshake. */
  webhook: string;
  close(): Promise<void>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ stateDir, ...options });
  let receiver: RunningReceiver;
  try {
    trustCertificateAuthority(emulator.caPem);
    receiver = await startWebhookReceiver({ stateDir, slowDelayMs: 3000 });
  } catch (error) {
    // Half a harness would keep the test process alive: close what did start.
    await emulator.close();
    throw error;
  }
  return {
    emulator,
    receiver,
    webhook: `${receiver.url}/notifications`,
    close: async () => {
      await Promise.all([emulator.close(), receiver.close()]);
    },
  };
}

/** A token from the emulator's authority through the real @azure/identity credential. */
export async function tokenFor(emulator: RunningEmulator, client: EmulatorClient = emulator.clients[0]): Promise<string> {
  const credential = new ClientSecretCredential(client.tenantId, client.clientId, client.clientSecret, {
    authorityHost: emulator.url,
    disableInstanceDiscovery: true,
  });
  const token = await credential.getToken(`${emulator.url}/.default`);
  return token.token;
}

export interface GraphResult {
  status: number;
  headers: Headers;
  body: any;
}

/** A plain fetch against the emulator, JSON in and out. */
export async function call(
  emulator: RunningEmulator,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<GraphResult> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Left as text: some routes answer with no JSON.
  }
  return { status: response.status, headers: response.headers, body };
}

export function minutesFromNow(emulator: RunningEmulator, minutes: number): string {
  return new Date(emulator.admin.now().getTime() + minutes * 60_000).toISOString();
}

/** A valid request body for an Outlook messages subscription, with overrides. */
export function messagesSubscription(harness: Harness, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    changeType: "created,updated",
    notificationUrl: harness.webhook,
    resource: "users/alice@contoso.com/messages",
    expirationDateTime: minutesFromNow(harness.emulator, 120),
    clientState: "secret-client-state",
    ...overrides,
  };
}

/**
 * Hooks for a describe block that talks to the API directly: one emulator and receiver with an access
 * token for the block (handed over through `use` once started), reset after each test, closed at the end.
 */
export function withHarnessAndToken(use: (harness: Harness, token: string) => void): void {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness();
    use(harness, await tokenFor(harness.emulator));
  }, serverHookTimeoutMs);
  afterAll(() => closeAll(harness), serverHookTimeoutMs);
  afterEach(() => harness?.emulator.admin.reset());
}
