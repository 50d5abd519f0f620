import fc from "fast-check";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { graphIdentity } from "../../provider/graph/connection";
import { resolveSettings } from "../../provider/graph/settings";
import type { TokenPermissions } from "../../provider/graph/tokenClaims";
import { UNKNOWN } from "../../provider/rules/validate";
import { check } from "../../provider/subscription/check";
import { ConfiguredContext, ProviderContext } from "../../provider/subscription/context";
import { SubscriptionProvider } from "../../provider/subscription/implementation";
import { inputProperties, secretInputFields, secretInputNames, updatePolicy } from "../../provider/subscription/inputs";
import { connectionFieldNames, type ConnectionInput } from "../../provider/schema";
import { watchSecrets } from "../secretWatch";
import { hostileString, runs, secret as secretArbitrary } from "../property/arbitraries";

/**
 * The `connection` input (issue 12, point 1): its schema row, its comparison row and its secret, through the
 * provider's own check and diff. Nothing here reaches a network: token permissions are stubbed.
 */
const secret = "connection-secret-5b7e~Qx";
watchSecrets(secret, "rotated-secret-91d2~Zp");
const stackTenant = "5e1d6c3a-7f2b-4e8d-9a10-c0ffee5eed01";
const stackClient = "a1b2c3d4-0e5f-4a6b-8c7d-e0a1a7014e01";
const otherTenant = "7c1f4a2e-9b3d-4e6f-8a5c-2d0e1f3b4a5c";
const otherClient = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f";
const good: ConnectionInput = { tenantId: otherTenant, clientId: otherClient, clientSecret: secret };
const mail = { resource: "users/6b0e8c1d-2a3f-4e5d-9c7b-1a2b3c4d5e6f/messages", changeType: "created", notificationUrl: "https://hooks.example.com/mail" };

/** A context with the stack's app configured and token permissions stubbed (recorded per call). */
function contextWith(granted: TokenPermissions | undefined = undefined) {
  const context = ProviderContext.fromSettings(
    resolveSettings((key) => ({ "msgraph:tenantId": stackTenant, "msgraph:clientId": stackClient, "msgraph:clientSecret": "stack-secret-unused" })[key], {}),
  );
  const asked: Array<ConnectionInput | undefined> = [];
  Object.defineProperty(context, "tokenPermissions", {
    value: async (connection?: ConnectionInput) => {
      asked.push(connection);
      return granted;
    },
  });
  return { context, asked };
}

function withoutUndefined(connection: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(connection).filter(([, value]) => value !== undefined));
}

