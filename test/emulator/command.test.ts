import { ClientSecretCredential } from "@azure/identity";
import { runEmulatorCommand } from "../../emulator";
import { stateDir, trustCertificateAuthority } from "./support";
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";

function capture() {
  let text = "";
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

describe("msgraph-subscriptions emulator", () => {
  test("prints one JSON line a program can connect with, and stops on abort", async () => {
    const stdout = capture();
    const stderr = capture();
    const stop = new AbortController();
    const running = runEmulatorCommand(["--state-dir", stateDir], { stdout, stderr, signal: stop.signal });
    const deadline = Date.now() + 10_000;
    while (!stdout.text().includes("\n") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

    const output = JSON.parse(stdout.text().trim());
    expect(Object.keys(output).sort()).toEqual(
      ["adminUrl", "authorityHost", "caFile", "clientId", "clientSecretFile", "graphEndpoint", "tenantId", "webhookUrl"],
    );
    expect(output.clientSecretFile).toBe(path.join(stateDir, "client-secret"));
    if (process.platform !== "win32") expect(statSync(output.clientSecretFile).mode & 0o777).toBe(0o600);
    const clientSecret = readFileSync(output.clientSecretFile, "utf8").trim();
    expect(clientSecret).toMatch(/^emulator~/);
    expect(stdout.text()).not.toContain(clientSecret);
    expect(stderr.text()).not.toContain(clientSecret);
    expect(stderr.text()).toContain(`export NODE_EXTRA_CA_CERTS=${output.caFile}`);
    expect(stderr.text()).toContain(`pulumi config set --secret msgraph:clientSecret "$(cat ${output.clientSecretFile})"`);

    trustCertificateAuthority(readFileSync(output.caFile, "utf8"));
    const credential = new ClientSecretCredential(output.tenantId, output.clientId, clientSecret, {
      authorityHost: output.authorityHost,
      disableInstanceDiscovery: true,
    });
    const { token } = (await credential.getToken(`${output.graphEndpoint}/.default`))!;
    const created = await fetch(`${output.graphEndpoint}/v1.0/subscriptions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        changeType: "updated",
        notificationUrl: output.webhookUrl,
        resource: "users",
        expirationDateTime: new Date(Date.now() + 60 * 60_000).toISOString(),
      }),
    });
    expect(created.status).toBe(201);
    const admin = (await (await fetch(`${output.adminUrl}/subscriptions`)).json()) as any;
    expect(admin.value).toHaveLength(1);

    stop.abort();
    await expect(running).resolves.toBe(0);
  });

  test("turns Graph's subscription-API throttle on with --throttle", async () => {
    const stdout = capture();
    const stop = new AbortController();
    const running = runEmulatorCommand(["--state-dir", stateDir, "--throttle"], { stdout, stderr: capture(), signal: stop.signal });
    try {
      const deadline = Date.now() + 10_000;
      while (!stdout.text().includes("\n") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const output = JSON.parse(stdout.text().trim());
      trustCertificateAuthority(readFileSync(output.caFile, "utf8"));
      const throttle = (await (await fetch(`${output.adminUrl}/throttle`)).json()) as any;
      expect(throttle).toMatchObject({ enabled: true, requestsPerWindow: { list: 25 } });
    } finally {
      stop.abort();
    }
    await expect(running).resolves.toBe(0);
  });

  test.each([
    [["--port", "abc"], /--port must be a port number/],
    [["--bogus"], /unknown option '--bogus'/],
    [["--state-dir"], /--state-dir needs a value/],
  ])("refuses %j with exit code 2", async (argv, message) => {
    const stderr = capture();
    await expect(runEmulatorCommand(argv, { stdout: capture(), stderr })).resolves.toBe(2);
    expect(stderr.text()).toMatch(message);
  });
});
