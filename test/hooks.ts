/**
 * Hook settings shared by every suite that starts servers or processes.
 *
 * A hook that starts an emulator may wait for a cold module load, certificate work or a busy machine:
 * it gets a generous limit of its own rather than jest's default five seconds. Teardown must cope with a
 * setup that failed half-way, so it closes whatever did start and ignores what did not.
 */
export const serverHookTimeoutMs = 60_000;

export interface Closable {
  close(): Promise<void> | void;
}

/** Closes each started server; `undefined` (never started) is skipped, and one failure does not stop the rest. */
export async function closeAll(...closables: Array<Closable | undefined>): Promise<void> {
  const results = await Promise.allSettled(closables.map(async (closable) => closable?.close()));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure) throw failure.reason;
}
