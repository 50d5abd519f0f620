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

/**
 * A date-time as Graph stores it: .NET's DateTimeOffset keeps 100-nanosecond ticks, so the seven
 * fractional digits a client sends come back as sent (`...45.9356913Z`; the Update page's example), and
 * shorter fractions are padded as .NET prints them (`...45.9Z` -> `...45.9000000Z`). The offset is
 * normalised to UTC; the fraction is not touched by that, since offsets are whole minutes. Digits beyond
 * the seventh are below a tick and are dropped. `text` must already match graphLimits.dateTimePattern.
 */
export function graphDateTimeFromText(text: string): string {
  const whole = new Date(text);
  const seconds = new Date(Math.floor(whole.getTime() / 1000) * 1000).toISOString().slice(0, 19);
  const fraction = /T\d{2}:\d{2}:\d{2}\.(\d+)/.exec(text)?.[1] ?? "";
  return `${seconds}.${fraction.slice(0, 7).padEnd(7, "0")}Z`;
}

/** Epoch milliseconds of a Graph date-time (the sub-millisecond ticks do not change a comparison in ms). */
export function epochMs(graphDateTimeText: string): number {
  return Date.parse(graphDateTimeText);
}
