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
