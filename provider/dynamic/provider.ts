import type * as pulumi from "@pulumi/pulumi";

/**
 * The provider object Pulumi serializes into state (`__provider`). It is deliberately tiny: on its
 * first call in a provider process it requires the implementation by package export, so
 * - no credential, client or setting is ever captured into state (they are read in configure or
 *   from the environment, inside the provider process);
 * - editing the implementation does not change `__provider`, so upgrades cause no spurious diffs,
 *   and refresh and delete run the installed code, not a copy frozen in old state.
 * The dynamic-provider host deserializes this object once per process and calls its methods on it, so
 * the implementation it makes (and that implementation's provider context) lives on the object itself.
 * The provider process resolves the package from the program's directory.
 *
 * States written by 0.1.0 name `pulumi-msgraph-subscriptions/dist/provider/subscription/lifecycle.js`;
 * that module stays, forwarding to the same implementation.
 *
 * The object is this module's whole export (`export =`), and the package exports the module as
 * `pulumi-msgraph-subscriptions/provider`. Pulumi's serializer writes a module's export as a `require`
 * of it when the module is installed under node_modules, so a consumer's state holds
 * `require("pulumi-msgraph-subscriptions/provider")` (about 300 bytes) instead of every method's source
 * (2.7 KB), twice per resource. The engine rewrites the whole state after every step, so this size is
 * paid N times over in every `pulumi up` (BENCHMARKS.md). That name is now stable API. In this
 * repository's own tests the package is linked, not installed, and the object is serialized by value.
 * Either way the provider host deserializes it once per process, so `loaded` is per process.
 */
const implementation = "pulumi-msgraph-subscriptions/implementation";

interface SerializedProvider extends pulumi.dynamic.ResourceProvider {
  loaded?: Required<pulumi.dynamic.ResourceProvider>;
  load(): Required<pulumi.dynamic.ResourceProvider>;
}

const subscriptionProvider: SerializedProvider = {
  load() {
    if (!this.loaded) {
      require("pulumi-msgraph-subscriptions/dist/provider/compileCache.js");
      this.loaded = require(implementation).createSubscriptionProvider();
    }
    return this.loaded!;
  },
  async configure(req) {
    return this.load().configure(req);
  },
  async check(olds, news) {
    return this.load().check(olds, news);
  },
  async diff(id, olds, news) {
    return this.load().diff(id, olds, news);
  },
  async create(inputs) {
    return this.load().create(inputs);
  },
  async read(id, props) {
    return this.load().read(id, props);
  },
  async update(id, olds, news) {
    return this.load().update(id, olds, news);
  },
  async delete(id, props) {
    return this.load().delete(id, props);
  },
};

export = subscriptionProvider;
