import * as https from "node:https";
import { startWebhookReceiver, type RunningReceiver } from "../../emulator";
import { ensureCertificateAuthority } from "../../emulator";
import { stateDir } from "./support";
import { closeAll, serverHookTimeoutMs } from "../hooks";

function post(url: string, ca: string, body: string): Promise<{ status: number; contentType?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: "POST", ca, agent: false, timeout: 5000, headers: { "Content-Type": "application/json" } });
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
    request.on("response", (response) => {
      let text = "";
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, contentType: response.headers["content-type"], body: text }));
    });
    request.end(body);
  });
}

const slowDelayMs = 400;

describe("the webhook receiver", () => {
  let receiver: RunningReceiver;
  let ca: string;
  beforeAll(async () => {
    ca = (await ensureCertificateAuthority(stateDir)).caPem;
    receiver = await startWebhookReceiver({ stateDir, slowDelayMs });
  }, serverHookTimeoutMs);
  afterAll(() => closeAll(receiver), serverHookTimeoutMs);

  test("echoes the decoded validation token as text/plain, and records the handshake", async () => {
    const token = "Validation: a token & more";
    const before = receiver.validations.length;
    const response = await post(`${receiver.url}/hooks?validationToken=${encodeURIComponent(token)}`, ca, "");
    expect(response).toEqual({ status: 200, contentType: "text/plain; charset=utf-8", body: token });
    expect(receiver.validations.slice(before)).toEqual([
      { path: "/hooks", token, rawQuery: `?validationToken=${encodeURIComponent(token)}`, method: "POST", contentType: "application/json" },
    ]);
  });

  test("answers /slow only after the configured delay", async () => {
    const answer = post(`${receiver.url}/slow?validationToken=abc`, ca, "");
    // A race, not a clock reading: half the delay passes with no answer.
    const halfway = new Promise<"pending">((resolve) => setTimeout(() => resolve("pending"), slowDelayMs / 2));
    expect(await Promise.race([answer.then(() => "answered" as const), halfway])).toBe("pending");
    expect(await answer).toEqual({ status: 200, contentType: "text/plain; charset=utf-8", body: "abc" });
  });

  test("records notifications with 202", async () => {
    const notification = { value: [{ subscriptionId: "s", changeType: "created" }] };
    const response = await post(`${receiver.url}/notifications?x=1`, ca, JSON.stringify(notification));
    expect(response.status).toBe(202);
    expect(receiver.notifications.at(-1)).toMatchObject({ path: "/notifications?x=1", body: notification });
  });
});
