import { generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { createLocalJWKSet, errors, jwtVerify, SignJWT, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { consumerTenantId, tokenTenantId, type EmulatorClient } from "./clients";
import { GraphError } from "./graphErrors";
import { json, type EmulatorRequest, type EmulatorResponse } from "./http";
import type { PermissionType } from "../provider/vocabulary";

/**
 * The sign-in authority: enough of Entra ID's v2.0 endpoints for MSAL's client-credentials flow
 * (OpenID metadata, token, JWKS), and the access-token check Graph performs on every call.
 *
 * Tokens are RS256 JWTs signed and verified with jose. It stays on jose 5: jose 6 is ESM-only, and the jest
 * runtime used by this project's tests cannot load that without --experimental-vm-modules.
 */

const tokenLifetimeSeconds = 3600;
/** Graph's well-known application id, named in the WWW-Authenticate header of a 401 as Graph does. */
const graphAppId = "00000003-0000-0000-c000-000000000000";

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  appid: string;
  azp: string;
  oid: string;
  sub: string;
  idtyp: "app" | "user";
  app_displayname: string;
  ver: "1.0";
  roles?: string[];
  scp?: string;
}

/** Who is calling Graph, as read from a verified token. */
export interface Caller {
  tenantId: string;
  applicationId: string;
  objectId: string;
  permissionType: PermissionType;
  permissions: readonly string[];
}

const authorityRoute = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token|discovery\/v2\.0\/keys|oauth2\/v2\.0\/authorize|oauth2\/v2\.0\/logout)$/;

export class Authority {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly keyId = randomUUID();
  /** Verification looks the key up in the published JWKS, so a token the JWKS cannot verify is refused here too. */
  private readonly publishedKeys: JWTVerifyGetKey;

  constructor(
    private readonly baseUrl: () => string,
    private readonly clients: () => readonly EmulatorClient[],
  ) {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.publishedKeys = createLocalJWKSet(this.jwks());
  }

  /** Answers authority routes; undefined for any other path. */
  async handle(request: EmulatorRequest): Promise<EmulatorResponse | undefined> {
    const match = authorityRoute.exec(request.path);
    if (!match) return undefined;
    const [, tenant, endpoint] = match;
    switch (endpoint) {
      case "v2.0/.well-known/openid-configuration":
        return request.method === "GET" ? json(200, this.openIdConfiguration(tenant)) : methodNotAllowed();
      case "discovery/v2.0/keys":
        return request.method === "GET" ? json(200, this.jwks()) : methodNotAllowed();
      case "oauth2/v2.0/token":
        return request.method === "POST" ? this.token(tenant, request) : methodNotAllowed();
      default:
        return aadError(400, "unsupported_response_type", 900144, "The emulator supports only the client_credentials grant.");
    }
  }

