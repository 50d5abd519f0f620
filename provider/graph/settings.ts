import { z } from "zod";
import { SettingsError } from "../errors";
import { redactUrl } from "../redaction";
import { apiVersions, clouds, permissionTypes } from "../vocabulary";
import { cloudEndpoints } from "./clouds";
import { defaultRetryPolicy, type RetryPolicy } from "./retryPolicy";

/**
 * Provider settings. Stack config (namespace `msgraph`) wins; the `MSGRAPH_*` environment is the
 * fallback, so the command line and pipelines without a stack can use the same names.
 */
export const settingNames = {
  tenantId: "MSGRAPH_TENANT_ID",
  clientId: "MSGRAPH_CLIENT_ID",
  clientSecret: "MSGRAPH_CLIENT_SECRET",
  cloud: "MSGRAPH_CLOUD",
  apiVersion: "MSGRAPH_API_VERSION",
  permissionType: "MSGRAPH_PERMISSION_TYPE",
  endpoint: "MSGRAPH_ENDPOINT",
  authorityHost: "MSGRAPH_AUTHORITY_HOST",
  maxRetries: "MSGRAPH_MAX_RETRIES",
  operationTimeoutSeconds: "MSGRAPH_OPERATION_TIMEOUT_SECONDS",
  requestTimeoutSeconds: "MSGRAPH_REQUEST_TIMEOUT_SECONDS",
  checkEndpoints: "MSGRAPH_CHECK_ENDPOINTS",
  allowUndocumentedResources: "MSGRAPH_ALLOW_UNDOCUMENTED_RESOURCES",
} as const;
export { SettingsError };
export type SettingName = keyof typeof settingNames;

const httpsUrl = z
  .string()
  .refine((value) => URL.canParse(value) && new URL(value).protocol === "https:", "must be an https:// URL")
  .refine(
    (value) => !URL.canParse(value) || (new URL(value).username === "" && new URL(value).password === ""),
    "must not carry a user name or password (they would be sent to every request's logs); sign in with msgraph:clientId and msgraph:clientSecret",
  )
  .transform((value) => value.replace(/\/+$/, ""));

// Each setting's description is the one the package schema gives its provider config variable.
/** Settings whose values are never shown and are kept Pulumi secrets. */
export const secretSettings = ["clientSecret"] as const;

export const rawSettings = z.object({
  tenantId: z.string().min(1).optional().describe("The directory (tenant) id the app signs in to. Default: AZURE_TENANT_ID through the credential chain."),
  clientId: z.string().min(1).optional().describe("The application (client) id. Without it and clientSecret, credentials come from the AZURE_* environment (secret, certificate, workload identity, managed identity, Azure CLI)."),
  clientSecret: z.string().min(1).optional().describe("The app's client secret. Keep it secret: `pulumi config set --secret`."),
  cloud: z.enum(clouds).default("global").describe("The national cloud: global, usgov-l4, usgov-l5 or china. It brings its own Graph and sign-in hosts."),
  apiVersion: z.enum(apiVersions).default("v1.0").describe("The Graph API version subscriptions are managed through, unless a resource says otherwise: v1.0 or beta."),
  permissionType: z.enum(permissionTypes).optional().describe("application, delegated-work or delegated-personal. Default: what the access token shows."),
  endpoint: httpsUrl.optional().describe("The Graph root without version. Default: the cloud's Graph host."),
  authorityHost: httpsUrl.optional().describe("The sign-in authority. Default: the cloud's."),
  maxRetries: z.coerce.number().int().min(0).max(50).default(defaultRetryPolicy.maxRetries).describe("Retries of a throttled or failed Graph request (0 to 50)."),
  operationTimeoutSeconds: z.coerce
    .number()
    .int()
    .min(10)
    .max(86_400)
    .default(defaultRetryPolicy.operationTimeoutMs / 1000)
    .describe("The deadline of one operation, retries and throttling waits included, in seconds."),
  requestTimeoutSeconds: z.coerce.number().int().min(1).max(3_600).default(defaultRetryPolicy.requestTimeoutMs / 1000).describe("The timeout of one Graph request, in seconds."),
  // Off by default: the check sends each endpoint one more request, from this machine (provider/endpoints).
  checkEndpoints: z
    .stringbool()
    .default(false)
    .describe("Send each notification endpoint Graph's validation request before a create or a notificationUrl change, so an unreachable endpoint fails with its cause."),
  // Off by default: an unlisted path is usually a typo, which Graph would only report at up.
  allowUndocumentedResources: z
    .stringbool()
    .default(false)
    .describe(
      "The stack-wide default of each Subscription's allowUndocumentedResource: let resource paths through that the rule table does not list, with a warning naming each; Graph decides.",
    ),
});

export type ProviderSettings = Omit<z.output<typeof rawSettings>, "endpoint" | "authorityHost"> & {
  /** Graph root without version, e.g. https://graph.microsoft.com. */
  endpoint: string;
  authorityHost: string;
};


/**
 * `lookup` returns the stack config value for a key such as "msgraph:cloud", if any. `namespace` is how the
 * user's front names the keys in messages: msgraph for the dynamic resource, msgraph-subscriptions for the native
 * provider (Pulumi gives a provider only its own package's config).
 */
export function resolveSettings(
  lookup: (key: string) => string | undefined = () => undefined,
  env: NodeJS.ProcessEnv = process.env,
  namespace = "msgraph",
): ProviderSettings {
  const raw: Record<string, string> = {};
  for (const [name, envName] of Object.entries(settingNames)) {
    const value = lookup(`msgraph:${name}`) ?? env[envName];
    if (value !== undefined && value !== "") raw[name] = value;
  }
  const parsed = rawSettings.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as SettingName;
      const shown = name === "clientSecret" ? "(hidden)" : JSON.stringify(redactUrl(raw[name] ?? ""));
      return `${namespace}:${name} (or ${settingNames[name]}) = ${shown}: ${issue.message}`;
    });
    throw new SettingsError(`Invalid Microsoft Graph provider settings:\n  ${problems.join("\n  ")}`);
  }
  const settings = parsed.data;
  return {
    ...settings,
    endpoint: settings.endpoint ?? cloudEndpoints[settings.cloud].graph,
    authorityHost: settings.authorityHost ?? cloudEndpoints[settings.cloud].authority,
  };
}

export function retryPolicyOf(settings: ProviderSettings): RetryPolicy {
  return {
    ...defaultRetryPolicy,
    maxRetries: settings.maxRetries,
    operationTimeoutMs: settings.operationTimeoutSeconds * 1000,
    requestTimeoutMs: settings.requestTimeoutSeconds * 1000,
  };
}
