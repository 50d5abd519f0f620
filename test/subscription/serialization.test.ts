import { execFileSync } from "node:child_process";
import * as path from "node:path";

/**
 * Pulumi stores the serialized provider (`__provider`) in state, twice per resource. These tests
 * serialize it the way a real program does: in a separate Node process (jest's module sandbox
 * changes how the serializer sees modules), from the compiled package.
 */
const root = path.join(__dirname, "..", "..");
const secretMarkers = { MSGRAPH_CLIENT_SECRET: "marker-client-secret-7f3a", AZURE_CLIENT_SECRET: "marker-azure-secret-9c1d" };
const clientStateMarker = "marker-client-state-42b8";
const connectionSecretMarker = "marker-connection-secret-d3f1";

function runInNode(script: string): any {
  const output = execFileSync(process.execPath, ["-e", script], {
    cwd: root,
    env: { ...process.env, ...secretMarkers, MSGRAPH_TENANT_ID: "tenant", MSGRAPH_CLIENT_ID: "client" },
    encoding: "utf8",
  });
  return JSON.parse(output.trim().split("\n").pop()!);
}

describe("the serialized provider", () => {
  let serialized: { text: string; containsSecrets: boolean };
  beforeAll(() => {
    serialized = runInNode(`
      const pulumi = require("@pulumi/pulumi");
      const subscriptionProvider = require("./dist/provider/dynamic/provider.js");
      pulumi.runtime.serializeFunction(() => subscriptionProvider, { allowSecrets: true })
        .then((sf) => console.log(JSON.stringify({ text: sf.text, containsSecrets: sf.containsSecrets })));
    `);
  }, 60_000);

  it("requires the implementation by package name, not by a path on this machine", () => {
    // The module name is captured as a constant and required when a method runs.
    expect(serialized.text).toContain('implementation: "pulumi-msgraph-subscriptions/implementation"');
    // Required once, on the first call, by the package export rather than a path inside dist/.
    expect(serialized.text.match(/require\((\w+)\)/g)).toEqual(["require(implementation)"]);
    expect(serialized.text).not.toContain(root);
    expect(serialized.text).not.toMatch(/require\("(\.|\/)/);
  });

  it("captures no credential from the environment and no secret Output", () => {
    for (const marker of Object.values(secretMarkers)) expect(serialized.text).not.toContain(marker);
    expect(serialized.containsSecrets).toBe(false);
  });

  it("stays small, because the implementation is loaded at run time instead of copied into state", () => {
    expect(serialized.text.length).toBeLessThan(5_000);
  });
});

describe("a Subscription registered by a program", () => {
  let registered: { type: string; provider: string; inputs: Record<string, unknown> };
  beforeAll(() => {
    registered = runInNode(`
      const pulumi = require("@pulumi/pulumi");
      let seen;
      pulumi.runtime.setMocks({
        newResource: (args) => { seen = args; return { id: "id-1", state: args.inputs }; },
        call: () => ({}),
      }, "project", "stack", false);
      const { Subscription } = require("pulumi-msgraph-subscriptions");
      const sub = new Subscription("mail", {
        resource: "users/{id}/messages", changeType: ["updated", "created"],
        notificationUrl: "https://example.com/notify", clientState: "${clientStateMarker}",
        connection: {
          tenantId: "7c1f4a2e-9b3d-4e6f-8a5c-2d0e1f3b4a5c", clientId: "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f",
          clientSecret: "${connectionSecretMarker}",
        },
      });
      sub.urn.apply(() => setTimeout(() => console.log(JSON.stringify({
        type: seen.type, provider: seen.inputs.__provider, inputs: seen.inputs,
      })), 100));
    `);
  }, 60_000);

  it("has the type token pulumi-nodejs:dynamic/msgraph:Subscription", () => {
    expect(registered.type).toBe("pulumi-nodejs:dynamic/msgraph:Subscription");
  });

  it("keeps clientState and the connection's client secret out of the serialized provider", () => {
    expect(registered.provider).not.toContain(clientStateMarker);
    expect(registered.provider).not.toContain(connectionSecretMarker);
    for (const marker of Object.values(secretMarkers)) expect(registered.provider).not.toContain(marker);
  });

  it("registers the connection as an input holding a secret, given as a plain string", () => {
    // The mock monitor lifts a nested secret to its object; the engine keeps it on the field (test/engine/connections.test.ts).
    expect(registered.inputs.connection).toEqual({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: expect.objectContaining({ clientSecret: connectionSecretMarker }) });
  });
});
