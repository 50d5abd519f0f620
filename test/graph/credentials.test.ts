import { graphScope } from "../../provider/graph/credentials";
import { resolveSettings } from "../../provider/graph/settings";

const settings = (values: Record<string, string>) => resolveSettings((key) => values[key], {});

describe("graphScope", () => {
  it.each([
    ["global", "https://graph.microsoft.com/.default"],
    ["usgov-l4", "https://graph.microsoft.us/.default"],
    ["usgov-l5", "https://dod-graph.microsoft.us/.default"],
    ["china", "https://microsoftgraph.chinacloudapi.cn/.default"],
  ])("asks the %s cloud's authority for its own Graph", (cloud, scope) => {
    expect(graphScope(settings({ "msgraph:cloud": cloud }))).toBe(scope);
  });

  it("asks a Microsoft authority for Graph even when requests go through a proxy endpoint", () => {
    expect(graphScope(settings({ "msgraph:endpoint": "https://graph-proxy.contoso.com" }))).toBe("https://graph.microsoft.com/.default");
  });

  it("asks a private authority (the emulator) for its own endpoint", () => {
    expect(graphScope(settings({ "msgraph:endpoint": "https://localhost:8443", "msgraph:authorityHost": "https://localhost:8443" }))).toBe(
      "https://localhost:8443/.default",
    );
  });
});
