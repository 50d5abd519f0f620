/**
 * The package schema is generated from the tables, never written by hand: the committed sdk/schema.json (from
 * which the SDKs are generated) must be what the tables give today, and each input's row shows in it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { packageSchema, packageSchemaText, subscriptionToken } from "../../provider/native/packageSchema";
import { graphDefaultOf, inputProperties, type InputBehaviour } from "../../provider/subscription/inputs";
import { subscriptionInputNames, type SubscriptionInputName } from "../../provider/schema";

const committed = path.join(__dirname, "..", "..", "sdk", "schema.json");
const schema = packageSchema();
const resource = schema.resources[subscriptionToken]!;
const rows = Object.entries(inputProperties) as Array<[SubscriptionInputName, InputBehaviour]>;
const inSchema = rows.filter(([name]) => name !== "ownerMark");

it("the committed sdk/schema.json is what the tables generate (run npm run sdk when this fails)", () => {
  expect(fs.readFileSync(committed, "utf8")).toBe(packageSchemaText());
});

it("carries the npm package's version", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
  expect(schema.version).toBe(manifest.version);
});

it("lists every program input, and not the ownership mark the provider derives from the URN", () => {
  expect(Object.keys(resource.inputProperties).sort()).toEqual(subscriptionInputNames.filter((name) => name !== "ownerMark").sort());
});

it.each(inSchema)("%s: secret, default and replace-on-change as its input-table row says, with a description", (name, row) => {
  const spec = resource.inputProperties[name]!;
  expect(spec.description).toEqual(expect.any(String));
  expect(spec.secret === true).toBe(row.secret === true);
  expect(spec.default).toBe(graphDefaultOf(name));
  expect(spec.replaceOnChanges === true).toBe(row.update === "replace" && row.signInOnly === undefined);
});

it("the connection's secret fields are secret in its type, the rest readable", () => {
  const connection = schema.types["msgraph-subscriptions:index:Connection"]!;
  const secretFields = Object.entries(connection.properties).filter(([, spec]) => (spec as { secret?: boolean }).secret).map(([field]) => field);
  expect(secretFields).toEqual(inputProperties.connection.secret);
  expect(connection.required).toEqual(["tenantId", "clientId"]);
});

it("the provider's settings are its config variables and its inputs, clientSecret secret", () => {
  expect(schema.provider.inputProperties).toBe(schema.config.variables);
  const secrets = Object.entries(schema.config.variables).filter(([, spec]) => spec.secret).map(([name]) => name);
  expect(secrets).toEqual(["clientSecret"]);
});
