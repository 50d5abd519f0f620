/**
 * Date.parse rolls an impossible day or hour over ("2026-02-30" reads as 2 March, hour 24 as the next
 * midnight), so a date that passes the shape check can still name no moment; Graph would refuse it, or
 * the subscription would expire at another time than written. Returns what is wrong, if anything.
 */
export function impossibleDateTime(value: string): string | undefined {
  const fields = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/i.exec(value);
  if (!fields) return undefined;
  const [year, month, day, hour, minute, second = 0] = fields.slice(1).map((field) => (field === undefined ? undefined : Number(field))) as number[];
  const leap = (year! % 4 === 0 && year! % 100 !== 0) || year! % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month! - 1];
  if (daysInMonth === undefined) return `has month ${month}, but months run from 01 to 12`;
  if (day! < 1 || day! > daysInMonth) return `has day ${day}, but month ${month} of ${year} has ${daysInMonth} days`;
  if (hour! > 23) return `has hour ${hour}, but hours run from 00 to 23`;
  if (minute! > 59 || second > 59) return "has minutes or seconds over 59";
  return undefined;
}
