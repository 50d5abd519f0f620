/** The native front's own translation: settings from Configure, the URN's ownership mark, and the function's arguments. */
import { NativeProvider } from "../../provider/native/nativeProvider";
import { ownerMarkFor } from "../../provider/ownership";

const urn = "urn:pulumi:dev::mail-app::msgraph-subscriptions:index:Subscription::inbox";

it("check sets the ownership mark from the URN's project, stack and name, as the TypeScript class does from the program's", async () => {
  const provider = new NativeProvider();
  provider.configure(new Map(), { apiVersion: "v1.0", permissionType: "application" });
  const result = await provider.check(urn, {}, { resource: "groups", changeType: "updated", notificationUrl: "https://example.com/notify", ownerMark: "0000000" });
  expect(result.failures ?? []).toEqual([]);
  expect((result.inputs as Record<string, unknown>).ownerMark).toBe(ownerMarkFor("mail-app", "dev", "inbox"));
});

it.each([
  ["an explicit provider's input", new Map<string, string>(), { apiVersion: "nope" }],
  ["a stack config variable", new Map([["msgraph-subscriptions:config:apiVersion", "nope"]]), {}],
  ["a stack config variable, short form", new Map([["msgraph-subscriptions:apiVersion", "nope"]]), {}],
])("an invalid setting from %s fails configure naming the setting and its value", (_, variables, args) => {
  expect(() => new NativeProvider().configure(variables, args)).toThrow(/msgraph-subscriptions:apiVersion \(or MSGRAPH_API_VERSION\) = "nope"/);
});

it("a client secret given to configure as a secret is read, and never shown when the settings fail", () => {
  const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "very-secret-value" };
  let message = "";
  try {
    new NativeProvider().configure(new Map(), { clientSecret: secret, cloud: "mars" });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/msgraph-subscriptions:cloud/);
  expect(message).not.toContain("very-secret-value");
});

it.each([
  [{}, "subscriptionId"],
  [{ subscriptionId: "  " }, "subscriptionId"],
  [{ subscriptionId: "abc", apiVersion: "v2" }, "apiVersion"],
])("reauthorize with %j fails on %s before any request", async (inputs, property) => {
  const result = await new NativeProvider().invoke("msgraph-subscriptions:index:reauthorize", inputs);
  expect(result.failures?.map((f) => f.property)).toEqual([property]);
});

it("names what it has when asked for a function or a resource type it does not have", async () => {
  const provider = new NativeProvider();
  await expect(provider.invoke("msgraph-subscriptions:index:renew", {})).rejects.toThrow(/has no function msgraph-subscriptions:index:renew; it has msgraph-subscriptions:index:reauthorize/);
  await expect(provider.delete("x", "urn:pulumi:dev::p::msgraph-subscriptions:index:Thing::t", {})).rejects.toThrow(/has no resource type msgraph-subscriptions:index:Thing/);
});
