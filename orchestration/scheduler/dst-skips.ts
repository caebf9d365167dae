import { CronExpressionParser } from "cron-parser";
import { offsetChanges } from "../../core/zone-clock.js";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** A day on which a schedule does not run: each of its times that day is one the clocks skip. */
export interface SkippedDay {
  /** The local date, `YYYY-MM-DD`. */
  readonly date: string;
  /** The local times it would have fired at that day, `HH:MM`. */
  readonly times: readonly string[];
  /** The local times that do not exist that day, `HH:MM` to `HH:MM`. */
  readonly from: string;
  readonly to: string;
}

/**
 * The days within `days` of `from` on which a cron schedule in `timeZone` has no run, because the
 * clocks go forward over all of its times that day (node-cron fires nothing for a local time
 * that does not exist: `0 2 * * *` in America/New_York has no run on 2027-03-14). A day that
 * keeps another run (an hourly job's other 23) is not listed. Empty in zones without daylight
 * saving time, and for expressions cron-parser does not read.
 */
export function skippedDays(cron: string, timeZone: string, from: Date, days = 366): SkippedDay[] {
  const skipped: SkippedDay[] = [];
  for (const gap of springForwards(timeZone, from.getTime(), days)) {
    // The schedule's times on the gap's local date: cron matches the clock's fields, so its
    // firings on that date in UTC are its local times there, with no shift to get in the way.
    const dayStart = Math.floor(gap.from / DAY_MS) * DAY_MS;
    const times = firingsAllIn(cron, dayStart, gap);
    if (!times) continue;
    skipped.push({
      date: new Date(dayStart).toISOString().slice(0, 10),
      times: times.map(clock),
      from: clock(gap.from),
      to: clock(gap.to),
    });
  }
  return skipped;
}

/**
 * The firings of `cron` on the day from `dayStart`, read in UTC, when there are some and all fall
 * in `gap`; undefined as soon as one falls outside it (the day keeps a run), or when the
 * expression does not parse.
 */
function firingsAllIn(
  cron: string,
  dayStart: number,
  gap: { from: number; to: number },
): number[] | undefined {
  let expression: ReturnType<typeof CronExpressionParser.parse>;
  try {
    expression = CronExpressionParser.parse(cron, {
      currentDate: new Date(dayStart - 1),
      endDate: new Date(dayStart + DAY_MS - 1),
      tz: "UTC",
    });
  } catch {
    return undefined;
  }
  const times: number[] = [];
  while (expression.hasNext()) {
    const time = expression.next().getTime();
    if (time < gap.from || time >= gap.to) return undefined;
    times.push(time);
  }
  return times.length > 0 ? times : undefined;
}

/**
 * Each time `timeZone`'s clocks go forward within `days` of `from`: the skipped local times as
 * wall-clock instants (`Date.UTC` of the local fields), from inclusive, to exclusive.
 */
function springForwards(
  timeZone: string,
  from: number,
  days: number,
): Array<{ from: number; to: number }> {
  return offsetChanges(timeZone, from, days)
    .filter((change) => change.after > change.before)
    .map((change) => ({ from: change.at + change.before, to: change.at + change.after }));
}

function clock(wall: number): string {
  return new Date(wall).toISOString().slice(11, 16);
}

/** A skipped day as `config check` and `pslink schedule --list` say it, with what to do. */
export function describeSkip(timeZone: string, skip: SkippedDay): string {
  const times = skip.times.length === 1 ? `${skip.times[0]} is` : `${skip.times.join(", ")} are`;
  return `no run on ${skip.date}: ${times} in the time ${timeZone}'s clocks skip that day (${skip.from} to ${skip.to}); move it out of that hour, or set its timezone to UTC`;
}
