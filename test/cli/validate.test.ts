import { spawnSync } from "node:child_process";
import * as path from "node:path";

/** The command-line contract scripts depend on: run as `node <bin from package.json> validate ...` from the repository root. */
const root = path.join(__dirname, "..", "..");
const bin = require(path.join(root, "package.json")).bin["msgraph-subscriptions"] as string;

function validate(inputs: unknown, ...flags: string[]) {
  const args = typeof inputs === "string" ? inputs : JSON.stringify(inputs);
  const run = spawnSync(process.execPath, [bin, "validate", "--args", args, ...flags], { cwd: root, encoding: "utf8" });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const mail = { resource: "users/abc/messages", changeType: "created", notificationUrl: "https://hooks.example.com/n" };

describe("msgraph-subscriptions validate", () => {
  it("prints one JSON object and exits 0 for valid inputs", () => {
    const { code, stdout } = validate(mail);
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({ valid: true, failures: [], warnings: [], rule: "v1.0/message/users/{id}/messages" });
  });

  it("exits 1 and names the property, value and limit for a rule violation", () => {
    const { code, stdout } = validate(
      { resource: "communications/presences/abc", changeType: "updated", notificationUrl: "https://hooks.example.com/n", lifetimeMinutes: 120 },
      "--permission-type",
      "delegated-work",
    );
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.valid).toBe(false);
    expect(result.failures).toEqual([{ property: "lifetimeMinutes", reason: expect.stringMatching(/120 minutes is over the 60-minute maximum/) }]);
  });

  it("applies the permission type: me/ paths need a signed-in user", () => {
    const { code, stdout } = validate({ ...mail, resource: "me/messages" }, "--permission-type", "application");
    expect(code).toBe(1);
    expect(JSON.parse(stdout).failures[0]).toMatchObject({ property: "resource", reason: expect.stringContaining("users/{id}/messages") });
  });

  it("applies the API version: clientState may be 255 characters on beta but only 128 on v1.0", () => {
    const long = { ...mail, clientState: "x".repeat(200) };
    expect(validate(long, "--api-version", "beta").code).toBe(0);
    const onV1 = validate(long, "--api-version", "v1.0");
    expect(onV1.code).toBe(1);
    expect(onV1.stdout).not.toContain("x".repeat(20));
  });

  it("applies the cloud: payment models exist only in the global cloud", () => {
    const teams = { resource: "chats/getAllMessages", changeType: "created", notificationUrl: "https://hooks.example.com/n", lifecycleNotificationUrl: "https://hooks.example.com/l", paymentModel: "B" };
    expect(validate(teams, "--cloud", "global").code).toBe(0);
    const china = validate(teams, "--cloud", "china");
    expect(china.code).toBe(1);
    expect(JSON.parse(china.stdout).failures.map((f: { property: string }) => f.property)).toContain("paymentModel");
  });

  it("reports warnings without failing", () => {
    const { code, stdout } = validate({ ...mail, lifetimeMinutes: 30 });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).warnings).toEqual([expect.stringContaining("45")]);
  });

  it.each([
    ["--args that is not JSON", ["not json"]],
    ["--args that is not an object", ["[1,2]"]],
    ["an unknown --cloud", [JSON.stringify(mail), "--cloud", "mars"]],
    ["an unknown flag", [JSON.stringify(mail), "--colour", "blue"]],
  ])("exits 2 with usage for %s", (_name, [inputs, ...flags]) => {
    const { code, stdout, stderr } = validate(inputs, ...flags);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("Usage:");
  });

  it("exits 2 when --args is missing", () => {
    const run = spawnSync(process.execPath, [bin, "validate"], { cwd: root, encoding: "utf8" });
    expect(run.status).toBe(2);
  });
});

/** The same command in-process, through the function the program calls; runs against the sources, not dist. */
async function runValidate(...argv: string[]) {
  const { run } = await import("../../cli/main");
  let stdout = "";
  let stderr = "";
  const code = await run(["validate", ...argv], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe("msgraph-subscriptions validate, in-process", () => {
  const secret = { ...mail, clientState: "s3cr3t-state", notificationUrl: "https://hooks.example.com/n?code=k3y" };

  it("refuses a notificationUrl with credentials without printing them", async () => {
    const { code, stdout } = await runValidate("--args", JSON.stringify({ ...mail, notificationUrl: "https://hookuser:pa55w0rd@hooks.example.com/n" }));
    expect(code).toBe(1);
    expect(JSON.parse(stdout).failures).toEqual([{ property: "notificationUrl", reason: expect.stringContaining("'https://***@hooks.example.com/n' carries a user name or password") }]);
    expect(stdout).not.toMatch(/pa55w0rd|hookuser/);
  });

  it.each([
    ["--args JSON that does not parse", ["--args", `${JSON.stringify(secret).slice(0, -1)},}`]],
    ["--args JSON with a bare word", ["--args", '{"clientState": s3cr3t-state}']],
    ["the JSON as a positional", [JSON.stringify(secret)]],
    ["the JSON as another flag's value", ["--cloud", JSON.stringify(secret)]],
  ])("exits 2 for %s without printing the inputs", async (_name, argv) => {
    const { code, stdout, stderr } = await runValidate(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("Usage:");
    expect(stderr).not.toMatch(/s3cr3t-state|k3y/);
  });

  it("says where the JSON breaks", async () => {
    const { stderr } = await runValidate("--args", '{"resource": "users",}');
    expect(stderr).toContain("msgraph-subscriptions: --args is not valid JSON (at character 22); pass the inputs as one JSON object in single quotes");
  });
});
