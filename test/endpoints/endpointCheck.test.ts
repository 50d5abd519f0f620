import * as net from "node:net";
import { ensureCertificateAuthority, startWebhookReceiver, type RunningReceiver } from "../../emulator";
import type { ReceiverCertificate } from "../../emulator/webhookReceiver";
import type { EndpointProblemKind } from "../../provider/endpoints/diagnosis";
import { checkEndpoint, describeEndpointProblems, requireReachableEndpoints } from "../../provider/endpoints/endpointCheck";
import { EndpointCheckError } from "../../provider/errors";
import { stateDir, trustCertificateAuthority } from "../emulator/support";
import { closeAll, serverHookTimeoutMs } from "../hooks";
import { watchSecrets } from "../secretWatch";

/**
 * The endpoint check against the emulator's webhook receiver: one misbehaving path, certificate or address
 * per way Graph's validation request can fail, each reported with its kind, the URL and the fix.
 */
const slowDelayMs = 2_000;
/** Shorter than the /slow path's delay, so the timeout shows without waiting Graph's 10 seconds. */
const timeoutMs = 500;
const functionKey = "fn-key-7Hq2xZp9";

let receiver: RunningReceiver;
const flawed: Partial<Record<ReceiverCertificate, RunningReceiver>> = {};

beforeAll(async () => {
  trustCertificateAuthority((await ensureCertificateAuthority(stateDir)).caPem);
  receiver = await startWebhookReceiver({ stateDir, slowDelayMs });
  for (const certificate of ["self-signed", "wrong-host", "expired"] as const) flawed[certificate] = await startWebhookReceiver({ stateDir, certificate });
  watchSecrets(functionKey);
}, serverHookTimeoutMs);

afterAll(() => closeAll(receiver, ...Object.values(flawed)), serverHookTimeoutMs);

