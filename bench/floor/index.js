// The benchmark's floor: `count` resources with the same inputs and the same output properties as
// bench/ours (the template, "{i}" replaced by the zero-padded index), whose provider (the installed package
// msgraph-bench-floor-provider, bench/floor-provider) does nothing but wait the `latencyMs` config value per
// create, read, update and delete, as a provider whose Graph answers in that time would. Like ours, it is
// stored in state as a require of an installed package, so the two differ only in what the provider does.
// Bumping the `generation` config value makes every resource update (the floor's renewal). Plain JavaScript,
// so the CLI runs it as it is.
//
// Each resource has exactly ours' input properties: the generation rides in the owner mark (seven digits, as
// ours' mark), and the latency is provider config. Two inputs more per resource (as this program once had)
// are two outputs more for the engine and the program to carry, and made the floor's preview slower than ours.
const pulumi = require("@pulumi/pulumi");
const { Floor } = require("msgraph-bench-floor-provider");

const config = new pulumi.Config();
const count = config.requireNumber("count");
const ownerMark = String(config.getNumber("generation") ?? 0).padStart(7, "0");
const template = JSON.stringify(config.requireObject("template"));

for (let i = 0; i < count; i++) {
  const args = JSON.parse(template.split("{i}").join(String(i).padStart(12, "0")));
  new Floor(`s-${i}`, { ...args, ownerMark });
}
