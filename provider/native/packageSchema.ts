import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { rawSettings, secretSettings } from "../graph/settings";
import { connectionInput, subscriptionInputs, subscriptionSetInputs, type SubscriptionInputName } from "../schema";
import { graphDefaultOf, inputProperties, type InputBehaviour } from "../subscription/inputs";
import { outputOnlyProperties } from "../subscription/state";
import { apiVersions } from "../vocabulary";

/**
 * The Pulumi package schema of the native provider, made from the tables: types and descriptions from the zod
 * schemas (schema.ts, graph/settings.ts), secrets, defaults and replace-on-change from the input table
 * (subscription/inputs.ts), the outputs from state.ts. The plugin serves it (GetSchema: the YAML host reads it),
 * and `npm run schema` writes it to sdk/schema.json, from which the Python and Go SDKs are generated. Nothing
 * here is written by hand per property; test/native/packageSchema.test.ts fails when sdk/schema.json is stale.
 */

export const packageName = "msgraph-subscriptions";
export const subscriptionToken = `${packageName}:index:Subscription`;
export const subscriptionSetToken = `${packageName}:index:SubscriptionSet`;
export const connectionToken = `${packageName}:index:Connection`;
export const reauthorizeToken = `${packageName}:index:reauthorize`;

/** Inputs the fronts set themselves: the ownership mark comes from the resource's URN, never from the program. */
const frontOnlyInputs: readonly SubscriptionInputName[] = ["ownerMark"];

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  const?: unknown;
}

export interface PropertySpec {
  type?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  oneOf?: PropertySpec[];
  $ref?: string;
  description?: string;
  secret?: boolean;
  default?: unknown;
  replaceOnChanges?: boolean;
}

/** The package's version: the npm package's, which the plugin also reports. */
export function packageVersion(): string {
  let dir = __dirname;
  for (;;) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (manifest.name === "pulumi-msgraph-subscriptions" && manifest.version) return manifest.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json of pulumi-msgraph-subscriptions above ${__dirname}`);
    dir = parent;
  }
}

/**
 * A zod type as the schema's type: JSON Schema's scalars map one to one, an enum is its base type (the values go in
 * the description). A union of a scalar and a list (changeType: "created,updated" or ["created", "updated"]) is its
 * scalars only: the Python SDK's serializer fails on a list inside a union ("Unexpected type. Expected 'list'",
 * pulumi 3.259.0, runtime/rpc.py), and the comma-separated string says the same.
 */
function typeOf(json: JsonSchema): PropertySpec {
  if (json.anyOf) {
    const scalars = json.anyOf.filter((member) => member.type !== "array");
    const members = scalars.length > 0 ? scalars : json.anyOf;
    return members.length === 1 ? typeOf(members[0]!) : { oneOf: members.map(typeOf) };
  }
  if (Array.isArray(json.type)) return { oneOf: json.type.map((type) => typeOf({ type })) };
  if (json.type === "array") return { type: "array", items: typeOf(json.items ?? { type: "string" }) };
  if (json.type === "string" || json.type === "boolean" || json.type === "integer" || json.type === "number") return { type: json.type };
  throw new Error(`no package-schema type for ${JSON.stringify(json)}`);
}

function property(json: JsonSchema): PropertySpec {
  return { ...typeOf(json), ...(json.description ? { description: json.description } : {}) };
}

const jsonOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;

function inputSpecs(): Record<string, PropertySpec> {
  const json = jsonOf(subscriptionInputs);
  const specs: Record<string, PropertySpec> = {};
  for (const [name, row] of Object.entries(inputProperties) as Array<[SubscriptionInputName, InputBehaviour]>) {
    if (frontOnlyInputs.includes(name)) continue;
    const given = json.properties![name]!;
    const spec: PropertySpec = name === "connection" ? { $ref: `#/types/${connectionToken}`, description: given.description } : property(given);
    if (row.secret === true) spec.secret = true;
    const graphDefault = graphDefaultOf(name);
    if (graphDefault !== undefined) spec.default = graphDefault;
    // Only where every change replaces: a connection's sign-in fields change without a replace (inputs.ts).
    if (row.update === "replace" && !row.signInOnly) spec.replaceOnChanges = true;
    specs[name] = spec;
  }
  return specs;
}

