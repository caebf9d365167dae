import { CronExpressionParser } from "cron-parser";

const DAY_MS = 86_400_000;
/** Four years from a leap year: every month length and weekday the calendar has, Feb 29 included. */
const FROM = Date.UTC(2000, 0, 1);
const DAYS = 4 * 365 + 1;

/**
 * The shortest time between two firings of a cron expression, in ms, on the clock as written
 * (no daylight-saving shifts): 24h for `0 22 * * *` and for `0 22 * * 1-5`, 8h for
 * `0 9,17 * * *`. Undefined when the expression does not parse or fires at most once in four
 * years. Computed from the expression's fields, not by stepping through its firings (cron-parser
 * takes a quarter of a millisecond a step, and this runs whenever a config is read).
 */
export function shortestCronGap(expression: string): number | undefined {
  let fields: ReturnType<typeof CronExpressionParser.parse>["fields"];
  try {
    fields = CronExpressionParser.parse(expression).fields;
  } catch {
    return undefined;
  }
  const numbers = (values: readonly (number | string)[]) =>
    values.filter((value): value is number => typeof value === "number");
  // Seconds of the day it fires at, ascending.
  const times: number[] = [];
  for (const hour of numbers(fields.hour.values))
    for (const minute of numbers(fields.minute.values))
      for (const second of numbers(fields.second.values))
        times.push(hour * 3600 + minute * 60 + second);
  times.sort((a, b) => a - b);
  const months = new Set(numbers(fields.month.values));
  const monthDays = new Set(numbers(fields.dayOfMonth.values));
  const weekDays = new Set(numbers(fields.dayOfWeek.values).map((day) => day % 7));
  const anyMonthDay = fields.dayOfMonth.isWildcard;
  const anyWeekDay = fields.dayOfWeek.isWildcard;
  // cron's day rule: with both day fields restricted, a day matching either one fires.
  const fires = (date: Date) => {
    if (!months.has(date.getUTCMonth() + 1)) return false;
    const byMonthDay = monthDays.has(date.getUTCDate());
    const byWeekDay = weekDays.has(date.getUTCDay());
    if (anyMonthDay && anyWeekDay) return true;
    if (anyMonthDay) return byWeekDay;
    if (anyWeekDay) return byMonthDay;
    return byMonthDay || byWeekDay;
  };
  let dayGap = Number.POSITIVE_INFINITY;
  let previous: number | undefined;
  for (let day = 0; day < DAYS; day++) {
    if (!fires(new Date(FROM + day * DAY_MS))) continue;
    if (previous !== undefined) dayGap = Math.min(dayGap, day - previous);
    previous = day;
  }
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined) return undefined;
  let gap = dayGap * 86_400 - (last - first); // from a day's last firing to the next day's first
  for (let i = 1; i < times.length; i++)
    gap = Math.min(gap, (times[i] as number) - (times[i - 1] as number));
  return Number.isFinite(gap) ? gap * 1000 : undefined;
}
