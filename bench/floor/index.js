// The benchmark's floor: `count` dynamic resources with the same inputs and the same output properties as
// bench/ours (the template, "{i}" replaced by the zero-padded index), whose provider does nothing but wait
// `latencyMs` per create, read, update and delete, as a provider whose Graph answers in that time would.
// So the two differ only in what the provider does. Bumping the `generation` config value makes every
// resource update (the floor's renewal). Plain JavaScript, so the CLI runs it as it is.
const pulumi = require("@pulumi/pulumi");

const config = new pulumi.Config();
const count = config.requireNumber("count");
const latencyMs = config.getNumber("latencyMs") ?? 0;
const generation = config.get("generation") ?? "0";
const template = JSON.stringify(config.requireObject("template"));

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** What Graph adds to a subscription, at the same sizes: the floor stores as much as ours does. */
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
  stateVersion: 2,
});
const provider = {
  async check(olds, news) {
    return { inputs: news };
  },
  async diff(id, olds, news) {
    return { changes: olds.generation !== news.generation };
  },
  async create(inputs) {
    await wait(inputs.latencyMs);
    return { id: `floor-${inputs.resource}`, outs: graphLike(inputs) };
  },
  async read(id, props) {
    await wait(props.latencyMs);
    return { id, props };
  },
  async update(id, olds, news) {
    await wait(news.latencyMs);
    return { outs: graphLike(news) };
  },
  async delete(id, props) {
    await wait(props.latencyMs);
  },
};

/** The output properties the Subscription class declares. */
const outputNames = [
  "resource", "changeType", "notificationUrl", "lifecycleNotificationUrl", "expirationDateTime", "clientState", "applicationId",
  "creatorId", "notificationContentType", "includeResourceData", "latestSupportedTlsVersion", "graphApiVersion", "ruleId",
];

class Floor extends pulumi.dynamic.Resource {
  constructor(name, args) {
    super(provider, name, { ...Object.fromEntries(outputNames.map((n) => [n, undefined])), ...args }, {}, "bench", "Floor");
  }
}

for (let i = 0; i < count; i++) {
  const args = JSON.parse(template.split("{i}").join(String(i).padStart(12, "0")));
  new Floor(`s-${i}`, { ...args, ownerMark: "0000000", latencyMs, generation });
}
