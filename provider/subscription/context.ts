import { SettingsError } from "../errors";
import { GraphClock } from "../graph/clock";
import { SubscriptionsClient } from "../graph/client";
import { resolveSettings, type ProviderSettings } from "../graph/settings";
import type { TokenPermissions } from "../graph/tokenClaims";
import type { PermissionType } from "./schema";

/**
 * Everything one provider process knows: its settings, its Graph client, what its access token grants
 * and Graph's clock. Built by `configure` (or from the environment on first use) and passed to every
 * operation, so no operation depends on which other one ran first in the same process.
 */
export class ProviderContext {
  readonly clock = new GraphClock();
  private connection?: Promise<SubscriptionsClient>;
  private permissions?: Promise<TokenPermissions>;

  private constructor(private readonly resolved: { settings: ProviderSettings } | { error: SettingsError }) {}

  static fromSettings(settings: ProviderSettings): ProviderContext {
    return new ProviderContext({ settings });
  }

  /**
   * From stack config (each key falling back to the environment). A failure is kept: the engine goes on
   * using a provider whose configure failed, and each operation must then fail with the same message
   * rather than quietly fall back to the environment.
   */
  static fromConfig(config: (key: string) => string | undefined = () => undefined): ProviderContext {
    try {
      return new ProviderContext({ settings: resolveSettings(config) });
    } catch (error) {
      return new ProviderContext({ error: SettingsError.from(error) });
    }
  }

  settings(): ProviderSettings {
    if ("error" in this.resolved) throw this.resolved.error;
    return this.resolved.settings;
  }

  /** Why the settings could not be resolved, if they could not. */
  settingsError(): SettingsError | undefined {
    return "error" in this.resolved ? this.resolved.error : undefined;
  }

  graph(): Promise<SubscriptionsClient> {
    this.connection ??= SubscriptionsClient.connect(this.settings(), this.clock);
    return this.connection;
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
   * msgraph:permissionType, else what the token shows. Every operation asks this same question, so the
   * rule row a path resolves to never depends on whether `check` ran before `create` in this process.
   */
  async permissionType(): Promise<PermissionType | undefined> {
    return this.settings().permissionType ?? (await this.tokenPermissions())?.permissionType;
  }
}
