/**
 * The emulator's "now". Tests move it forward to make subscriptions expire without waiting; every
 * lifetime rule and the HTTP Date header read it, because the provider learns Graph's clock from that header.
 * Access tokens are the exception: they are checked against real time, as the real authority does.
 */
export class EmulatedClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advanceMinutes(minutes: number): Date {
    this.offsetMs += minutes * 60_000;
    return this.now();
  }

  set(when: Date): Date {
    this.offsetMs = when.getTime() - Date.now();
    return this.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

/** Graph writes DateTimeOffset values with seven fractional digits, e.g. 2026-11-20T18:23:45.9356913Z. */
export function graphDateTime(when: Date): string {
  return when.toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}
