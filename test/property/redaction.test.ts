import fc from "fast-check";
import { hiddenMarker, maskQueryValues, redact, redactUrl } from "../../provider/redaction";
import { hostileString, hugeStrings, runs, secret } from "./arbitraries";

const jwt =
  "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJyb2xlcyI6WyJNYWlsLlJlYWQiXX0.c2lnbmF0dXJlLWJ5dGVz";

describe("redact", () => {
  it.each([
    ["a known clientState", "Subscription validation failed for clientState s3cr3t-state", ["s3cr3t-state"], "Subscription validation failed for clientState (hidden)"],
    ["every occurrence of a known secret", "x=s3cr3t; y=s3cr3t", ["s3cr3t"], "x=(hidden); y=(hidden)"],
    ["a secret as JSON escapes it", '{"clientState":"a\\"b\\\\c-secret"}', ['a"b\\c-secret'], '{"clientState":"(hidden)"}'],
    ["a secret as a URL encodes it", "token=p%40ss%2Fw%C3%B6rd", ["p@ss/wörd"], "token=(hidden)"],
    ["a secret as a form encodes it", "client_secret=my+secret+value", ["my secret value"], "client_secret=(hidden)"],
    ["the longer of two overlapping secrets whole", "abcdef-long", ["abc", "abcdef-long"], "(hidden)"],
    ["no secret when none are given", "plain text", [], "plain text"],
    ["nothing for empty or missing secrets", "plain text", ["", undefined, null], "plain text"],
    ["a JWT", `token ${jwt} expired`, [], "token (hidden) expired"],
    ["a bearer credential", "Authorization: Bearer abc.DEF-123_~+/opaque= rejected", [], "Authorization: Bearer (hidden) rejected"],
    ["a bearer JWT", `authorization: bearer ${jwt}`, [], "authorization: bearer (hidden)"],
    ["https query values", "POST https://hooks.example.com/n?code=k3y&x=1 failed", [], "POST https://hooks.example.com/n?code=***&x=*** failed"],
    ["a bare query item", "https://hooks.example.com/n?k3y", [], "https://hooks.example.com/n?***"],
    ["URL credentials and fragments", "'https://user:pa55@hooks.example.com/n#t0ken'", [], "'https://***@hooks.example.com/n#***'"],
    ["EventHub query values", "EventHub:https://ns.servicebus.windows.net/h?tenantId=contoso.com", [], "EventHub:https://ns.servicebus.windows.net/h?tenantId=***"],
    ["EventGrid query values", "EventGrid:?azuresubscriptionid=8a-1&location=westus", [], "EventGrid:?azuresubscriptionid=***&location=***"],
    ["a URL in a JSON body up to its closing quote", '{"notificationUrl":"https://h/n?code=k3y","x":1}', [], '{"notificationUrl":"https://h/n?code=***","x":1}'],
    ["nothing in ordinary prose", "Basic notifications only; Bearer authentication; the bearer of bad news", [], "Basic notifications only; Bearer authentication; the bearer of bad news"],
    ["everything when the masks would spell a secret", "https://h/n?code=x", ["**"], hiddenMarker],
  ])("hides %s", (_name, text, secrets, expected) => {
    expect(redact(text, secrets)).toBe(expected);
  });

  it.each([
    ["https://hooks.example.com/n?a=1&b=2", "https://hooks.example.com/n?a=***&b=***"],
    ["https://hooks.example.com/n?a=1&&b", "https://hooks.example.com/n?a=***&&***"],
    ["https://hooks.example.com/n?a=1#frag", "https://hooks.example.com/n?a=***#frag"],
    ["https://hooks.example.com/n", "https://hooks.example.com/n"],
  ])("maskQueryValues(%j) is %j", (value, expected) => {
    expect(maskQueryValues(value)).toBe(expected);
  });

  it.each([
    ["https://u:p@h/n?a=1#f", "https://***@h/n?a=***#***"],
    ["https://u:pa/ss@h/n", "https://***@h/n"],
    ["EventHub:https://u:p@ns/h?tenantId=c", "EventHub:https://***@ns/h?tenantId=***"],
    ["http:u:p@h/n", "http:***@h/n"],
    ["https://h/n", "https://h/n"],
  ])("redactUrl(%j) is %j", (value, expected) => {
    expect(redactUrl(value)).toBe(expected);
  });

  it("takes linear time on adversarial text", () => {
    const started = Date.now();
    for (const text of [...hugeStrings, "eyJ".repeat(300_000), "eyJa.".repeat(200_000), "Bearer ".repeat(150_000), "https://".repeat(100_000)]) redact(text, ["s3cr3t"]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  // 1,500 cases (see arbitraries.ts for the seed and how to replay one).
  it("never throws and never returns a secret it was given, wherever the secret stands", () => {
    const placement = fc.constantFrom(
      (s: string) => s,
      (s: string) => `clientState ${JSON.stringify(s)}`,
      (s: string) => `https://hooks.example.com/n?code=${encodeURIComponentOrRaw(s)}`,
      (s: string) => `Bearer ${s}`,
      (s: string) => `${s}${s}`,
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(hostileString, placement)), secret, fc.array(secret, { maxLength: 2 }), (pieces, key, others) => {
        const text = pieces.map(([filler, place]) => filler + place(key)).join(" ");
        const result = redact(text, [key, ...others]);
        // A secret that the marker itself spells is not a leak: nothing about it can be learnt from the result.
        for (const value of [key, ...others]) if (!hiddenMarker.includes(value)) expect(result.includes(value)).toBe(false);
      }),
      runs(1_500),
    );
  });

  // 500 cases.
  it("hides every JWT-shaped token and URL query value, with no secrets given", () => {
    const base64url = fc.stringMatching(/^[A-Za-z0-9_-]{4,60}$/);
    const token = fc.tuple(base64url, base64url, base64url).map(([a, b, c]) => `eyJ${a}.${b}.${c}`);
    const separator = fc.constantFrom(" ", '"', "'", "\n", "(", ": ", "=");
    fc.assert(
      fc.property(hostileString, separator, token, base64url, (filler, sep, jwtLike, key) => {
        const result = redact(`${filler}${sep}${jwtLike}${sep}https://hooks.example.com/n?code=k3y${key}`);
        expect(result).not.toContain(jwtLike);
        expect(result).not.toContain(`k3y${key}`);
      }),
      runs(500),
    );
  });
});

function encodeURIComponentOrRaw(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}
