import type { AccessToken, TokenCredential } from "@azure/identity";
import { SharedToken } from "../../provider/graph/tokenCache";

/** A credential that counts its sign-ins and answers when told to. */
function countingCredential(lifetimeMs: number, now: () => number) {
  const calls: Array<(token: AccessToken | null) => void> = [];
  const credential: TokenCredential = {
    getToken: () => new Promise((resolve) => calls.push(resolve)),
  };
  const answer = () => calls.shift()!({ token: `token-${calls.length}`, expiresOnTimestamp: now() + lifetimeMs });
  return { credential, calls, answer };
}

describe("one token per provider process", () => {
  it("sends one token request for a burst of concurrent first calls", async () => {
    let time = 0;
    const fake = countingCredential(3_600_000, () => time);
    const shared = new SharedToken(fake.credential, () => time);
    const burst = Array.from({ length: 50 }, () => shared.getToken("https://graph.microsoft.com/.default"));
    expect(fake.calls).toHaveLength(1);
    fake.answer();
    const tokens = await Promise.all(burst);
    expect(new Set(tokens.map((t) => t?.token)).size).toBe(1);
    await shared.getToken("https://graph.microsoft.com/.default");
    expect(shared.requestCount).toBe(1);
  });

  it("asks again five minutes before the token expires, and for another scope", async () => {
    let time = 0;
    const fake = countingCredential(3_600_000, () => time);
    const shared = new SharedToken(fake.credential, () => time);
    const first = shared.getToken("a/.default");
    fake.answer();
    await first;
    time = 3_600_000 - 5 * 60_000 - 1;
    await shared.getToken("a/.default");
    expect(shared.requestCount).toBe(1);
    time += 2;
    const renewed = shared.getToken("a/.default");
    fake.answer();
    await renewed;
    const other = shared.getToken("b/.default");
    fake.answer();
    await other;
    expect(shared.requestCount).toBe(3);
  });

  it("lets the next caller try again when a sign-in fails", async () => {
    let fail = true;
    const credential: TokenCredential = {
      getToken: async () => {
        if (fail) throw new Error("AADSTS7000215: invalid client secret");
        return { token: "t", expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const shared = new SharedToken(credential);
    await expect(shared.getToken("s")).rejects.toThrow(/AADSTS7000215/);
    fail = false;
    await expect(shared.getToken("s")).resolves.toMatchObject({ token: "t" });
  });
});
