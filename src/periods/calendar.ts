/**
 * The business calendar: a period is a calendar month in America/Mexico_City, named YYYY-MM.
 * Instants stay UTC everywhere else; this is the only place that knows the zone.
 */
export const BUSINESS_TIME_ZONE = "America/Mexico_City";

const parts = new Intl.DateTimeFormat("en-CA", {
  timeZone: BUSINESS_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** Wall-clock fields of an instant in the business zone. */
export function businessDate(instant: Date): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const fields = Object.fromEntries(parts.formatToParts(instant).map((part) => [part.type, part.value]));
  return {
    year: Number(fields.year),
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
  };
}

export function periodOf(instant: Date): string {
  const { year, month } = businessDate(instant);
  return `${year}-${String(month).padStart(2, "0")}`;
}

/** The UTC instant of a business-zone wall-clock time (exact across offset changes). */
export function businessInstant(year: number, month: number, day: number): Date {
  const guess = Date.UTC(year, month - 1, day);
  let instant = guess;
  // Two passes settle the offset even on a day the zone changes offset.
  for (let pass = 0; pass < 2; pass += 1) {
    const seen = businessDate(new Date(instant));
    const seenAsUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second);
    instant += guess - seenAsUtc;
  }
  return new Date(instant);
}

/** [start, end) of a period, as UTC instants. */
export function periodBounds(period: string): { start: Date; end: Date } {
  const [year, month] = period.split("-").map(Number) as [number, number];
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return { start: businessInstant(year, month, 1), end: businessInstant(next.year, next.month, 1) };
}

/** The day of the month in the business zone (loyalty counts days 1-7). */
export function businessDayOfMonth(instant: Date): number {
  return businessDate(instant).day;
}

/** [start, end) of the business-zone calendar day containing an instant (daily withdrawal limit). */
export function businessDayBounds(instant: Date): { start: Date; end: Date } {
  const { year, month, day } = businessDate(instant);
  return { start: businessInstant(year, month, day), end: businessInstant(year, month, day + 1) };
}
