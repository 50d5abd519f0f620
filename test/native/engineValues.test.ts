import { conceal, reveal, secret } from "../../provider/native/engineValues";

const sig = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
const wrapped = (value: unknown) => ({ [sig]: secretSig, value });

describe("reveal: the engine's values as the operations take them", () => {
  it.each([
    ["a plain value", { resource: "groups" }, { resource: "groups" }, []],
    ["a secret string", { clientState: wrapped("s3cret") }, { clientState: "s3cret" }, ["clientState"]],
    ["a secret field of the connection", { connection: { tenantId: "t", clientSecret: wrapped("x") } }, { connection: { tenantId: "t", clientSecret: "x" } }, []],
    ["a whole secret connection", { connection: wrapped({ tenantId: "t", clientSecret: "x" }) }, { connection: { tenantId: "t", clientSecret: "x" } }, ["connection"]],
    ["a secret nested in another input", { notificationUrl: wrapped("https://a") }, { notificationUrl: "https://a" }, ["notificationUrl"]],
    ["an output value without a value (unknown)", { notificationUrl: { [sig]: "d0e6a833031e9bbcd3f4e8bde6ca49a4" } }, { notificationUrl: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }, []],
  ])("%s", (_, given, plain, secretNames) => {
    const revealed = reveal(given);
    expect(revealed.plain).toEqual(plain);
    expect([...revealed.secretNames]).toEqual(secretNames);
  });
});

describe("conceal: what goes back to the engine to be stored", () => {
  it("always conceals the input table's secrets, whatever arrived", () => {
    expect(conceal({ clientState: "s3cret", resource: "groups" })).toEqual({ clientState: secret("s3cret"), resource: "groups" });
  });
  it("conceals only the connection's secret fields, so its tenant and app stay readable", () => {
    expect(conceal({ connection: { tenantId: "t", clientSecret: "x" } })).toEqual({ connection: { tenantId: "t", clientSecret: secret("x") } });
  });
  it("keeps secret what arrived secret, whole", () => {
    const { plain, secretNames } = reveal({ connection: wrapped({ tenantId: "t", clientSecret: "x" }), notificationUrl: wrapped("https://a") });
    expect(conceal(plain, secretNames)).toEqual({ connection: secret({ tenantId: "t", clientSecret: "x" }), notificationUrl: secret("https://a") });
  });
  it("leaves out what is undefined", () => {
    expect(conceal({ resource: "groups", clientState: undefined })).toEqual({ resource: "groups" });
  });
});
