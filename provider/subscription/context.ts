import { randomBytes } from "node:crypto";
import { SettingsError } from "../errors";
import { GraphClock } from "../graph/clock";
import { SubscriptionsClient } from "../graph/client";
import { connectionKey, connectionSettings, stackGraphIdentity, type ConnectionSettings } from "../graph/connection";
import { resolveSettings, type ProviderSettings } from "../graph/settings";
import type { TokenPermissions } from "../graph/tokenClaims";
import { redact } from "../redaction";
import { schemaFailures } from "../rules/schemaFailures";
import { type PermissionType } from "../vocabulary";
import { connectionInput, type ConnectionInput } from "../schema";

/**
 * One app in one tenant on one Graph, as a provider process uses it: its Graph client (which owns the token
 * cache and the throttle gate, so each app and tenant waits only for its own throttling and asks the
 * authority once for its own token), Graph's clock as that endpoint tells it, and what the app's token grants.
 */
export class GraphConnection {
  private client?: Promise<SubscriptionsClient>;
  private permissions?: Promise<TokenPermissions>;

  constructor(
    readonly settings: ConnectionSettings,
    readonly clock: GraphClock = new GraphClock(),
  ) {}

  graph(): Promise<SubscriptionsClient> {
    this.client ??= SubscriptionsClient.connect(this.settings, this.clock);
    return this.client;
  }

  /** What the access token grants; undefined when no token can be had here (create then reports why). */
  async tokenPermissions(): Promise<TokenPermissions | undefined> {
    this.permissions ??= this.graph().then((client) => client.tokenPermissions());
    try {
      return await this.permissions;
    } catch {
      this.permissions = undefined; // a later operation may sign in after all
      return undefined;
    }
  }

  /**
   * The configured permission type (msgraph:permissionType, stack only), else what the token shows. Every
   * operation asks this same question, so the rule row a path resolves to never depends on whether `check`
   * ran before `create` in this process.
   */
  async permissionType(): Promise<PermissionType | undefined> {
    return this.settings.permissionType ?? (await this.tokenPermissions())?.permissionType;
  }
}

/**
 * Everything one provider process knows: the stack's settings, and one GraphConnection per connection its
 * resources use: the stack's own (msgraph:* config) for resources without a `connection` input, and one per
 * distinct connection input (connection.ts, connectionKey). Built by `configure` (or from the environment on
 * first use) and passed to every operation, so no operation depends on which other one ran first in the same
 * process. Each operation asks for the connection of the resource it handles: the new inputs' for check, diff,
 * create and update, the state's for read and delete.
 */
export class ProviderContext {
  /** Graph's clock as the stack's connection hears it. */
  readonly clock = new GraphClock();
  private stack?: GraphConnection;
  private readonly connections = new Map<string, GraphConnection>();
  /** Keys the HMAC of each connection's credential in connectionKey; new in every process, never stored or shown. */
  private readonly hmacKey = randomBytes(32);

  private constructor(private readonly resolved: { settings: ProviderSettings } | { error: SettingsError }) {}

  static fromSettings(settings: ProviderSettings): ProviderContext {
    return new ProviderContext({ settings });
  }

  /**
   * From stack config (each key falling back to the environment). A failure is kept: the engine goes on
   * using a provider whose configure failed, and each operation must then fail with the same message
   * rather than quietly fall back to the environment.
   */
  static fromConfig(config: (key: string) => string | undefined = () => undefined, namespace?: string): ProviderContext {
    try {
      return new ProviderContext({ settings: resolveSettings(config, process.env, namespace) });
    } catch (error) {
      return new ProviderContext({ error: SettingsError.from(error) });
    }
  }

  /** The stack's msgraph:* settings. */
  settings(): ProviderSettings {
    if ("error" in this.resolved) throw this.resolved.error;
    return this.resolved.settings;
  }

  /** Why the settings could not be resolved, if they could not. */
  settingsError(): SettingsError | undefined {
    return "error" in this.resolved ? this.resolved.error : undefined;
  }

  /** The resource's connection, or the stack's when it has none. Throws SettingsError when it cannot be used. */
  connection(connection?: ConnectionInput): GraphConnection {
    if (connection === undefined) {
      this.stack ??= new GraphConnection(this.settings(), this.clock);
      return this.stack;
    }
    const settings = connectionSettings(usable(connection), this.settings());
    const key = connectionKey(settings, this.hmacKey);
    let found = this.connections.get(key);
    if (!found) {
      found = new GraphConnection(settings);
      this.connections.set(key, found);
    }
    return found;
  }

  /** How many connections other than the stack's this process has used. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** The Graph client of the resource's connection (the stack's by default). */
  graph(connection?: ConnectionInput): Promise<SubscriptionsClient> {
    return this.connection(connection).graph();
  }

  /** What the connection's access token grants; undefined when no token can be had here (create then reports why). */
  async tokenPermissions(connection?: ConnectionInput): Promise<TokenPermissions | undefined> {
    try {
      return await this.connection(connection).tokenPermissions();
    } catch {
      return undefined;
    }
  }

  async permissionType(connection?: ConnectionInput): Promise<PermissionType | undefined> {
    return this.connection(connection).permissionType();
  }

  /** The app, tenant, cloud and endpoint of the stack's settings, when they name the app (connection.ts). */
  stackGraphIdentity(): string | undefined {
    return "error" in this.resolved ? undefined : stackGraphIdentity(this.resolved.settings);
  }
}

/**
 * A connection as stored or given, checked again before it signs in: check validated the program's, but
 * state is read back as written (a hand-edited state must fail clearly, not sign in with half a connection).
 */
function usable(connection: ConnectionInput): ConnectionInput {
  const parsed = connectionInput.safeParse(connection);
  if (parsed.success) return parsed.data;
  const reasons = parsed.error.issues.flatMap((issue) => schemaFailures({ ...issue, path: ["connection", ...issue.path] }).map((failure) => failure.reason));
  throw new SettingsError(redact(`this resource's connection cannot be used: ${reasons.join("; ")}`, [connection?.clientSecret]));
}

/**
 * The ProviderContext of one provider, replaced by each configure, and shared by every resource type it serves
 * (the native provider's Subscription and SubscriptionSet): one Graph client, token and throttle gate per app and
 * tenant, as Graph throttles per app and tenant.
 */
export class ConfiguredContext {
  constructor(private current: ProviderContext = ProviderContext.fromConfig()) {}

  get context(): ProviderContext {
    return this.current;
  }

  /**
   * The settings as a lookup of `msgraph:<name>` keys (each front reads its own config; the rest is shared);
   * `namespace` is how messages name the keys to the user. The engine reports a failed configure; later
   * operations fail with the same message.
   */
  configureWith(lookup: (key: string) => string | undefined, namespace?: string): void {
    this.current = ProviderContext.fromConfig(lookup, namespace);
    const error = this.current.settingsError();
    if (error) throw error;
  }
}