describe("checkEndpoint against the receiver's misbehaving paths", () => {
  const paths: Array<[string, string, EndpointProblemKind[], RegExp]> = [
    ["an answer other than 200", "/reject", ["status"], /^answered 500 instead of 200 OK$/],
    ["a redirect, which Graph does not follow", "/redirect", ["status"], /^answered 302 instead of 200 OK$/],
    ["a content type other than text/plain", "/wrong-content-type", ["content-type"], /^answered with Content-Type application\/json instead of text\/plain$/],
    ["an echo still URL-encoded", "/encoded-token", ["encoded-echo"], /^echoed the token still URL-encoded \(got "Validation%3A%20Testing%20client/],
    ["an echo of something else", "/wrong-token", ["altered-echo"], /^echoed something other than the token: got "not-the-token"$/],
    ["an echo with a trailing newline", "/trailing-newline", ["altered-echo"], /^echoed the token with white space around it/],
    ["an empty echo", "/empty-token", ["missing-echo"], /^answered 200 with an empty body instead of the validation token$/],
    ["a connection closed without an answer", "/hang-up", ["connection"], /^closed the connection without answering \(ECONNRESET\)$/],
    ["no answer within the limit", "/slow", ["timeout"], /^did not answer within 0\.5 seconds$/],
  ];

  it.each(paths)("reports %s (%s)", async (_name, path, kinds, problem) => {
    const check = await checkEndpoint(`${receiver.url}${path}`, { timeoutMs });
    expect(check.problems.map((p) => p.kind)).toEqual(kinds);
    expect(check.problems[0]!.problem).toMatch(problem);
    expect(check.problems[0]!.fix).not.toBe("");
  });

  it("passes an endpoint that answers as Graph requires, with no problem", async () => {
    expect(await checkEndpoint(`${receiver.url}/notifications`, { timeoutMs })).toEqual({ shownUrl: `${receiver.url}/notifications`, problems: [] });
  });

  it("sends Graph's request: a POST with text/plain; charset=utf-8 and a token that needs decoding, after the URL's own query", async () => {
    const before = receiver.validations.length;
    await checkEndpoint(`${receiver.url}/notifications?tenant=contoso`);
    const [sent] = receiver.validations.slice(before);
    expect(sent).toMatchObject({ method: "POST", contentType: "text/plain; charset=utf-8", path: "/notifications" });
    expect(sent!.rawQuery).toMatch(/^\?tenant=contoso&validationToken=Validation%3A\+Testing\+client\+application\+reachability\+for\+subscription\+Request-Id%3A\+[0-9a-f-]{36}$/);
    expect(sent!.token).toMatch(/^Validation: Testing client application reachability for subscription Request-Id: /);
  });

  it("names the redirect's target and says Graph does not follow it", async () => {
    const [problem] = (await checkEndpoint(`${receiver.url}/redirect`)).problems;
    expect(problem!.fix).toBe("Graph does not follow redirects (this one points to /notifications); use the final URL as the notification URL");
  });

  it("writes one line with the property, the URL, the problem, the fix and Graph's own answer", async () => {
    const check = await checkEndpoint(`${receiver.url}/reject`);
    expect(describeEndpointProblems("notificationUrl", check)).toEqual([
      `notificationUrl ${receiver.url}/reject answered 500 instead of 200 OK. Fix: Handle POST requests carrying ?validationToken= by answering 200, ` +
        "text/plain, with the decoded token; the endpoint's logs say why it failed. " +
        '(Graph would answer: "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.")',
    ]);
  });

  it("masks the URL's query values, such as an Azure Functions key, in everything it reports", async () => {
    const check = await checkEndpoint(`${receiver.url}/wrong-token?code=${functionKey}`);
    expect(check.shownUrl).toBe(`${receiver.url}/wrong-token?code=***`);
    expect(JSON.stringify(check)).not.toContain(functionKey);
  });
});

describe("checkEndpoint against TLS, DNS and connection failures", () => {
  const certificates: Array<[ReceiverCertificate, RegExp]> = [
    ["self-signed", /^presents a self-signed certificate, which no client trusts \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/],
    ["wrong-host", /^presents a certificate issued for other host names \(Host: localhost\. is not in the cert's altnames: DNS:receiver\.invalid\)$/],
    ["expired", /^presents an expired certificate \(CERT_HAS_EXPIRED\)$/],
  ];

  it.each(certificates)("reports a TLS error for a receiver whose certificate is %s, with Graph's certificate requirements as the fix", async (certificate, problem) => {
    const check = await checkEndpoint(`${flawed[certificate]!.url}/notifications`, { timeoutMs: 5_000 });
    expect(check.problems).toEqual([expect.objectContaining({ kind: "tls", problem: expect.stringMatching(problem) })]);
    expect(check.problems[0]!.fix).toMatch(/^Graph accepts only a certificate that a public certificate authority issued for the URL's host name/);
  });

  it("reports a DNS failure for a host name that cannot resolve", async () => {
    const check = await checkEndpoint("https://receiver.invalid/notifications", { timeoutMs: 5_000 });
    expect(check.problems).toEqual([
      expect.objectContaining({ kind: "dns", problem: "has a host name, receiver.invalid, that does not resolve (DNS: ENOTFOUND)" }),
    ]);
  });

  it("reports a refused connection when nothing listens on the port", async () => {
    const port = await closedPort();
    const check = await checkEndpoint(`https://127.0.0.1:${port}/notifications`, { timeoutMs: 5_000 });
    expect(check.problems).toEqual([
      expect.objectContaining({ kind: "refused", problem: `refused the connection on port ${port} (ECONNREFUSED): nothing listens there` }),
    ]);
  });

  it("reports an address that is not https:// without sending anything", async () => {
    const check = await checkEndpoint("http://127.0.0.1:9/notifications");
    expect(check.problems.map((p) => p.kind)).toEqual(["not-https"]);
  });

  it.each([
    ["EventHub", "EventHub:https://contoso.servicebus.windows.net/eventhubname/orders?tenantId=contoso.com"],
    ["EventGrid", "EventGrid:?azuresubscriptionid=8a8a8a8a-0000-0000-0000-000000000000&resourcegroup=rg&partnertopic=orders&location=westcentralus"],
  ])("skips %s addresses, which Graph does not validate", async (_kind, address) => {
    const check = await checkEndpoint(address);
    expect(check.problems).toEqual([]);
    expect(check.skipped).toBe("Event Hubs and Event Grid addresses get no validation request");
  });
});

describe("requireReachableEndpoints", () => {
  it("sends nothing when msgraph:checkEndpoints is off", async () => {
    const before = receiver.validations.length;
    await expect(requireReachableEndpoints({ checkEndpoints: false }, { notificationUrl: `${receiver.url}/reject` })).resolves.toBeUndefined();
    expect(receiver.validations.length).toBe(before);
  });

  it("passes when every endpoint answers as Graph requires", async () => {
    await expect(
      requireReachableEndpoints({ checkEndpoints: true }, { notificationUrl: `${receiver.url}/n`, lifecycleNotificationUrl: `${receiver.url}/l` }),
    ).resolves.toBeUndefined();
  });

  it("fails with one line per failing endpoint, naming the property, and how to turn the check off", async () => {
    const failure = requireReachableEndpoints(
      { checkEndpoints: true },
      { notificationUrl: `${receiver.url}/empty-token`, lifecycleNotificationUrl: `${receiver.url}/reject` },
    );
    await expect(failure).rejects.toThrow(EndpointCheckError);
    const message = ((await failure.catch((error: Error) => error)) as Error).message;
    expect(message.split("\n")).toEqual([
      "msgraph:checkEndpoints: Graph's validation request would fail, so nothing was sent to Graph:",
      expect.stringMatching(new RegExp(`^  notificationUrl ${escape(receiver.url)}/empty-token answered 200 with an empty body`)),
      expect.stringMatching(new RegExp(`^  lifecycleNotificationUrl ${escape(receiver.url)}/reject answered 500 instead of 200 OK`)),
      "After fixing the endpoint, run again; to let Graph validate on its own, set msgraph:checkEndpoints to false.",
    ]);
  });

  it("sends one request when both properties name the same URL", async () => {
    const before = receiver.validations.length;
    await requireReachableEndpoints({ checkEndpoints: true }, { notificationUrl: `${receiver.url}/same`, lifecycleNotificationUrl: `${receiver.url}/same` });
    expect(receiver.validations.length - before).toBe(1);
  });
});

/** A port that was free a moment ago and has nothing listening now. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
