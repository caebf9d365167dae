/**
 * `Date.UTC` for every year: `Date.UTC` reads years 0–99 as 1900–1999, so 0026-05-07 would become
 * 1926-05-07. `month` counts from 1; days and times past their range roll over as `Date.UTC`'s do.
 */
export function utcMillis(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}
