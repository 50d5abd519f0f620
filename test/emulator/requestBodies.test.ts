import { graphDateTimeFromText } from "../../emulator/clock";
import { call, messagesSubscription, minutesFromNow, type Harness, withHarnessAndToken } from "./support";

describe("graphDateTimeFromText", () => {
  test.each([
    ["2016-11-22T18:23:45.9356913Z", "2016-11-22T18:23:45.9356913Z"],
    ["2016-11-22T18:23:45.9Z", "2016-11-22T18:23:45.9000000Z"],
    ["2016-11-22T18:23:45Z", "2016-11-22T18:23:45.0000000Z"],
    ["2016-11-22T18:23Z", "2016-11-22T18:23:00.0000000Z"],
    ["2016-11-22T20:23:45.9356913+02:00", "2016-11-22T18:23:45.9356913Z"],
    ["2016-11-22T00:10:00.5-00:30", "2016-11-22T00:40:00.5000000Z"],
    ["2016-11-22T18:23:45.935691399Z", "2016-11-22T18:23:45.9356913Z"],
  ])("stores %s as Graph returns it: %s", (sent, stored) => {
    expect(graphDateTimeFromText(sent)).toBe(stored);
  });
});

describe("the subscriptions API's request bodies and dates", () => {
  let harness: Harness;
  let token: string;
  withHarnessAndToken((started, issued) => {
    harness = started;
    token = issued;
  });

  const create = (overrides: Record<string, unknown> = {}) =>
    call(harness.emulator, "POST", "/v1.0/subscriptions", { token, body: messagesSubscription(harness, overrides) });
  /** An expiry `minutes` ahead on the emulated clock, with the given fractional-second digits. */
  const withFraction = (minutes: number, fraction: string) => minutesFromNow(harness.emulator, minutes).replace(/\.\d{3}Z$/, `.${fraction}Z`);

  describe("reauthorize", () => {
    test.each([
      ["the literal null", "null"],
      ["an empty object", "{}"],
      ["a JSON string", '"x"'],
    ])("refuses a request body (%s) with 400, as the docs say to supply none", async (_name, body) => {
      const { body: created } = await create();
      const response = await fetch(`${harness.emulator.url}/v1.0/subscriptions/${created.id}/reauthorize`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).error).toMatchObject({ code: "InvalidRequest", message: "Don't supply a request body for this method." });
      expect(harness.emulator.admin.getSubscription(created.id)?.lastReauthorizedDateTime).toBeNull();
    });

    test("reauthorizes without a body", async () => {
      const { body: created } = await create();
      expect((await call(harness.emulator, "POST", `/v1.0/subscriptions/${created.id}/reauthorize`, { token })).status).toBe(204);
    });
  });

  test.each(["expirationDate", "changeTypes", "notificationURL"])(
    "refuses a creation body with '%s', which is not a subscription property, naming it",
    async (property) => {
      const { status, body } = await create({ [property]: "x" });
      expect(status).toBe(400);
      expect(body.error.message).toBe(
        `The property '${property}' does not exist on type 'microsoft.graph.subscription'. Make sure to only use property names that are defined by the type.`,
      );
      expect(harness.emulator.admin.listSubscriptions()).toEqual([]);
    },
  );

  test("still refuses a PATCH of anything but expirationDateTime and notificationUrl", async () => {
    const { body: created } = await create();
    const { status, body } = await call(harness.emulator, "PATCH", `/v1.0/subscriptions/${created.id}`, {
      token,
      body: { expirationDateTime: minutesFromNow(harness.emulator, 200), clientState: "other" },
    });
    expect(status).toBe(400);
    expect(body.error.message).toBe("Only expirationDateTime and notificationUrl can be updated; the request also sets clientState.");
  });

  test("keeps the seven fractional digits of expirationDateTime as sent, on create, get and list", async () => {
    const { emulator } = harness;
    const sent = withFraction(120, "9356913");
    const created = await create({ expirationDateTime: sent });
    expect(created.body.expirationDateTime).toBe(sent);
    expect((await call(emulator, "GET", `/v1.0/subscriptions/${created.body.id}`, { token })).body.expirationDateTime).toBe(sent);
    expect((await call(emulator, "GET", "/v1.0/subscriptions", { token })).body.value[0].expirationDateTime).toBe(sent);
    expect(emulator.admin.getSubscription(created.body.id)?.expirationDateTime).toBe(sent);
  });

  test("pads a shorter fraction to seven digits on PATCH, and converts an offset to UTC without touching the digits", async () => {
    const { emulator } = harness;
    const { body: created } = await create();
    const path = `/v1.0/subscriptions/${created.id}`;
    const short = withFraction(200, "9");
    const padded = await call(emulator, "PATCH", path, { token, body: { expirationDateTime: short } });
    expect(padded.body.expirationDateTime).toBe(short.replace(/\.9Z$/, ".9000000Z"));

    const utc = new Date(emulator.admin.now().getTime() + 300 * 60_000);
    const local = new Date(utc.getTime() + 2 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, ".1234567+02:00");
    const offset = await call(emulator, "PATCH", path, { token, body: { expirationDateTime: local } });
    expect(offset.body.expirationDateTime).toBe(utc.toISOString().replace(/\.\d{3}Z$/, ".1234567Z"));
    expect((await call(emulator, "GET", path, { token })).body.expirationDateTime).toBe(offset.body.expirationDateTime);
  });

  test("writes an expiry raised to the 45-minute floor with seven digits", async () => {
    const { emulator } = harness;
    const before = emulator.admin.now().getTime();
    const { body } = await create({ expirationDateTime: withFraction(10, "1234567") });
    expect(body.expirationDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}0000Z$/);
    expect(Date.parse(body.expirationDateTime)).toBeGreaterThanOrEqual(before + 45 * 60_000);
  });
});
