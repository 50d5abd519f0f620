import { consumerTenantId, readTokenPermissions } from "../../provider/graph/tokenClaims";

const token = (claims: Record<string, unknown>) =>
  [{ alg: "none", typ: "JWT" }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString("base64url")).join(".") + ".";

describe("readTokenPermissions", () => {
  it.each([
    ["roles mean application permissions", { roles: ["Mail.Read", "User.Read.All"], tid: "t" }, { permissionType: "application", granted: ["Mail.Read", "User.Read.All"] }],
    ["scp means delegated permissions in a work or school tenant", { scp: "Mail.Read User.Read", tid: "t" }, { permissionType: "delegated-work", granted: ["Mail.Read", "User.Read"] }],
    ["scp in the consumer tenant means a personal Microsoft account", { scp: "Mail.Read", tid: consumerTenantId }, { permissionType: "delegated-personal", granted: ["Mail.Read"] }],
    ["no scp claim means an app-only token, even with no roles consented", { tid: "t" }, { permissionType: "application", granted: [] }],
    ["no tenant and no permission claims means unknown", { aud: "x" }, { permissionType: undefined, granted: [] }],
  ])("%s", (_name, claims, expected) => {
    expect(readTokenPermissions(token(claims))).toEqual(expected);
  });

  it("treats a malformed token as granting nothing", () => {
    expect(readTokenPermissions("not-a-jwt")).toEqual({ permissionType: undefined, granted: [] });
  });
});
