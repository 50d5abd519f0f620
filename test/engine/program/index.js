// The engine tests' Pulumi program: declares the subscriptions listed in the stack config key
// `subscriptions` ({"<name>": {...Subscription inputs, "options": {...resource options}}}), as a consumer
// would, and exports every output of each. Each one's clientState comes from the secret config key
// `clientStates` ({"<name>": "..."}) when `secretClientState` is set, as a consumer keeps it (or is the plain
// string `plainClientState`, as a program that writes it in its code has it); likewise its
// connection's clientSecret from the secret config key `connectionSecrets` when `secretConnection` is set, and the
// whole connection becomes one Output (as config.requireSecretObject would give it) when `connectionAsOutput` is set.
// A spec with `resources` (a list of paths) instead of `resource` is a SubscriptionSet.
// Plain JavaScript, so the CLI runs it as it is.
const pulumi = require("@pulumi/pulumi");
const { Subscription, SubscriptionSet } = require("pulumi-msgraph-subscriptions");

const outputNames = [
  "resource", "changeType", "notificationUrl", "lifecycleNotificationUrl", "expirationDateTime", "clientState",
  "applicationId", "creatorId", "notificationContentType", "includeResourceData", "latestSupportedTlsVersion",
  "graphApiVersion", "ruleId",
];

module.exports = async () => {
  const config = new pulumi.Config();
  const specs = { ...config.getObject("subscriptions") };
  // Many alike subscriptions, without a config value too large for a command line: "{i}" in any string of
  // the template becomes the index, zero-padded to 12 digits (so it fits the last group of a GUID).
  const generated = config.getObject("generated");
  if (generated) {
    const template = JSON.stringify(generated.template);
    for (let i = 0; i < generated.count; i++) specs[`${generated.prefix}-${i}`] = JSON.parse(template.split("{i}").join(String(i).padStart(12, "0")));
  }
  const clientStates = config.getSecretObject("clientStates");
  const connectionSecrets = config.getSecretObject("connectionSecrets");
  const outputs = {};
  for (const [name, spec] of Object.entries(specs)) {
    const { options, secretClientState, plainClientState, secretConnection, connectionAsOutput, ...args } = spec;
    if (secretClientState) args.clientState = clientStates.apply((all) => all[name]);
    if (plainClientState !== undefined) args.clientState = plainClientState;
    if (secretConnection) args.connection = { ...args.connection, clientSecret: connectionSecrets.apply((all) => all[name]) };
    if (connectionAsOutput) args.connection = pulumi.output(args.connection);
    if (Array.isArray(args.resources)) {
      const set = new SubscriptionSet(name, args, options);
      outputs[name] = { id: set.id, resources: set.resources, subscriptionIds: set.subscriptionIds, clientState: set.clientState };
      continue;
    }
    const subscription = new Subscription(name, args, options);
    outputs[name] = { id: subscription.id };
    for (const output of outputNames) outputs[name][output] = subscription[output];
  }
  return outputs;
};
