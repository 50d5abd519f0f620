import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeDamage, fileBackendDir, findDamagedCheckpoint, moveSidecarsAside } from "../../cli/checkpointRepair";

/**
 * The file backend's damaged metadata sidecar, as a killed run leaves it (the engine test kills a real run and
 * repairs it through the CLI; here each case of the layout is checked on its own).
 */
describe("a stack the file backend cannot load", () => {
  let root: string;
  let project: string;
  const saved = process.env.PULUMI_BACKEND_URL;
  const stacks = () => path.join(root, "state", ".pulumi", "stacks", "contoso-subscriptions");
  const sidecar = (stack: string) => path.join(stacks(), `${stack}.json.attrs`);

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "checkpoint-"));
    project = path.join(root, "project");
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: contoso-subscriptions\nruntime: nodejs\n");
    fs.mkdirSync(stacks(), { recursive: true });
    for (const stack of ["prod", "dev"]) {
      fs.writeFileSync(path.join(stacks(), `${stack}.json`), "{}");
      fs.writeFileSync(sidecar(stack), '{"user.content_type":"text/plain; charset=utf-8","md5":"x"}');
    }
    process.env.PULUMI_BACKEND_URL = `file://${path.join(root, "state")}?metadata=skip`;
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    if (saved === undefined) delete process.env.PULUMI_BACKEND_URL;
    else process.env.PULUMI_BACKEND_URL = saved;
  });

  it("reads the backend's directory from PULUMI_BACKEND_URL, query left out", async () => {
    expect(await fileBackendDir(project)).toBe(path.join(root, "state"));
  });

  it.each([
    ["empty", ""],
    ["cut short", '{"user.content_type":"text/pl'],
  ])("finds a sidecar left %s, and only that stack's when the stack is named", async (_how, text) => {
    fs.writeFileSync(sidecar("prod"), text);
    expect(await findDamagedCheckpoint(project)).toEqual({ backendDir: path.join(root, "state"), sidecars: [sidecar("prod")] });
    expect(await findDamagedCheckpoint(project, "prod")).toEqual({ backendDir: path.join(root, "state"), sidecars: [sidecar("prod")] });
    expect(await findDamagedCheckpoint(project, "organization/contoso-subscriptions/dev")).toBeUndefined();
  });

  it("finds nothing when every sidecar reads, or the backend is not a file backend", async () => {
    expect(await findDamagedCheckpoint(project)).toBeUndefined();
    fs.writeFileSync(sidecar("prod"), "");
    process.env.PULUMI_BACKEND_URL = "azblob://pulumi";
    expect(await findDamagedCheckpoint(project)).toBeUndefined();
  });

  it("names the file, the repair by hand and by doctor, and the URL that prevents it", async () => {
    fs.writeFileSync(sidecar("prod"), "");
    const line = describeDamage((await findDamagedCheckpoint(project))!);
    expect(line).toContain(`metadata sidecar '${sidecar("prod")}' is empty or cut short`);
    expect(line).toContain("Fix: msgraph-subscriptions doctor --repair-state");
    expect(line).toContain(`mv '${sidecar("prod")}' '${sidecar("prod")}.damaged'`);
    expect(line).toContain(`PULUMI_BACKEND_URL=file://${path.join(root, "state")}?metadata=skip`);
  });

  it("moves the damaged sidecar aside, keeping it, and leaves the state file and the other stacks alone", async () => {
    fs.writeFileSync(sidecar("prod"), "");
    const moved = moveSidecarsAside((await findDamagedCheckpoint(project))!, new Date("2026-12-07T01:02:03.456Z"));
    expect(moved).toEqual([{ from: sidecar("prod"), to: `${sidecar("prod")}.damaged-2026-12-07T01-02-03-456Z` }]);
    expect(fs.existsSync(sidecar("prod"))).toBe(false);
    expect(fs.readFileSync(moved[0]!.to, "utf8")).toBe("");
    expect(fs.readFileSync(path.join(stacks(), "prod.json"), "utf8")).toBe("{}");
    expect(fs.existsSync(sidecar("dev"))).toBe(true);
    expect(await findDamagedCheckpoint(project)).toBeUndefined();
  });
});
