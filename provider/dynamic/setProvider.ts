import type * as pulumi from "@pulumi/pulumi";

/**
 * The SubscriptionSet's provider object, as Pulumi serializes it into state: like provider.ts for Subscription,
 * tiny, loading the implementation by its package export on first call, and exported by the package as
 * `pulumi-msgraph-subscriptions/set-provider`, so a consumer's state holds a `require` of it.
 */
const implementation = "pulumi-msgraph-subscriptions/set-implementation";

interface SerializedProvider extends pulumi.dynamic.ResourceProvider {
  loaded?: Required<pulumi.dynamic.ResourceProvider>;
  load(): Required<pulumi.dynamic.ResourceProvider>;
}

const subscriptionSetProvider: SerializedProvider = {
  load() {
    if (!this.loaded) {
      require("pulumi-msgraph-subscriptions/dist/provider/compileCache.js");
      this.loaded = require(implementation).createSubscriptionSetProvider();
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

export = subscriptionSetProvider;
