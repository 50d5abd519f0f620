import fc from "fast-check";
import * as net from "node:net";
import { resolveSettings } from "../../provider/graph/settings";
import type { TokenPermissions } from "../../provider/graph/tokenClaims";
import { check } from "../../provider/subscription/check";
import { ProviderContext } from "../../provider/subscription/context";
import { apiVersions, clouds, permissionTypes } from "../../provider/vocabulary";
import { hostileString, runs, subscriptionInputs } from "./arbitraries";
import { leakedSecrets, mustBeInvalid } from "./oracles";

/**
 * Provider settings as stack config would give them: usually valid, sometimes not (then every check
 * fails with the settings problem). The endpoint is unreachable, and the context's Graph connection is
 * replaced below, so no case can reach a network.
 */
const settings = fc.record(
  {
    "msgraph:cloud": fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...clouds) }, { weight: 1, arbitrary: hostileString }),
    "msgraph:apiVersion": fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...apiVersions) }, { weight: 1, arbitrary: hostileString }),
    "msgraph:permissionType": fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...permissionTypes) }, { weight: 1, arbitrary: hostileString }),
    "msgraph:endpoint": fc.constantFrom("https://127.0.0.1:9", "https://127.0.0.1:9", "https://127.0.0.1:9", "http://127.0.0.1:9"),
  },
  { requiredKeys: [] },
);

/** What the (never fetched) access token grants: nothing known, or application roles, or delegated scopes. */
const tokenPermissions: fc.Arbitrary<TokenPermissions | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.record({
    permissionType: fc.constantFrom(undefined, ...permissionTypes),
    granted: fc.array(fc.oneof(fc.constantFrom("Mail.Read", "Chat.Read.All", "User.Read.All", "Presence.Read.All"), hostileString), { maxLength: 3 }),
  }),
);

function contextFor(config: Record<string, string>, granted: TokenPermissions | undefined): ProviderContext {
  const context = ProviderContext.fromConfig((key) => config[key]);
  Object.defineProperty(context, "graph", { value: () => Promise.reject(new Error("property tests never connect to Graph")) });
  Object.defineProperty(context, "tokenPermissions", { value: async () => granted });
  return context;
}

describe("check, on generated inputs", () => {
  let sockets: jest.SpyInstance;
  let warnings: jest.SpyInstance;
  beforeAll(() => {
    sockets = jest.spyOn(net.Socket.prototype, "connect").mockImplementation(() => {
      throw new Error("property tests must not open sockets");
    });
    warnings = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterAll(() => {
    sockets.mockRestore();
    warnings.mockRestore();
  });

  // 2,500 cases (see arbitraries.ts for the seed and how to replay one).
  it("never throws, fails whatever the oracles know is invalid, and never prints a secret", async () => {
    await fc.assert(
      fc.asyncProperty(subscriptionInputs, settings, tokenPermissions, async (generated, config, granted) => {
        warnings.mockClear();
        const context = contextFor(config, granted);
        let result: Awaited<ReturnType<typeof check>>;
        try {
          result = await check(context, generated.inputs);
        } catch (error) {
          throw new Error(`check threw: ${(error as Error)?.stack ?? String(error)}`);
        }
        expect(result.inputs).toBeDefined();
        const failures = result.failures ?? [];
        for (const failure of failures) {
          expect(typeof failure.property).toBe("string");
          expect(typeof failure.reason).toBe("string");
        }
        const resolved = context.settingsError() ? undefined : context.settings();
        if (resolved) {
          const reasons = mustBeInvalid(generated, { apiVersion: resolved.apiVersion, cloud: resolved.cloud });
          if (reasons.length > 0 && failures.length === 0) throw new Error(`check passed although ${reasons.join("; ")}`);
        } else {
          expect(failures).toEqual([{ property: "", reason: expect.stringMatching(/^provider settings: /) }]);
        }
        const printed = warnings.mock.calls.map((call) => call.map(String).join(" "));
        const text = [...failures.map((failure) => failure.reason), ...printed].join("\n");
        expect(leakedSecrets(text, generated.secrets)).toEqual([]);
      }),
      runs(2_500),
    );
    expect(sockets).not.toHaveBeenCalled();
  });
});
