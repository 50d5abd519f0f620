import { startEmulator, startWebhookReceiver, type RunningEmulator, type RunningReceiver } from "../../emulator";
import { resolveSettings } from "../../provider/graph/settings";
import { SubscriptionSetProvider } from "../../provider/subscriptionSet/implementation";
import { emulatorConfig, stateDir, trustCertificateAuthority } from "../emulator/support";
import { closeAll, serverHookTimeoutMs } from "../hooks";
import { watchSecrets } from "../secretWatch";

/**
 * A set's update without the engine: a subscription Graph dropped after the state was last read (between the
 * preview of `pulumi up --refresh` and its update, which takes the preview's listing) is created anew, as
 * Graph's update page says to, instead of failing the whole set on the PATCH's 404.
 */
let emulator: RunningEmulator;
let receiver: RunningReceiver;

beforeAll(async () => {
  emulator = await startEmulator({ stateDir });
  receiver = await startWebhookReceiver({ stateDir });
  trustCertificateAuthority(emulator.caPem);
  watchSecrets(...emulator.clients.map((client) => client.clientSecret));
}, serverHookTimeoutMs);

afterAll(() => closeAll(receiver, emulator), serverHookTimeoutMs);

function provider(): SubscriptionSetProvider {
  const config = emulatorConfig(emulator);
  return SubscriptionSetProvider.withSettings(resolveSettings((key) => config[key], {}));
}

const mailbox = (i: number) => `users/5e7f0000-0000-4000-8000-${String(i).padStart(12, "0")}/messages`;

it("creates anew a subscription Graph dropped since the state was read, and renews the rest in place", async () => {
  const set = provider();
  const paths = [0, 1, 2].map(mailbox);
  const checked = await set.check({}, { resources: paths, changeType: "created", notificationUrl: `${receiver.url}/set`, lifetimeMinutes: 600, renewBeforeMinutes: 300 });
  expect(checked.failures ?? []).toEqual([]);
  const { id, outs } = await set.create(checked.inputs!);
  const before = outs.subscriptionIds as Record<string, string>;
  emulator.admin.advanceClock(600 - 300 + 1);
  // The refresh finds all three, due for renewal; then Graph drops one before the update.
  const refreshed = await set.read(id, outs);
  emulator.admin.deleteSubscription(before[mailbox(1)]!);

  const { outs: after } = await set.update(id, refreshed.props!, checked.inputs!);

  const ids = after!.subscriptionIds as Record<string, string>;
  expect(ids[mailbox(0)]).toBe(before[mailbox(0)]);
  expect(ids[mailbox(2)]).toBe(before[mailbox(2)]);
  expect(ids[mailbox(1)]).not.toBe(before[mailbox(1)]);
  expect(emulator.admin.listSubscriptions().map((s) => s.id).sort()).toEqual(Object.values(ids).sort());
});
