import { resolveSettings, SettingsError } from "../../provider/graph/settings";
import { cloudEndpoints } from "../../provider/graph/clouds";

const fromConfig = (values: Record<string, string>) => (key: string) => values[key];

describe("resolveSettings", () => {
  it("defaults to the global cloud on v1.0", () => {
    const settings = resolveSettings(fromConfig({}), {});
    expect(settings).toMatchObject({ cloud: "global", apiVersion: "v1.0", endpoint: "https://graph.microsoft.com", authorityHost: "https://login.microsoftonline.com" });
  });

  it.each(Object.entries(cloudEndpoints))("uses the Graph host and sign-in authority of the %s cloud", (cloud, endpoints) => {
    const settings = resolveSettings(fromConfig({ "msgraph:cloud": cloud }), {});
    expect(settings.endpoint).toBe(endpoints.graph);
    expect(settings.authorityHost).toBe(endpoints.authority);
  });

  it("prefers stack config over the MSGRAPH_* environment", () => {
    const settings = resolveSettings(fromConfig({ "msgraph:apiVersion": "beta" }), { MSGRAPH_API_VERSION: "v1.0", MSGRAPH_TENANT_ID: "t-env" });
    expect(settings.apiVersion).toBe("beta");
    expect(settings.tenantId).toBe("t-env");
  });

  it("lets a custom endpoint and authority override the cloud's, without a trailing slash", () => {
    const settings = resolveSettings(fromConfig({ "msgraph:endpoint": "https://localhost:8443/", "msgraph:authorityHost": "https://localhost:8443" }), {});
    expect(settings.endpoint).toBe("https://localhost:8443");
    expect(settings.authorityHost).toBe("https://localhost:8443");
  });

  it("names the setting, the value and the allowed values for a bad cloud", () => {
    expect(() => resolveSettings(fromConfig({ "msgraph:cloud": "germany" }), {})).toThrow(
      /msgraph:cloud \(or MSGRAPH_CLOUD\) = "germany": .*global.*usgov-l4.*usgov-l5.*china/,
    );
  });

  it("refuses a plain-HTTP endpoint", () => {
    expect(() => resolveSettings(fromConfig({ "msgraph:endpoint": "http://localhost:8080" }), {})).toThrow(SettingsError);
  });

  it("never repeats an invalid client secret in its message", () => {
    try {
      resolveSettings(fromConfig({ "msgraph:clientSecret": "" , "msgraph:cloud": "nowhere" }), { MSGRAPH_CLIENT_SECRET: "s3cr3t-value" });
    } catch (error) {
      expect(String(error)).not.toContain("s3cr3t-value");
      return;
    }
    throw new Error("expected a SettingsError");
  });
});
