import type * as pulumi from "@pulumi/pulumi";
import { ownerMarkFor } from "../ownership";
import { redact } from "../redaction";
import { ConfiguredContext } from "../subscription/context";
import { SubscriptionProvider } from "../subscription/implementation";
import { SubscriptionSetProvider } from "../subscriptionSet/implementation";
import { apiVersions, type ApiVersion } from "../vocabulary";
import { conceal, reveal, unknownValue, type Properties } from "./engineValues";
import { packageName, packageSchemaText, packageVersion, reauthorizeToken, subscriptionSetToken, subscriptionToken } from "./packageSchema";

type Urn = string;

/** A URN's stack, project, type and name: `urn:pulumi:<stack>::<project>::<parent$type>::<name>`. */
function parseUrn(urn: Urn): { stack: string; project: string; type: string; name: string } {
  const [head = "", project = "", qualifiedType = "", ...rest] = urn.split("::");
  return { stack: head.replace(/^urn:pulumi:/, ""), project, type: qualifiedType.split("$").pop() ?? "", name: rest.join("::") };
}

/**
 * The native provider, `pulumi-resource-msgraph-subscriptions`: the engine's gRPC calls, for the resource type
 * msgraph-subscriptions:index:Subscription and msgraph-subscriptions:index:SubscriptionSet, mapped onto the same
 * SubscriptionProvider and SubscriptionSetProvider the dynamic resources use.
 * This class only translates: property values in and out (engineValues.ts), the ownership mark from the URN
 * (the dynamic front's Subscription class sets it from the program's project, stack and name), the settings
 * from Configure, and the reauthorize function. No operation is written twice.
 */
export class NativeProvider implements pulumi.provider.Provider {
  readonly version = packageVersion();
  /** Until Configure, the MSGRAPH_* environment, as the dynamic front reads it before its configure. */
  private readonly configured = new ConfiguredContext();
  private readonly subscriptions = new SubscriptionProvider(this.configured);
  private readonly sets = new SubscriptionSetProvider(this.configured);

  getSchema(): Promise<string> {
    return Promise.resolve(packageSchemaText());
  }

  /**
   * Configure's settings, as the engine sends them: an explicit provider's inputs (args), or the stack's
   * `msgraph-subscriptions:*` config (variables, and args too). Each setting falls back to its MSGRAPH_*
   * variable, as in the dynamic front. Throws SettingsError, which the engine reports.
   */
  configure(variables: ReadonlyMap<string, string>, args: Properties): void {
    const given = reveal(args).plain;
    const lookup = (key: string) => {
      const name = key.replace(/^msgraph:/, "");
      const value = given[name] ?? variables.get(`${packageName}:config:${name}`) ?? variables.get(`${packageName}:${name}`);
      // An explicit provider's input that is not known yet (preview) is as good as not given.
      if (value === undefined || value === null || value === unknownValue) return undefined;
      return typeof value === "string" ? value : JSON.stringify(value);
    };
    this.configured.configureWith(lookup, packageName);
  }

  async check(urn: Urn, olds: Properties, news: Properties): Promise<pulumi.provider.CheckResult> {
    const implementation = this.implementationOf(urn);
    const { plain, secretNames } = reveal(news);
    const { stack, project, name } = parseUrn(urn);
    // The program cannot set the mark (the package schema leaves it out); it is this resource's identity.
    plain.ownerMark = ownerMarkFor(project, stack, name);
    const result = await implementation.check(reveal(olds).plain, plain);
    return { inputs: conceal(result.inputs as Properties, secretNames), failures: result.failures };
  }

  async diff(id: string, urn: Urn, olds: Properties, news: Properties): Promise<pulumi.provider.DiffResult> {
    return this.implementationOf(urn).diff(id, reveal(olds).plain, reveal(news).plain);
  }

  async create(urn: Urn, inputs: Properties): Promise<pulumi.provider.CreateResult> {
    const { plain, secretNames } = reveal(inputs);
    const result = await this.implementationOf(urn).create(plain);
    return { id: result.id, outs: conceal(result.outs as Properties, secretNames) };
  }

  async read(id: string, urn: Urn, props?: Properties): Promise<pulumi.provider.ReadResult> {
    const { plain, secretNames } = reveal(props);
    const result = await this.implementationOf(urn).read(id, plain);
    // Gone from Graph: an empty id tells the engine to drop it from the state.
    if (!result.id) return { id: "", props: {} };
    return {
      id: result.id,
      props: conceal(result.props as Properties, secretNames),
      inputs: result.inputs === undefined ? undefined : conceal(result.inputs as Properties, secretNames),
    };
  }

  async update(id: string, urn: Urn, olds: Properties, news: Properties): Promise<pulumi.provider.UpdateResult> {
    const { plain, secretNames } = reveal(news);
    const result = await this.implementationOf(urn).update(id, reveal(olds).plain, plain);
    return { outs: conceal(result.outs as Properties, secretNames) };
  }

  async delete(id: string, urn: Urn, props: Properties): Promise<void> {
    await this.implementationOf(urn).delete(id, reveal(props).plain);
  }

  async invoke(token: string, inputs: Properties): Promise<pulumi.provider.InvokeResult> {
    if (token !== reauthorizeToken) throw new Error(`${packageName} has no function ${token}; it has ${reauthorizeToken}`);
    const { subscriptionId, apiVersion } = reveal(inputs).plain;
    if (typeof subscriptionId !== "string" || subscriptionId.trim() === "") {
      return { failures: [{ property: "subscriptionId", reason: "must be the Graph subscription id to reauthorize (the Subscription resource's id)" }] };
    }
    if (apiVersion !== undefined && !(apiVersions as readonly unknown[]).includes(apiVersion)) {
      return { failures: [{ property: "apiVersion", reason: `${redact(JSON.stringify(apiVersion))} is not a Graph API version; use ${apiVersions.join(" or ")}, or leave it out for the provider's` }] };
    }
    const through = await this.subscriptions.reauthorize(subscriptionId, apiVersion as ApiVersion | undefined);
    return { outputs: { subscriptionId, apiVersion: through } };
  }

  /** The shared implementation of the URN's resource type. */
  private implementationOf(urn: Urn): SubscriptionProvider | SubscriptionSetProvider {
    const { type } = parseUrn(urn);
    if (type === subscriptionToken) return this.subscriptions;
    if (type === subscriptionSetToken) return this.sets;
    throw new Error(`${packageName} has no resource type ${type}; it has ${subscriptionToken} and ${subscriptionSetToken}`);
  }
}
