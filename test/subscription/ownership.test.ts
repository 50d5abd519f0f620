import { markOf, ownerMarkFor, stampExpiry } from "../../provider/ownership";

describe("ownership marks", () => {
  it("gives a resource the same mark in every run and different resources different marks", () => {
    expect(ownerMarkFor("proj", "prod", "mail")).toBe(ownerMarkFor("proj", "prod", "mail"));
    const marks = new Set(["dev", "prod", "test"].flatMap((stack) => ["mail", "teams", "groups"].map((name) => ownerMarkFor("proj", stack, name))));
    expect(marks.size).toBe(9);
  });

  it("keeps the fields apart, so that moving characters between them changes the mark", () => {
    expect(ownerMarkFor("ab", "c", "d")).not.toBe(ownerMarkFor("a", "bc", "d"));
  });

  it.each([
    ["2026-11-26T10:00:00.000Z", "0123456", "2026-11-26T10:00:00.0123456Z"],
    ["2026-11-26T10:00:00.999Z", "9999999", "2026-11-26T10:00:00.9999999Z"],
    ["2026-11-26T12:00:00+02:00", "0000001", "2026-11-26T10:00:00.0000001Z"],
  ])("stamps %s with mark %s as %s, moving it by under a second", (expiry, mark, stamped) => {
    expect(stampExpiry(expiry, mark)).toBe(stamped);
    expect(Math.abs(Date.parse(stamped) - Date.parse(expiry))).toBeLessThan(1000);
    expect(markOf(stamped)).toBe(mark);
  });

  it("leaves an expiry alone without a mark, and reads no mark from fewer than seven digits", () => {
    expect(stampExpiry("2026-11-26T10:00:00.123Z", undefined)).toBe("2026-11-26T10:00:00.123Z");
    expect(markOf("2026-11-26T10:00:00.123Z")).toBeUndefined();
    expect(markOf("2026-11-26T10:00:00Z")).toBeUndefined();
  });
});
