// The floor's provider: it does nothing but wait the stack's `latencyMs` config value per create, read, update
// and delete, as a provider whose Graph answered in that time would. It is this module's whole export, and the package is
// installed under node_modules, so Pulumi's serializer writes `require("msgraph-bench-floor-provider/provider")`
// into each resource's state, as it writes `require("pulumi-msgraph-subscriptions/provider")` for ours: the
// floor pays what ours pays to be stored, and no closure source.
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What Graph adds to a subscription, with values of the same length as Graph's, so the floor stores as
 * many bytes per resource as ours (the benchmark prints both sizes).
 */
const graphLike = (inputs) => ({
  ...inputs,
  applicationId: "00000000-0000-4000-8000-000000000000",
  creatorId: "00000000-0000-4000-8000-000000000000",
  expirationDateTime: "2026-01-01T00:00:00.0000000Z",
  lastWrittenExpirationDateTime: "2026-01-01T00:00:00.0000000Z",
  notificationContentType: "application/json",
  includeResourceData: false,
  latestSupportedTlsVersion: "v1_2",
  graphApiVersion: "v1.0",
  ruleId: "v1.0/message/users/{id}/messages",
  stateVersion: 1,
});

module.exports = {
  /** Graph's latency for this run; the engine configures the provider before its first call. */
  latencyMs: 0,
  async configure(req) {
    this.latencyMs = Number(req.config.get("msgraph-bench-floor:latencyMs") ?? 0);
  },
  async check(olds, news) {
    return { inputs: news };
  },
  // The program's generation is the owner mark's number: a new one updates every resource (the renewal).
  async diff(id, olds, news) {
    return { changes: olds.ownerMark !== news.ownerMark };
  },
  async create(inputs) {
    await wait(this.latencyMs);
    return { id: `floor-${inputs.resource}`, outs: graphLike(inputs) };
  },
  async read(id, props) {
    await wait(this.latencyMs);
    return { id, props };
  },
  async update(id, olds, news) {
    await wait(this.latencyMs);
    return { outs: graphLike(news) };
  },
  async delete(id, props) {
    await wait(this.latencyMs);
  },
};
