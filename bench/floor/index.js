// The benchmark's floor: `count` dynamic resources whose provider does nothing but wait `latencyMs` per
// create, read, update and delete, as a provider whose Graph answers in that time would. Bumping the
// `generation` config value makes every resource update (the floor's renewal). Plain JavaScript, so the
// CLI runs it as it is.
const pulumi = require("@pulumi/pulumi");

const config = new pulumi.Config();
const count = config.requireNumber("count");
const latencyMs = config.getNumber("latencyMs") ?? 0;
const generation = config.get("generation") ?? "0";

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const provider = {
  async check(olds, news) {
    return { inputs: news };
  },
  async diff(id, olds, news) {
    return { changes: olds.generation !== news.generation };
  },
  async create(inputs) {
    await wait(inputs.latencyMs);
    return { id: `floor-${inputs.index}`, outs: inputs };
  },
  async read(id, props) {
    await wait(props.latencyMs);
    return { id, props };
  },
  async update(id, olds, news) {
    await wait(news.latencyMs);
    return { outs: news };
  },
  async delete(id, props) {
    await wait(props.latencyMs);
  },
};

class Floor extends pulumi.dynamic.Resource {
  constructor(name, args) {
    super(provider, name, args, {}, "bench", "Floor");
  }
}

const pad = config.get("pad") ?? "";
for (let index = 0; index < count; index++) new Floor(`floor-${index}`, { index, latencyMs, generation, ...(pad ? { pad } : {}) });
