import { renewalExpiry } from "../../provider/notifications/reauthorization";
import type { GraphSubscription } from "../../provider/vocabulary";

const now = new Date("2026-03-01T12:00:00.000Z");
const subscription = (overrides: Partial<GraphSubscription>): GraphSubscription => ({
  id: "2f1e4c6a-0000-4000-8000-000000000001",
  resource: "users/alice@contoso.com/messages",
  changeType: "created",
  notificationUrl: "https://hooks.contoso.com/graph",
  expirationDateTime: "2026-03-01T13:00:00.1234567Z",
  ...overrides,
});
const minutesAfterNow = (expiry: string) => (Date.parse(expiry) - now.getTime()) / 60_000;

describe("renewalExpiry", () => {
  test.each([
    ["Outlook mail: Graph's maximum, 10,080 minutes, less the one-minute margin", {}, undefined, 10_079],
    ["Outlook mail with resource data: its own maximum, 1,440 minutes, less the margin", { includeResourceData: true }, undefined, 1_439],
    ["a shorter renewForMinutes", {}, 600, 600],
    ["a renewForMinutes over the maximum is capped", {}, 50_000, 10_079],
    ["a directory resource: 41,760 minutes less the margin", { resource: "users", changeType: "updated" }, undefined, 41_759],
  ])("renews %s", (_title, overrides, renewForMinutes, minutes) => {
    const renewal = renewalExpiry(subscription(overrides), "v1.0", now, renewForMinutes);
    expect(renewal).toEqual({ expirationDateTime: expect.any(String) });
    const expiry = (renewal as { expirationDateTime: string }).expirationDateTime;
    // Whole seconds plus the seven sub-second digits already there: the provider's ownership mark survives.
    expect(expiry).toMatch(/\.1234567Z$/);
    expect(Math.floor(minutesAfterNow(expiry))).toBe(minutes);
  });

  test.each([
    ["no rule-table row for the resource and no renewForMinutes", { resource: "not/a/graph/resource" }, undefined, /no v1.0 row for 'not\/a\/graph\/resource'.*set renewForMinutes/],
    ["a renewal that would not move the expiry", { expirationDateTime: "2026-03-02T12:00:00.0000000Z" }, 60, /would not move the expiry past/],
  ])("does not renew with %s, and says why", (_title, overrides, renewForMinutes, reason) => {
    expect(renewalExpiry(subscription(overrides), "v1.0", now, renewForMinutes)).toEqual({ reason: expect.stringMatching(reason) });
  });
});