describe("check of a connection", () => {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "msgraph-connection-"));
  const certificate = path.join(tempDir, "app.pem");
  fs.writeFileSync(certificate, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
  afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

  it.each([
    ["a tenant that is neither a GUID nor a domain", { tenantId: "contoso corp" }, /^connection\.tenantId: 'contoso corp' is not a tenant: give the directory \(tenant\) id, a GUID .* or a verified domain .*; copy it from the app registration's Overview page$/],
    ["the multi-tenant alias common", { tenantId: "common" }, /^connection\.tenantId: 'common' is not a tenant: .*\(one tenant, not common or organizations\)/],
    ["a display name as the client id", { clientId: "contoso-sync" }, /^connection\.clientId: 'contoso-sync' is not an application \(client\) id, which is a GUID .*; copy the Application \(client\) ID/],
    ["a missing client id", { clientId: undefined }, /^connection\.clientId: \(missing\) must be the application \(client\) id; copy it from/],
    ["an unknown cloud", { cloud: "gov" }, /^connection\.cloud: 'gov' is not a cloud; use one of global, usgov-l4, usgov-l5, china \(default global\)$/],
    ["a plain-http endpoint", { endpoint: "http://graph.contoso.com" }, /^connection\.endpoint: 'http:\/\/graph\.contoso\.com' must be an https:\/\/ URL without a user name or password, such as https:\/\/graph\.microsoft\.us; leave it out/],
    ["an authority host carrying a password", { authorityHost: "https://sync:hunter2@login.contoso.com" }, /^connection\.authorityHost: 'https:\/\/\*\*\*@login\.contoso\.com' must be an https:\/\/ URL without a user name or password/],
    ["no credential", { clientSecret: undefined }, /^connection: no credential is given; set exactly one of clientSecret \(a Pulumi secret\), certificatePath .* or workloadIdentity: true$/],
    ["two credentials", { certificatePath: "/etc/app.pem" }, /^connection: clientSecret and certificatePath are given together; set exactly one of/],
    ["an empty secret", { clientSecret: "" }, /^connection\.clientSecret: \(value hidden\) is empty; pass the client secret's value/],
    ["a secret that is not a string", { clientSecret: 42 }, /^connection\.clientSecret: \(value hidden\) must be a string/],
    ["workloadIdentity: false", { clientSecret: undefined, workloadIdentity: false }, /^connection\.workloadIdentity: must be true when given, got false; write workloadIdentity: true/],
    ["a misspelt field holding the secret", { clientSecrt: secret }, /^connection\.clientSecrt: not a connection setting; did you mean 'clientSecret'\? a connection takes tenantId, clientId, /],
    ["a certificate file that is not there", { clientSecret: undefined, certificatePath: "/nonexistent/app.pem" }, /^connection\.certificatePath: no file at '\/nonexistent\/app\.pem' \(a relative path is read from the program's directory, .*\); point it at a PEM file/],
  ])("refuses %s, naming the field, the value, the rule and the fix, on the resource rather than the property", async (_name, change, reason) => {
    const { context, asked } = contextWith();
    const result = await check(context, { ...mail, connection: withoutUndefined({ ...good, ...change }) });
    // On the resource: the engine would print the property's value, nested secret included, in plaintext.
    expect(result.failures).toEqual([{ property: "", reason: expect.stringMatching(reason) }]);
    expect(JSON.stringify(result.failures)).not.toContain(secret);
    expect(asked).toEqual([]);
  });

  it("refuses workload identity when AZURE_FEDERATED_TOKEN_FILE is not set, and accepts it when it is", async () => {
    const connection = { tenantId: otherTenant, clientId: otherClient, workloadIdentity: true };
    const saved = process.env.AZURE_FEDERATED_TOKEN_FILE;
    try {
      delete process.env.AZURE_FEDERATED_TOKEN_FILE;
      const { context } = contextWith();
      expect((await check(context, { ...mail, connection })).failures).toEqual([
        { property: "", reason: expect.stringMatching(/^connection\.workloadIdentity: true needs AZURE_FEDERATED_TOKEN_FILE in the environment pulumi runs in/) },
      ]);
      process.env.AZURE_FEDERATED_TOKEN_FILE = certificate;
      expect((await check(context, { ...mail, connection })).failures).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.AZURE_FEDERATED_TOKEN_FILE;
      else process.env.AZURE_FEDERATED_TOKEN_FILE = saved;
    }
  });

  it.each([
    ["a client secret", good],
    ["a certificate file", { tenantId: "contoso.onmicrosoft.com", clientId: otherClient, certificatePath: certificate }],
    ["a sovereign cloud with its own hosts", { ...good, cloud: "usgov-l4", endpoint: "https://graph.microsoft.us", authorityHost: "https://login.microsoftonline.us/" }],
  ])("accepts a connection with %s and asks its own token, not the stack's, for the permissions", async (_name, connection) => {
    const { context, asked } = contextWith();
    const result = await check(context, { ...mail, connection });
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toMatchObject({ connection });
    expect(asked).toEqual([connection]);
  });

  it("asks the stack's token when the resource has no connection", async () => {
    const { context, asked } = contextWith();
    expect((await check(context, mail)).failures).toBeUndefined();
    expect(asked).toEqual([undefined]);
  });

  it("names the connection's app when its token lacks the permission", async () => {
    const { context } = contextWith({ permissionType: "application", granted: ["User.Read.All"] });
    const result = await check(context, { ...mail, connection: good });
    expect(result.failures).toEqual([
      {
        property: "resource",
        reason: expect.stringMatching(new RegExp(`needs one of these application permissions: Mail\\.Read.*Grant one of them to the app registration ${otherClient} in tenant ${otherTenant} \\(this resource's connection\\)`)),
      },
    ]);
  });

  it("checks the resource against the connection's cloud, not the stack's", async () => {
    const { context } = contextWith();
    const todo = { resource: "users/6b0e8c1d-2a3f-4e5d-9c7b-1a2b3c4d5e6f/todo/lists/AAMkAGI/tasks", changeType: "created", notificationUrl: "https://hooks.example.com/todo" };
    expect((await check(context, { ...todo, connection: good })).failures).toBeUndefined();
    expect((await check(context, { ...todo, connection: { ...good, cloud: "usgov-l4" } })).failures).toEqual([
      { property: "resource", reason: expect.stringMatching(/available only in the global cloud, but the provider targets 'usgov-l4'/) },
    ]);
  });

  it("waits, during preview, for a connection holding an unknown value: no failure and no token", async () => {
    const { context, asked } = contextWith();
    const result = await check(context, { ...mail, connection: { ...good, clientId: UNKNOWN, cloud: UNKNOWN } });
    expect(result.failures).toBeUndefined();
    expect(asked).toEqual([]);
  });

  // 500 cases with the shared seed (test/property/arbitraries.ts says how to replay one).
  it("never shows the client secret, whatever else the connection holds", async () => {
    await fc.assert(
      fc.asyncProperty(
        secretArbitrary,
        fc.record({ tenantId: hostileString, clientId: hostileString, cloud: hostileString, endpoint: hostileString, authorityHost: hostileString, extra: hostileString }, { requiredKeys: [] }),
        async (clientSecret, fields) => {
          const { context } = contextWith();
          const { extra, ...rest } = fields;
          const connection = { ...good, ...rest, clientSecret, ...(extra === undefined ? {} : { [extra || "x"]: clientSecret }) };
          const result = await check(context, { ...mail, connection });
          for (const failure of result.failures ?? []) expect(failure.reason).not.toContain(clientSecret);
        },
      ),
      runs(500),
    );
  });
});

describe("the connection row of the input table", () => {
  const row = inputProperties.connection;

  it("keeps only clientSecret secret, so tenant and app stay readable in state and previews", () => {
    expect(secretInputFields).toEqual({ connection: ["clientSecret"] });
    expect(secretInputNames).not.toContain("connection");
  });

  it("replaces on a graph-identity change and records a sign-in change without calling Graph", () => {
    expect(updatePolicy.connection).toBe("replace");
    expect(row.signInOnly.update).toBe("state");
  });

  // A sample value for each field, and another one: every field is either part of the graph identity or sign-in only.
  const samples: Record<keyof ConnectionInput, [unknown, unknown]> = {
    tenantId: [otherTenant, stackTenant],
    clientId: [otherClient, stackClient],
    clientSecret: [secret, "another"],
    certificatePath: [undefined, "/etc/app.pem"],
    workloadIdentity: [undefined, true],
    cloud: [undefined, "china"],
    endpoint: [undefined, "https://graph-proxy.contoso.com"],
    authorityHost: [undefined, "https://login.contoso.com"],
  };
  it.each(connectionFieldNames)("classifies %s: sign-in only exactly when it leaves the graph identity unchanged", (field) => {
    const [before, after] = samples[field];
    const changed = graphIdentity({ ...good, [field]: before } as ConnectionInput) !== graphIdentity({ ...good, [field]: after } as ConnectionInput);
    expect((row.signInOnly.fields as readonly string[]).includes(field)).toBe(!changed);
  });
});

describe("diff of a connection", () => {
  const now = Date.now();
  const expiry = new Date(now + 600 * 60_000).toISOString();
  const desired = { ...mail, lifetimeMinutes: 600, renewBeforeMinutes: 60 };
  const stateWith = (connection?: ConnectionInput) => ({
    ...desired,
    ...(connection ? { connection } : {}),
    expirationDateTime: expiry,
    lastWrittenExpirationDateTime: expiry,
    graphApiVersion: "v1.0",
    ruleId: "any",
    stateVersion: 1,
  });
  const provider = () => new SubscriptionProvider(new ConfiguredContext(contextWith().context));
  const replaced = { changes: true, replaces: ["connection"], deleteBeforeReplace: false };
  const recorded = { changes: true };

  it.each([
    ["sees no change in the same connection", {}, { changes: false }],
    ["sees no change when the cloud's defaults are written out", { cloud: "global", endpoint: "https://graph.microsoft.com/" }, { changes: false }],
    ["sees no change in a tenant id written in capitals", { tenantId: otherTenant.toUpperCase() }, { changes: false }],
    ["records a rotated client secret without replacing", { clientSecret: "rotated-secret-91d2~Zp" }, recorded],
    ["records the same app moving to a certificate without replacing", { clientSecret: undefined, certificatePath: "/etc/app.pem" }, recorded],
    ["records the same app moving to workload identity without replacing", { clientSecret: undefined, workloadIdentity: true }, recorded],
    ["records another authority host without replacing", { authorityHost: "https://login.contoso.com" }, recorded],
    ["replaces for another tenant, creating first (no 409 across tenants)", { tenantId: stackTenant }, replaced],
    ["replaces for another app, creating first", { clientId: stackClient }, replaced],
    ["replaces for another cloud", { cloud: "usgov-l4" }, replaced],
    ["replaces for another endpoint", { endpoint: "https://graph-proxy.contoso.com" }, replaced],
  ])("%s", async (_name, change, expected) => {
    const next = withoutUndefined({ ...good, ...change });
    expect(await provider().diff("id", stateWith(good), { ...desired, connection: next })).toEqual(expected);
  });

  it.each([
    ["records a connection added that names the stack's own app", undefined, { tenantId: stackTenant, clientId: stackClient, clientSecret: secret }, recorded],
    ["replaces when a connection is added for another app", undefined, good, replaced],
    ["records the connection removed, back to the stack's own app", { tenantId: stackTenant, clientId: stackClient, clientSecret: secret }, undefined, recorded],
    ["replaces when the connection to another app is removed", good, undefined, replaced],
    // Not known until the update: shown as the conservative replacement, the old one deleted first.
    ["shows a connection holding an unknown value (preview) as a replacement", good, { ...good, tenantId: UNKNOWN }, { changes: true, replaces: ["connection"], deleteBeforeReplace: true }],
  ])("%s", async (_name, before, after, expected) => {
    const news = after ? { ...desired, connection: after } : desired;
    expect(await provider().diff("id", stateWith(before as ConnectionInput | undefined), news)).toEqual(expected);
  });

  it("keeps deleting first when only the connection stays and the subscription is replaced for another reason", async () => {
    expect(await provider().diff("id", stateWith(good), { ...desired, connection: good, clientState: "new" })).toEqual({
      changes: true,
      replaces: ["clientState"],
      deleteBeforeReplace: true,
    });
  });
});