/** The set's inputs: the Subscription's but `resource`, and the list of paths (schema.ts, subscriptionSetInputs). */
function setInputSpecs(): Record<string, PropertySpec> {
  const { resource: _resource, ...shared } = inputSpecs();
  return { resources: property(jsonOf(subscriptionSetInputs).properties!.resources!), ...shared };
}

function setOutputSpecs(inputs: Record<string, PropertySpec>): Record<string, PropertySpec> {
  const outputs: Record<string, PropertySpec> = {};
  for (const [name, spec] of Object.entries(inputs)) {
    const { default: _default, replaceOnChanges: _replace, ...output } = spec;
    outputs[name] = output;
  }
  outputs.changeType = { type: "string", description: inputs.changeType!.description };
  outputs.subscriptionIds = {
    type: "object",
    additionalProperties: { type: "string" },
    description: "Graph's subscription id for each resource path of `resources`.",
  };
  return outputs;
}

function connectionType() {
  const json = jsonOf(connectionInput);
  const secretFields = inputProperties.connection.secret as readonly string[];
  const properties = Object.fromEntries(
    Object.entries(json.properties!).map(([name, field]) => {
      // workloadIdentity is the literal true in zod; the schema's type is boolean.
      const spec = field.const === true ? { type: "boolean", description: field.description } : property(field);
      return [name, secretFields.includes(name) ? { ...spec, secret: true } : spec];
    }),
  );
  return {
    type: "object",
    description: json.description ?? "One app registration in one tenant, on one Graph.",
    properties,
    required: json.required ?? [],
  };
}

