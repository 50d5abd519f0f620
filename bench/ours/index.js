// The benchmark's contestant: `count` Subscription resources made from one template, and nothing else,
// so that it differs from the floor program (bench/floor) only in the provider. "{i}" in any string of
// the template becomes the index, zero-padded to 12 digits. Plain JavaScript, so the CLI runs it as it is.
const pulumi = require("@pulumi/pulumi");
const { Subscription } = require("pulumi-msgraph-subscriptions");

const config = new pulumi.Config();
const count = config.requireNumber("count");
const template = JSON.stringify(config.requireObject("template"));

for (let i = 0; i < count; i++) new Subscription(`s-${i}`, JSON.parse(template.split("{i}").join(String(i).padStart(12, "0"))));
