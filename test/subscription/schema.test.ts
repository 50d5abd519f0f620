import { subscriptionInputs } from "../../provider/schema";

const base = { resource: "users/x/messages", changeType: "created", notificationUrl: "https://hooks.example.com/n" };

describe("subscriptionInputs", () => {
  it.each([
    ["a comma string in any order, case and spacing", " Updated, created ", "created,updated"],
    ["an array", ["deleted", "created"], "created,deleted"],
    ["duplicates", "updated,updated", "updated"],
  ])("stores changeType given as %s canonically", (_name, changeType, canonical) => {
    expect(subscriptionInputs.parse({ ...base, changeType }).changeType).toBe(canonical);
  });

  it("names the unknown change type and the allowed ones", () => {
    const result = subscriptionInputs.safeParse({ ...base, changeType: "created,renamed" });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: ["changeType"], message: expect.stringContaining("'renamed' is not a Graph change type") });
  });

  it.each([
    ["2026-11-24T00:00:00Z", true],
    ["2026-11-24T00:00:00.9356913Z", true],
    ["2026-11-24T01:00:00+01:00", true],
    ["2026-11-24T00:00:00", false],
    ["2026-11-24", false],
    ["tomorrow", false],
  ])("accepts expirationDateTime %p only with a UTC offset: %p", (expirationDateTime, valid) => {
    expect(subscriptionInputs.safeParse({ ...base, expirationDateTime }).success).toBe(valid);
  });

  it("refuses properties Graph does not have, naming them", () => {
    const result = subscriptionInputs.safeParse({ ...base, notificationURL: "https://typo.example.com" });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error!.issues)).toContain("notificationURL");
  });
});