  openIdConfiguration(tenant: string): Record<string, unknown> {
    const base = `${this.baseUrl()}/${tenant}`;
    return {
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      grant_types_supported: ["client_credentials"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      tenant_region_scope: "WW",
      cloud_instance_name: new URL(this.baseUrl()).host,
    };
  }

  jwks(): JSONWebKeySet {
    return { keys: [{ ...this.publicKey.export({ format: "jwk" }), kty: "RSA", kid: this.keyId, use: "sig", alg: "RS256" }] };
  }

  private async token(tenant: string, request: EmulatorRequest): Promise<EmulatorResponse> {
    const form = new URLSearchParams(request.rawBody);
    const basic = basicCredentials(request.headers.authorization);
    const clientId = form.get("client_id") ?? basic?.clientId;
    const clientSecret = form.get("client_secret") ?? basic?.clientSecret;
    if (form.get("grant_type") !== "client_credentials") {
      return aadError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type. The emulator supports client_credentials only.");
    }
    const client = this.clients().find((candidate) => candidate.clientId === clientId);
    if (!client) {
      return aadError(400, "unauthorized_client", 700016, `Application with identifier '${clientId ?? ""}' was not found in the directory '${tenant}'.`);
    }
    if (!tenantMatches(tenant, client)) {
      return aadError(400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID.`);
    }
    if (clientSecret !== client.clientSecret) {
      return aadError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
    }
    const scope = (form.get("scope") ?? "").split(" ").filter((part) => part.endsWith("/.default"));
    if (scope.length !== 1) {
      return aadError(400, "invalid_scope", 1002012, "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
    }
    const audience = scope[0].slice(0, -"/.default".length);
    return json(200, {
      token_type: "Bearer",
      expires_in: tokenLifetimeSeconds,
      ext_expires_in: tokenLifetimeSeconds,
      access_token: await this.issueToken(client, audience),
    }, { "Cache-Control": "no-store, no-cache", Pragma: "no-cache" });
  }

  issueToken(client: EmulatorClient, audience: string, issuedAt = new Date()): Promise<string> {
    const iat = Math.floor(issuedAt.getTime() / 1000);
    const tid = tokenTenantId(client);
    const application = client.permissionType === "application";
    const claims: AccessTokenClaims = {
      aud: audience,
      iss: `${this.baseUrl()}/${tid}/v2.0`,
      iat,
      nbf: iat - 300,
      exp: iat + tokenLifetimeSeconds,
      tid,
      appid: client.clientId,
      azp: client.clientId,
      oid: client.objectId,
      sub: client.objectId,
      idtyp: application ? "app" : "user",
      app_displayname: client.displayName,
      ver: "1.0",
      ...(application ? { roles: [...client.permissions] } : { scp: client.permissions.join(" ") }),
    };
    return new SignJWT({ ...claims }).setProtectedHeader({ typ: "JWT", alg: "RS256", kid: this.keyId }).sign(this.privateKey);
  }

  /** Graph's check of the Authorization header. Expiry is judged by real time, as Entra ID's tokens are. */
  async verifyAccessToken(authorization: string | undefined): Promise<Caller> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    if (!token) throw unauthenticated("Access token is empty.");
    if (token.split(".").length !== 3) throw unauthenticated("IDX14100: JWT is not well formed, there are no dots (.).");
    let claims: AccessTokenClaims;
    try {
      ({ payload: claims } = await jwtVerify<AccessTokenClaims>(token, this.publishedKeys, { algorithms: ["RS256"], requiredClaims: ["exp"] }));
    } catch (error) {
      throw unauthenticated(verificationFailure(error));
    }
    const audience = typeof claims.aud === "string" ? claims.aud.replace(/\/$/, "") : undefined;
    if (audience === undefined || !this.acceptedAudiences().includes(audience)) {
      throw unauthenticated("Access token validation failure. Invalid audience.");
    }
    // Like Graph, the permission type comes from the token alone: roles mean an app token, scp a user
    // token, and the consumer tenant a personal account.
    const permissionType: PermissionType = claims.scp === undefined
      ? "application"
      : claims.tid === consumerTenantId ? "delegated-personal" : "delegated-work";
    return {
      tenantId: claims.tid,
      applicationId: claims.appid,
      objectId: claims.oid,
      permissionType,
      permissions: claims.roles ?? (claims.scp ? claims.scp.split(" ") : []),
    };
  }

  /**
   * Only the emulator's own origin (as localhost or 127.0.0.1). A token for https://graph.microsoft.com
   * or Graph's app id is for real Graph, and a client that asks for one has been pointed at the wrong
   * audience, so the emulator refuses it rather than hide that mistake.
   */
  private acceptedAudiences(): string[] {
    const own = new URL(this.baseUrl());
    return [own.origin, `https://127.0.0.1:${own.port}`];
  }
}

function tenantMatches(tenant: string, client: EmulatorClient): boolean {
  const lower = tenant.toLowerCase();
  return lower === client.tenantId.toLowerCase()
    || lower === tokenTenantId(client).toLowerCase()
    || ["common", "organizations", "consumers"].includes(lower);
}

function basicCredentials(authorization: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!encoded) return undefined;
  const [clientId, ...rest] = Buffer.from(encoded, "base64").toString("utf8").split(":");
  return { clientId: decodeURIComponent(clientId), clientSecret: decodeURIComponent(rest.join(":")) };
}

/** Graph's wording for each way jose finds a token wrong. */
function verificationFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "Lifetime validation failed, the token is expired.";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "exp") return "Lifetime validation failed, the token is expired.";
    if (error.claim === "nbf") return "Lifetime validation failed, the token is not yet valid.";
    return `Access token validation failure. ${error.message}`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JOSEAlgNotAllowed) {
    return "Access token validation failure. Invalid signature.";
  }
  if (error instanceof errors.JOSEError) return "IDX14102: Unable to decode the header or payload as Base64Url encoded string.";
  throw error;
}

/** Entra ID's token-endpoint error shape: error, error_description with the AADSTS code, error_codes, ids. */
function aadError(status: number, error: string, code: number, description: string): EmulatorResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z");
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

function methodNotAllowed(): EmulatorResponse {
  return aadError(405, "invalid_request", 900561, "The endpoint only accepts POST or GET requests as documented.");
}

function unauthenticated(message: string): GraphError {
  return new GraphError(401, "InvalidAuthenticationToken", message, {
    "WWW-Authenticate": `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${graphAppId}"`,
  });
}
