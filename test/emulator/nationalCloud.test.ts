import { closeAll, serverHookTimeoutMs } from "../hooks";
import { call, messagesSubscription, minutesFromNow, startHarness, tokenFor, type Harness } from "./support";

/**
 * The emulator as a national cloud's Graph: it serves only the resources whose APIs exist there, from the rule
 * table's clouds (the APIs' national-cloud statements), so the provider's preview refusal and Graph's agree.
 */
describe("an emulator standing in for US Government L4", () => {
  let harness: Harness;
  let token: string;
  beforeAll(async () => {
    harness = await startHarness({ cloud: "usgov-l4" });
    token = await tokenFor(harness.emulator);
  }, serverHookTimeoutMs);
  afterAll(() => closeAll(harness), serverHookTimeoutMs);

  it.each([
    ["Outlook messages, offered in every cloud", 201, "users/alice@contoso.com/messages", "created"],
    ["security alerts, offered in global and US Government", 201, "security/alerts", "updated"],
    ["To Do tasks, whose webhooks are global only", 400, "users/alice@contoso.com/todo/lists/l1/tasks", "created"],
    ["Entra health-monitoring alerts, global only", 400, "reports/healthMonitoring/alerts", "created"],
  ])("%s: answers %i", async (_what, status, resource, changeType) => {
    const version = resource.startsWith("reports/") ? "beta" : "v1.0";
    const body = messagesSubscription(harness, { resource, changeType, expirationDateTime: minutesFromNow(harness.emulator, 60) });
    const answer = await call(harness.emulator, "POST", `/${version}/subscriptions`, { token, body });
    expect(answer.status).toBe(status);
    if (status === 400) expect(answer.body.error.message).toContain("does not support change notifications in this national cloud deployment (usgov-l4)");
  });
});
