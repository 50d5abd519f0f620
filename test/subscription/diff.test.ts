import { diff, useSettingsForTests } from "./lifecycleHarness";

const now = Date.now();
const inMinutes = (minutes: number) => new Date(now + minutes * 60_000).toISOString();

const desired = {
  resource: "users/{id}/messages",
  changeType: "created,updated",
  notificationUrl: "https://hooks.example.com/mail",
  clientState: "state-1",
  lifetimeMinutes: 600,
  renewBeforeMinutes: 60,
};

/** The state create would have written for `desired`, with Graph's expiry `minutesLeft` from now. */
function stateFor(inputs: Record<string, unknown>, minutesLeft = 600) {
  const expiration = inMinutes(minutesLeft);
  return {
    ...inputs,
    expirationDateTime: expiration,
    lastWrittenExpirationDateTime: expiration,
    graphApiVersion: "v1.0",
    ruleId: "any",
    stateVersion: 1,
    __provider: "old provider text",
  };
}

beforeAll(() => useSettingsForTests());

describe("diff", () => {
  it("reports no change when the program matches the state, whatever __provider says", async () => {
    expect(await diff(stateFor(desired), { ...desired, __provider: "new provider text" })).toEqual({ changes: false });
  });

  it.each([
    ["notificationUrl", { notificationUrl: "https://hooks.example.com/other" }],
    ["lifetimeMinutes", { lifetimeMinutes: 900 }],
    ["renewBeforeMinutes", { renewBeforeMinutes: 90 }],
    ["reauthorizeTrigger", { reauthorizeTrigger: "2026-11-22" }],
  ])("updates in place when %s changes", async (_name, change) => {
    expect(await diff(stateFor(desired), { ...desired, ...change })).toEqual({ changes: true });
  });

  it.each([
    ["clientState", { clientState: "state-2" }, true],
    ["lifecycleNotificationUrl", { lifecycleNotificationUrl: "https://hooks.example.com/lifecycle" }, true],
    ["latestSupportedTlsVersion", { latestSupportedTlsVersion: "v1_3" }, true],
    ["resource", { resource: "users/{id}/events" }, false],
    ["changeType", { changeType: "created" }, false],
  ])("replaces when %s changes, deleting first only when resource and changeType stay the same", async (name, change, deleteFirst) => {
    expect(await diff(stateFor(desired), { ...desired, ...change })).toEqual({
      changes: true,
      replaces: [name],
      deleteBeforeReplace: deleteFirst,
    });
  });

  it("replaces, deleting first, when the Teams payment model changes from A to B", async () => {
    const teams = { resource: "chats/getAllMessages", changeType: "created", notificationUrl: "https://hooks.example.com/t", lifecycleNotificationUrl: "https://hooks.example.com/l" };
    const result = await diff(stateFor({ ...teams, paymentModel: "A" }), { ...teams, paymentModel: "B" });
    expect(result).toEqual({ changes: true, replaces: ["resource"], deleteBeforeReplace: true });
  });

  it("treats ?model=B in resource like paymentModel B", async () => {
    const teams = { changeType: "created", notificationUrl: "https://hooks.example.com/t", lifecycleNotificationUrl: "https://hooks.example.com/l" };
    const result = await diff(stateFor({ ...teams, resource: "chats/getAllMessages?model=A" }), { ...teams, resource: "chats/getAllMessages?model=B" });
    expect(result).toMatchObject({ changes: true, replaces: ["resource"], deleteBeforeReplace: true });
  });

  it("does not replace when only the case of the payment model changes", async () => {
    const teams = { changeType: "created", notificationUrl: "https://hooks.example.com/t", lifecycleNotificationUrl: "https://hooks.example.com/l" };
    const fresh = 4000; // minutes left: the default Teams lifetime is 4,320 and renewal starts at half of it
    expect(await diff(stateFor({ ...teams, resource: "chats/getAllMessages?model=a" }, fresh), { ...teams, resource: "chats/getAllMessages?model=A" })).toEqual({ changes: false });
    expect(await diff(stateFor({ ...teams, resource: "chats/getAllMessages?model=A" }, fresh), { ...teams, resource: "chats/getAllMessages", paymentModel: "A" })).toEqual({ changes: false });
  });

  it("does not replace when only the spelling of the same path changes", async () => {
    expect(await diff(stateFor(desired), { ...desired, resource: "/users/{id}/messages" })).toEqual({ changes: false });
  });

  it("renews in place once less than renewBeforeMinutes remain", async () => {
    expect(await diff(stateFor(desired, 59), desired)).toEqual({ changes: true });
    expect(await diff(stateFor(desired, 61), desired)).toEqual({ changes: false });
  });

  it("replaces an expired subscription, which Graph has already deleted", async () => {
    expect(await diff(stateFor(desired, -5), desired)).toEqual({ changes: true, replaces: ["expirationDateTime"], deleteBeforeReplace: true });
  });

  it("updates when a refresh found notificationUrl changed out of band", async () => {
    const drifted = { ...stateFor(desired), notificationUrl: "https://attacker.example.com/" };
    expect(await diff(drifted, desired)).toEqual({ changes: true });
  });

  it("updates when a refresh found a fixed expiry moved out of band", async () => {
    const fixed = { ...desired, lifetimeMinutes: undefined, renewBeforeMinutes: undefined, expirationDateTime: inMinutes(300) };
    const state = { ...stateFor(fixed, 300), requestedExpirationDateTime: fixed.expirationDateTime };
    expect(await diff(state, fixed)).toEqual({ changes: false });
    expect(await diff({ ...state, expirationDateTime: inMinutes(100) }, fixed)).toEqual({ changes: true });
    expect(await diff(state, { ...fixed, expirationDateTime: inMinutes(400) })).toEqual({ changes: true });
  });

  it.each([
    ["latestSupportedTlsVersion", "v1_2"],
    ["includeResourceData", false],
  ])("treats %s left out and Graph's default %p as the same subscription", async (name, graphDefault) => {
    expect(await diff(stateFor({ ...desired, [name]: graphDefault }), desired)).toEqual({ changes: false });
    expect(await diff(stateFor(desired), { ...desired, [name]: graphDefault })).toEqual({ changes: false });
  });

  it("replaces when a non-default TLS version is removed from the program", async () => {
    expect(await diff(stateFor({ ...desired, latestSupportedTlsVersion: "v1_3" }), desired)).toMatchObject({ replaces: ["latestSupportedTlsVersion"] });
  });

  it("replaces when the resource is not yet known during preview", async () => {
    const result = await diff(stateFor(desired), { ...desired, resource: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
    // Deleting first, as the update will most likely find the same target: preview shows what up does.
    expect(result).toEqual({ changes: true, replaces: ["resource"], deleteBeforeReplace: true });
  });
});
