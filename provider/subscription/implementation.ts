import type * as pulumi from "@pulumi/pulumi";
import { check } from "./check";
import { ConfiguredContext, ProviderContext } from "./context";
import { create } from "./create";
import { remove } from "./delete";
import { diff } from "./diff";
import { read } from "./read";
import { reauthorize } from "./reauthorize";
import { update } from "./update";
import type { ApiVersion } from "../vocabulary";

/**
 * The Subscription resource's behaviour: Pulumi's check/diff/create/read/update/delete mapped onto
 * Graph's subscriptions API, one module per operation. Both fronts call it: the dynamic resource (through
 * provider/dynamic/provider.ts) and the native provider (provider/native). One instance serves one provider
 * process and owns that process's ProviderContext. The serialized provider (provider.ts) loads this module by its
 * package export, `pulumi-msgraph-subscriptions/implementation`, so code changes here never show up as
 * `__provider` diffs.
 */
export class SubscriptionProvider implements pulumi.dynamic.ResourceProvider {
  constructor(private readonly configured: ConfiguredContext = new ConfiguredContext()) {}

  /** Settings as given, instead of stack config (tests, the command line). */
  static withSettings(settings: Parameters<typeof ProviderContext.fromSettings>[0]): SubscriptionProvider {
    return new SubscriptionProvider(new ConfiguredContext(ProviderContext.fromSettings(settings)));
  }

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.configured.configureWith((key) => req.config.get(key));
  }

  private get context(): ProviderContext {
    return this.configured.context;
  }

  check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return check(this.context, news);
  }
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    return diff(this.context, id, olds, news);
  }
  create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    return create(this.context, inputs);
  }
  read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    return read(this.context, id, props);
  }
  update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
    return update(this.context, id, olds, news);
  }
  delete(id: string, props: Record<string, unknown>): Promise<void> {
    return remove(this.context, id, props);
  }
  /** POST /subscriptions/{id}/reauthorize through the provider's own connection (the native provider's function). */
  reauthorize(id: string, apiVersion?: ApiVersion): Promise<ApiVersion> {
    return reauthorize(this.context, id, apiVersion);
  }
}

/** A fresh provider for one process: what the serialized provider asks for on its first call. */
export function createSubscriptionProvider(): SubscriptionProvider {
  return new SubscriptionProvider();
}