function settingSpecs(): Record<string, PropertySpec> {
  const json = z.toJSONSchema(rawSettings, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const defaults = rawSettings.parse({});
  return Object.fromEntries(
    Object.entries(json.properties!).map(([name, field]) => {
      // Settings arrive as strings from config or the environment; the schema gives the type they parse to.
      const value = (defaults as Record<string, unknown>)[name];
      // A stringbool reads as a string in JSON Schema; its boolean default tells it apart.
      const spec: PropertySpec = typeof value === "boolean" ? { type: "boolean", description: field.description } : property(field);
      if (typeof value === "number" || name === "maxRetries" || name.endsWith("Seconds")) spec.type = "integer";
      if (value !== undefined) spec.default = value;
      if ((secretSettings as readonly string[]).includes(name)) spec.secret = true;
      return [name, spec];
    }),
  );
}

function outputSpecs(inputs: Record<string, PropertySpec>): Record<string, PropertySpec> {
  const outputs: Record<string, PropertySpec> = {};
  for (const [name, spec] of Object.entries(inputs)) {
    const { default: _default, replaceOnChanges: _replace, ...output } = spec;
    outputs[name] = output;
  }
  // Stored canonical: one comma-separated string.
  outputs.changeType = { type: "string", description: inputs.changeType!.description };
  for (const [name, spec] of Object.entries(outputOnlyProperties)) outputs[name] = { type: spec.type, description: spec.description };
  return outputs;
}

export function packageSchema() {
  const inputs = inputSpecs();
  const settings = settingSpecs();
  const requiredInputs = (jsonOf(subscriptionInputs).required ?? []).filter((name) => !frontOnlyInputs.includes(name as SubscriptionInputName));
  const setRequiredInputs = (jsonOf(subscriptionSetInputs).required ?? []).filter((name) => !frontOnlyInputs.includes(name as SubscriptionInputName));
  return {
    name: packageName,
    displayName: "Microsoft Graph change-notification subscriptions",
    version: packageVersion(),
    description:
      "Microsoft Graph change-notification subscriptions as Pulumi resources: validated against Graph's documented rules before anything is sent, renewed by pulumi up.",
    keywords: ["pulumi", "microsoft-graph", "msgraph", "change-notifications", "webhooks", "category/cloud", "kind/native"],
    homepage: "https://github.com/pulumi-msgraph-subscriptions/pulumi-msgraph-subscriptions#readme",
    repository: "https://github.com/pulumi-msgraph-subscriptions/pulumi-msgraph-subscriptions",
    license: "Apache-2.0",
    publisher: "pulumi-msgraph-subscriptions",
    config: { variables: settings },
    provider: {
      description: "The provider's settings: the stack's `msgraph-subscriptions:*` config (each falling back to its MSGRAPH_* environment variable), or an explicit provider's inputs, for a second tenant or app.",
      inputProperties: settings,
    },
    types: { [connectionToken]: connectionType() },
    resources: {
      [subscriptionToken]: {
        description:
          "A Microsoft Graph change-notification subscription. Validated against Graph's documented rules at preview, created with POST /subscriptions, " +
          "renewed in place by `pulumi up` (PATCH), replaced when Graph cannot change it in place, deleted with DELETE. `clientState` is always stored as a secret.",
        inputProperties: inputs,
        requiredInputs,
        properties: outputSpecs(inputs),
        required: [...requiredInputs, "expirationDateTime", "graphApiVersion"],
      },
      [subscriptionSetToken]: {
        description:
          "Many change-notification subscriptions that share every input but the resource path, as one resource: for fleets of hundreds or thousands " +
          "(every user's mailbox), where one resource per subscription makes the Pulumi engine, not Graph, the slow part. Each path is checked, created, renewed and " +
          "deleted as a Subscription's would be, at the pace Graph's throttle allows; adding or removing a path creates or deletes only that subscription. " +
          "A create or update changes all or nothing: when a subscription fails, those the run created are deleted again. `clientState` is always stored as a secret.",
        inputProperties: setInputSpecs(),
        requiredInputs: setRequiredInputs,
        properties: setOutputSpecs(setInputSpecs()),
        required: [...setRequiredInputs, "subscriptionIds"],
      },
    },
    functions: {
      [reauthorizeToken]: {
        description:
          "POST /subscriptions/{id}/reauthorize with the provider's connection: answers a reauthorizationRequired lifecycle event without renewing. " +
          "It runs whenever the program runs, preview included, so call it only outside a preview (Python: `pulumi.runtime.is_dry_run()`, Go: `ctx.DryRun()`). " +
          "Graph asks not to reauthorize within ten minutes of a PATCH of the same subscription.",
        inputs: {
          properties: {
            subscriptionId: { type: "string", description: "The Graph subscription id (the Subscription resource's id)." },
            apiVersion: { type: "string", description: `The Graph API version (${apiVersions.join(" or ")}). Default: the provider's apiVersion setting.` },
          },
          required: ["subscriptionId"],
        },
        outputs: {
          properties: {
            subscriptionId: { type: "string", description: "The subscription that was reauthorized." },
            apiVersion: { type: "string", description: "The API version it was reauthorized through." },
          },
          required: ["subscriptionId", "apiVersion"],
        },
      },
    },
    language: {
      python: { packageName: "pulumi_msgraph_subscriptions", respectSchemaVersion: true, requires: { pulumi: ">=3.142.0,<4.0.0" } },
      go: {
        importBasePath: "github.com/pulumi-msgraph-subscriptions/pulumi-msgraph-subscriptions/sdk/go/msgraphsubscriptions",
        respectSchemaVersion: true,
      },
      nodejs: { packageName: "pulumi-msgraph-subscriptions", respectSchemaVersion: true },
    },
  };
}

/** The schema as committed in sdk/schema.json: stable key order, two-space indent, a final newline. */
export function packageSchemaText(): string {
  return `${JSON.stringify(packageSchema(), null, 2)}\n`;
}
