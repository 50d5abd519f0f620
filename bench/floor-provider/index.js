// The floor's resource: the output properties the Subscription class declares, over the floor provider.
const pulumi = require("@pulumi/pulumi");
const provider = require("./provider");

const outputNames = [
  "resource", "changeType", "notificationUrl", "lifecycleNotificationUrl", "expirationDateTime", "clientState", "applicationId",
  "creatorId", "notificationContentType", "includeResourceData", "latestSupportedTlsVersion", "graphApiVersion", "ruleId",
];

class Floor extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(provider, name, { ...Object.fromEntries(outputNames.map((n) => [n, undefined])), ...args }, opts, "bench", "Floor");
  }
}

module.exports = { Floor };
