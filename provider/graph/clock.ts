/**
 * "Now" as Microsoft Graph sees it. Renewal and expiry are Graph's decisions, so a build agent whose
 * clock drifts must not renew too late or replace a subscription that is still alive. Every Graph
 * response carries a Date header; the client reports it here, and the offset applies for the rest of
 * the provider process that owns this clock (one process serves one `pulumi` operation).
 */
export class GraphClock {
  private offsetMs = 0;
  private heard = false;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Called with the Date header of each Graph response. HTTP dates have one-second resolution. */
  observe(dateHeader: string | null | undefined, receivedAt = Date.now()): void {
    if (!dateHeader) return;
    const serverTime = Date.parse(dateHeader);
    if (Number.isNaN(serverTime)) return;
    const offset = serverTime - receivedAt;
    this.heard = true;
    // Ignore sub-second noise so that an unskewed clock stays exactly unskewed.
    this.offsetMs = Math.abs(offset) < 2000 ? 0 : offset;
  }

  /** Whether Graph's clock has been heard yet; before that, now() is the local clock. */
  observed(): boolean {
    return this.heard;
  }
}
