// The benchmark's fleet contestant: `count` subscriptions made from one template, as one SubscriptionSet
// (the resource paths are the template's `resource` with "{i}" replaced by the zero-padded index; the rest of
// the template is shared). Plain JavaScript, so the CLI runs it as it is.
const pulumi = require("@pulumi/pulumi");
const { SubscriptionSet } = require("pulumi-msgraph-subscriptions");

const config = new pulumi.Config();
const count = config.requireNumber("count");
const { resource, ...shared } = config.requireObject("template");

const resources = Array.from({ length: count }, (_, i) => resource.split("{i}").join(String(i).padStart(12, "0")));
new SubscriptionSet("fleet", { ...shared, resources });
