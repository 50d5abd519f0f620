import { expiryVerdict, planLifetime, sameInstant, targetExpiration } from "../../provider/lifetime";

const now = new Date("2026-11-22T12:00:00Z");
const inMinutes = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();

describe("planLifetime", () => {
  it("defaults to the longest lifetime the rule allows and renews at half of it", () => {
    expect(planLifetime({}, 4320)).toEqual({ mode: "relative", lifetimeMinutes: 4320, renewBeforeMinutes: 2160 });
  });

  it("keeps a fixed expirationDateTime as written", () => {
    expect(planLifetime({ expirationDateTime: "2026-11-23T00:00:00Z" }, 4320)).toEqual({ mode: "fixed", expirationDateTime: "2026-11-23T00:00:00Z" });
  });

  it("takes lifetimeMinutes and renewBeforeMinutes from the program", () => {
    expect(planLifetime({ lifetimeMinutes: 120, renewBeforeMinutes: 30 }, 4320)).toEqual({ mode: "relative", lifetimeMinutes: 120, renewBeforeMinutes: 30 });
  });
});

describe("targetExpiration", () => {
  it("leaves a safety minute below the maximum, because Graph measures from when it receives the request", () => {
    expect(targetExpiration(planLifetime({}, 60), 60, now)).toBe(inMinutes(59));
  });

  it("uses the requested lifetime when it is below the maximum", () => {
    expect(targetExpiration(planLifetime({ lifetimeMinutes: 100 }, 4320), 4320, now)).toBe(inMinutes(100));
  });

  it("sends a fixed expiry unchanged", () => {
    expect(targetExpiration({ mode: "fixed", expirationDateTime: "2030-01-01T00:00:00Z" }, 60, now)).toBe("2030-01-01T00:00:00Z");
  });
});

describe("expiryVerdict", () => {
  const plan = planLifetime({ lifetimeMinutes: 120, renewBeforeMinutes: 30 }, 4320);
  it.each([
    ["fresh while more than renewBeforeMinutes remain", inMinutes(31), "fresh"],
    ["renew once less than renewBeforeMinutes remain", inMinutes(29), "renew"],
    ["expired once the expiry has passed", inMinutes(-1), "expired"],
    ["expired at the exact expiry instant", inMinutes(0), "expired"],
  ])("is %s", (_name, expiration, verdict) => {
    expect(expiryVerdict(plan, expiration, now)).toBe(verdict);
  });

  it("never asks to renew a fixed expiry, which is the program's to move", () => {
    expect(expiryVerdict({ mode: "fixed", expirationDateTime: inMinutes(5) }, inMinutes(5), now)).toBe("fresh");
  });

  it("reads Graph's seven-digit fractional seconds", () => {
    expect(expiryVerdict(plan, "2026-11-22T12:29:59.9999999Z", now)).toBe("renew");
  });
});

describe("sameInstant", () => {
  it("treats Graph's and JavaScript's spellings of one instant as equal", () => {
    expect(sameInstant("2026-11-20T18:23:45.9350000Z", "2026-11-20T18:23:45.935Z")).toBe(true);
    expect(sameInstant("2026-11-20T18:23:45Z", "2026-11-20T18:23:46Z")).toBe(false);
  });
});
