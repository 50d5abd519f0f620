/**
 * "Now" as Microsoft Graph sees it. Renewal and expiry are Graph's decisions, so a build agent whose
 * clock drifts must not renew too late or replace a subscription that is still alive. Every Graph
 * response carries a Date header; the provider learns the offset from it and applies it for the
 * rest of the process (one provider process serves one `pulumi` operation).
 */
let offsetMs = 0;
let observed = false;

export function graphNow(): Date {
  return new Date(Date.now() + offsetMs);
}

/** Called with the Date header of each Graph response. HTTP dates have one-second resolution. */
export function observeGraphDate(dateHeader: string | null | undefined, receivedAt = Date.now()): void {
  if (!dateHeader) return;
  const serverTime = Date.parse(dateHeader);
  if (Number.isNaN(serverTime)) return;
  const offset = serverTime - receivedAt;
  observed = true;
  // Ignore sub-second noise so that an unskewed clock stays exactly unskewed.
  offsetMs = Math.abs(offset) < 2000 ? 0 : offset;
}

/** Whether this process has heard Graph's clock yet; before that, graphNow() is the local clock. */
export function graphClockObserved(): boolean {
  return observed;
}

export function resetGraphClock(): void {
  offsetMs = 0;
  observed = false;
}
