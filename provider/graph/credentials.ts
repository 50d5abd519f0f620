import * as fs from "node:fs";
import type { TokenCredential } from "@azure/identity";
import { cloudEndpoints, isMicrosoftAuthority } from "./clouds";
import type { ProviderSettings } from "./settings";
import { SettingsError } from "./settings";

/**
 * How a resource's connection signs in (schema.ts, connectionInput). The client secret itself travels in the
 * settings' clientSecret, where the Graph client's redaction already looks for it.
 */
export type SignIn = { kind: "clientSecret" } | { kind: "certificate"; certificatePath: string } | { kind: "workloadIdentity" };

/**
 * Picks the credential explicitly instead of using DefaultAzureCredential: each source is tried
 * only when its configuration is present, so a pipeline never waits on an instance-metadata probe
 * it did not ask for, and the chosen source can be named in errors.
 *
 * A resource's connection names its credential (signIn) and nothing else is tried. Otherwise the order
 * is: stack config client secret, then the standard AZURE_* environment (client secret or certificate),
 * workload identity federation, managed identity, and finally the Azure CLI login.
 */
export async function createCredential(settings: ProviderSettings & { signIn?: SignIn }, env: NodeJS.ProcessEnv = process.env): Promise<{
  credential: TokenCredential;
  source: string;
  /** The secret material the credential signs in with, and for whom, when it has any here (sealedToken.ts). */
  sealing?: Sealing;
}> {
  const identity = await import("@azure/identity");
  const authorityHost = settings.authorityHost;
  // Instance discovery asks Microsoft's metadata endpoint about the authority; a private or local authority cannot answer.
  const common = { authorityHost, disableInstanceDiscovery: !isMicrosoftAuthority(authorityHost) };

  if (settings.signIn) {
    // The schema requires tenantId and clientId of every connection, and the secret of the clientSecret kind.
    const tenantId = settings.tenantId!;
    const clientId = settings.clientId!;
    const app = `app ${clientId} in tenant ${tenantId}`;
    switch (settings.signIn.kind) {
      case "clientSecret":
        return {
          credential: new identity.ClientSecretCredential(tenantId, clientId, settings.clientSecret!, common),
          source: `this resource's connection (client secret of ${app})`,
          sealing: sealing(settings.clientSecret, tenantId, clientId, authorityHost),
        };
      case "certificate":
        return {
          credential: new identity.ClientCertificateCredential(tenantId, clientId, { certificatePath: settings.signIn.certificatePath }, common),
          source: `this resource's connection (certificate ${settings.signIn.certificatePath} of ${app})`,
          sealing: sealing(fileMaterial(settings.signIn.certificatePath), tenantId, clientId, authorityHost),
        };
      case "workloadIdentity":
        return {
          credential: new identity.WorkloadIdentityCredential({ ...common, tenantId, clientId, tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE }),
          source: `this resource's connection (workload identity federation of ${app}, token file AZURE_FEDERATED_TOKEN_FILE)`,
          sealing: sealing(fileMaterial(env.AZURE_FEDERATED_TOKEN_FILE), tenantId, clientId, authorityHost),
        };
    }
  }

  if (settings.clientId || settings.clientSecret) {
    const missing = (["tenantId", "clientId", "clientSecret"] as const).filter((name) => !settings[name]);
    if (missing.length > 0) {
      throw new SettingsError(
        `msgraph:clientId and msgraph:clientSecret need ${missing.map((m) => `msgraph:${m}`).join(" and ")} too. ` +
          `Set them with \`pulumi config set msgraph:<name> <value>\` (use --secret for clientSecret), or remove them to use the AZURE_* environment.`,
      );
    }
    return {
      credential: new identity.ClientSecretCredential(settings.tenantId!, settings.clientId!, settings.clientSecret!, common),
      source: "stack config (msgraph:clientId/clientSecret)",
      sealing: sealing(settings.clientSecret, settings.tenantId!, settings.clientId!, authorityHost),
    };
  }

  const tenantId = settings.tenantId ?? env.AZURE_TENANT_ID;
  const chain: { credential: TokenCredential; source: string }[] = [];
  if (env.AZURE_CLIENT_ID && tenantId && (env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH)) {
    chain.push({ credential: new identity.EnvironmentCredential(common), source: "AZURE_* environment" });
  }
  if (env.AZURE_FEDERATED_TOKEN_FILE && env.AZURE_CLIENT_ID && tenantId) {
    chain.push({
      credential: new identity.WorkloadIdentityCredential({ ...common, tenantId, clientId: env.AZURE_CLIENT_ID }),
      source: "workload identity federation (AZURE_FEDERATED_TOKEN_FILE)",
    });
  }
  if (env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT || env.MSGRAPH_USE_MANAGED_IDENTITY === "true") {
    const clientId = env.AZURE_CLIENT_ID;
    chain.push({
      credential: clientId ? new identity.ManagedIdentityCredential({ clientId }) : new identity.ManagedIdentityCredential(),
      source: "managed identity",
    });
  }
  chain.push({ credential: new identity.AzureCliCredential({ tenantId }), source: "Azure CLI (az login)" });

  // Sealed only when the first source is one with secret material: that source is the one that answers.
  const environmentMaterial = env.AZURE_CLIENT_SECRET ?? fileMaterial(env.AZURE_CLIENT_CERTIFICATE_PATH);
  const first = chain[0]!.source;
  const firstSealing =
    first === "AZURE_* environment"
      ? sealing(environmentMaterial, tenantId!, env.AZURE_CLIENT_ID!, authorityHost)
      : first.startsWith("workload identity")
        ? sealing(fileMaterial(env.AZURE_FEDERATED_TOKEN_FILE), tenantId!, env.AZURE_CLIENT_ID!, authorityHost)
        : undefined;
  if (chain.length === 1) return chain[0]!;
  return {
    credential: new identity.ChainedTokenCredential(...chain.map((c) => c.credential)),
    source: chain.map((c) => c.source).join(", then "),
    sealing: firstSealing,
  };
}

export interface Sealing {
  material: Buffer;
  /** Tenant, client and authority: the token's identity, bound into its seal. */
  identity: string;
}

function sealing(material: string | Buffer | undefined, tenantId: string, clientId: string, authorityHost: string | undefined): Sealing | undefined {
  if (material === undefined || material.length === 0) return undefined;
  return { material: Buffer.from(material), identity: [tenantId, clientId, authorityHost ?? ""].join("\u0000") };
}

/** A certificate or federated token file's bytes; undefined when it cannot be read (the credential will say why). */
function fileMaterial(file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * `https://graph.microsoft.com/.default`: the app's granted permissions, whatever they are. A
 * Microsoft authority issues tokens for its cloud's Graph, also when requests go through a custom
 * endpoint (a proxy); a private authority (the emulator) issues them for the endpoint itself.
 */
export function graphScope(settings: ProviderSettings): string {
  const audience = isMicrosoftAuthority(settings.authorityHost) ? cloudEndpoints[settings.cloud].graph : settings.endpoint;
  return `${audience}/.default`;
}
