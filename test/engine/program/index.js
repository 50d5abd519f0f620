// The engine tests' Pulumi program: declares the subscriptions listed in the stack config key
// `subscriptions` ({"<name>": {...Subscription inputs, "options": {...resource options}}}), as a consumer
// would, and exports every output of each. Each one's clientState comes from the secret config key
// `clientStates` ({"<name>": "..."}) when `secretClientState` is set, as a consumer keeps it. Plain JavaScript, so the CLI runs it as it is.
const pulumi = require("@pulumi/pulumi");
const { Subscription } = require("pulumi-msgraph-subscriptions");

const outputNames = [
  "resource", "changeType", "notificationUrl", "lifecycleNotificationUrl", "expirationDateTime", "clientState",
  "applicationId", "creatorId", "notificationContentType", "includeResourceData", "latestSupportedTlsVersion",
  "graphApiVersion", "ruleId",
];

module.exports = async () => {
  const config = new pulumi.Config();
  const specs = config.requireObject("subscriptions");
  const clientStates = config.getSecretObject("clientStates");
  const outputs = {};
  for (const [name, spec] of Object.entries(specs)) {
    const { options, secretClientState, ...args } = spec;
    if (secretClientState) args.clientState = clientStates.apply((all) => all[name]);
    const subscription = new Subscription(name, args, options);
    outputs[name] = { id: subscription.id };
    for (const output of outputNames) outputs[name][output] = subscription[output];
  }
  return outputs;
};
