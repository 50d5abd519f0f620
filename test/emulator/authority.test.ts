import { ClientSecretCredential } from "@azure/identity";
import { createPublicKey, verify } from "node:crypto";
import { consumerTenantId } from "../../emulator";
import { call, startHarness, tokenFor, type Harness } from "./support";
import { closeAll, serverHookTimeoutMs } from "../hooks";

function claimsOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

/** A client-credentials request for the first client, with the given form fields replaced. */
function requestToken(emulator: Harness["emulator"], override: Record<string, string>): Promise<Response> {
  const client = emulator.clients[0];
  return fetch(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: client.clientId,
      client_secret: client.clientSecret,
      scope: `${emulator.url}/.default`,
      ...override,
    }),
  });
}

describe("the emulator's sign-in authority", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      clients: [
        {},
        { permissionType: "delegated-work", permissions: ["Mail.Read"] },
        { permissionType: "delegated-personal", permissions: ["Mail.Read"] },
      ],
    });
  }, serverHookTimeoutMs);
  afterAll(() => closeAll(harness), serverHookTimeoutMs);

  test("publishes OpenID metadata that MSAL needs", async () => {
    const { emulator } = harness;
    const { status, body } = await call(emulator, "GET", `/${emulator.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: `${emulator.url}/${emulator.tenantId}/v2.0`,
      token_endpoint: `${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`,
      authorization_endpoint: expect.any(String),
      end_session_endpoint: expect.any(String),
      jwks_uri: `${emulator.url}/${emulator.tenantId}/discovery/v2.0/keys`,
    });
  });

  test("gives the real ClientSecretCredential an RS256 app token with roles", async () => {
    const { emulator } = harness;
    const token = await tokenFor(emulator);
    const claims = claimsOf(token);
    expect(claims).toMatchObject({
      tid: emulator.tenantId,
      appid: emulator.clients[0].clientId,
      aud: emulator.url,
      iss: `${emulator.url}/${emulator.tenantId}/v2.0`,
    });
    expect(claims.roles).toEqual(expect.arrayContaining(["Mail.Read", "Chat.Read.All", "User.Read.All"]));
    expect(claims.scp).toBeUndefined();
    expect(claims.exp - claims.iat).toBe(3600);
  });

  test("signs tokens with a key published in the JWKS", async () => {
    const { emulator } = harness;
    const token = await tokenFor(emulator);
    const [header, payload, signature] = token.split(".");
    const { kid, alg } = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
    expect(alg).toBe("RS256");
    const { body } = await call(emulator, "GET", `/${emulator.tenantId}/discovery/v2.0/keys`);
    const jwk = body.keys.find((key: { kid: string }) => key.kid === kid);
    const key = createPublicKey({ key: jwk, format: "jwk" });
    expect(verify("sha256", Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, "base64url"))).toBe(true);
  });

  test("gives a delegated client scp claims (emulator shortcut) and personal accounts the consumer tenant", async () => {
    const { emulator } = harness;
    const work = claimsOf(await tokenFor(emulator, emulator.clients[1]));
    expect(work).toMatchObject({ scp: "Mail.Read", tid: emulator.tenantId, idtyp: "user" });
    expect(work.roles).toBeUndefined();
    const personal = claimsOf(await tokenFor(emulator, emulator.clients[2]));
    expect(personal).toMatchObject({ scp: "Mail.Read", tid: consumerTenantId });
  });

  test("refuses a wrong client secret with 401 invalid_client", async () => {
    const { emulator } = harness;
    const client = emulator.clients[0];
    const response = await requestToken(emulator, { client_secret: "wrong" });
    expect(response.status).toBe(401);
    const body = (await response.json()) as any;
    expect(body.error).toBe("invalid_client");
    expect(body.error_description).toMatch(/^AADSTS7000215: /);
    expect(body.error_codes).toEqual([7000215]);

    const credential = new ClientSecretCredential(emulator.tenantId, client.clientId, "wrong", {
      authorityHost: emulator.url,
      disableInstanceDiscovery: true,
    });
    await expect(credential.getToken(`${emulator.url}/.default`)).rejects.toThrow(/invalid_client|AADSTS7000215/);
  });

  test.each([
    ["an unknown client", { client_id: "00000000-0000-0000-0000-000000000000" }, 400, "unauthorized_client"],
    ["another grant type", { grant_type: "password" }, 400, "unsupported_grant_type"],
    ["a scope without /.default", { scope: "Mail.Read" }, 400, "invalid_scope"],
  ])("refuses %s", async (_case, override, status, error) => {
    const response = await requestToken(harness.emulator, override);
    expect(response.status).toBe(status);
    expect(((await response.json()) as any).error).toBe(error);
  });
});
