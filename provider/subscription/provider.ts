import type * as pulumi from "@pulumi/pulumi";

/**
 * The provider object Pulumi serializes into state (`__provider`). It is deliberately tiny: each
 * method requires the implementation by package name when it runs, so
 * - no credential, client or setting is ever captured into state (they are read in configure or
 *   from the environment, inside the provider process);
 * - editing the implementation does not change `__provider`, so upgrades cause no spurious diffs,
 *   and refresh and delete run the installed code, not a copy frozen in old state.
 * The provider process resolves the package from the program's directory.
 */
const implementation = "pulumi-msgraph-subscriptions/dist/provider/subscription/lifecycle.js";

export const subscriptionProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    return require(implementation).configure(req);
  },
  async check(olds, news) {
    return require(implementation).check(olds, news);
  },
  async diff(id, olds, news) {
    return require(implementation).diff(id, olds, news);
  },
  async create(inputs) {
    return require(implementation).create(inputs);
  },
  async read(id, props) {
    return require(implementation).read(id, props);
  },
  async update(id, olds, news) {
    return require(implementation).update(id, olds, news);
  },
  async delete(id, props) {
    return require(implementation).delete(id, props);
  },
};
