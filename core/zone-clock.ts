import { utcMillis } from "./utc-millis.js";

/**
 * Wall clocks of IANA time zones, through Intl: the offset at an instant and the instants a
 * zone's offset changes (daylight saving). One formatter per zone: making one costs far more
 * than formatting with it.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

const clocks = new Map<string, Intl.DateTimeFormat>();

/** Whether Intl knows `name` as a time zone (an IANA name such as `America/Chicago`, or UTC). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function clockOf(timeZone: string): Intl.DateTimeFormat {
  let clock = clocks.get(timeZone);
  if (clock === undefined) {
    clock = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    clocks.set(timeZone, clock);
  }
  return clock;
}

/** Offset of `timeZone` from UTC at the instant `atMs`, in ms east (whole seconds). */
export function zoneOffsetMs(atMs: number, timeZone: string): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return 0;
  const part: Record<string, number> = {};
  for (const { type, value } of clockOf(timeZone).formatToParts(atMs)) part[type] = Number(value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = part;
  return utcMillis(year, month, day, hour, minute, second) - Math.floor(atMs / 1000) * 1000;
}

/**
 * `2026-01-01 00:00:00`: the instant `ms` on `timeZone`'s wall clock, to the second (NetSuite's
 * `TO_TIMESTAMP` literals and SuiteQL's date-times in an account's zone).
 */
export function localSeconds(ms: number, timeZone: string): string {
  const shifted = ms + zoneOffsetMs(ms, timeZone);
  return new Date(Math.floor(shifted / 1000) * 1000).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * The instant a wall-clock time names in `timeZone` (`local`: the wall clock read as if UTC). A
 * time a change of offset skips (spring forward) is read as the later of its two readings, as
 * PostgreSQL reads it (`DetermineTimeZoneOffset`) and DuckDB's ICU with it; one it repeats (fall
 * back) as the later instant too, or the earlier when asked. Like PostgreSQL, this takes a zone's
 * offset changes to be more than two days apart.
 */
export function localInstant(
  local: number,
  timeZone: string,
  repeated: "later" | "earlier" = "later",
): number {
  const before = local - zoneOffsetMs(local - DAY_MS, timeZone);
  const after = local - zoneOffsetMs(local + DAY_MS, timeZone);
  if (before === after) return before;
  const named = [before, after].filter((at) => at + zoneOffsetMs(at, timeZone) === local);
  if (named.length === 0) return Math.max(before, after);
  return repeated === "earlier" ? Math.min(...named) : Math.max(...named);
}

/** A change of a zone's offset: at the instant `at`, from `before` to `after` (ms east of UTC). */
export interface OffsetChange {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

/**
 * Each change of `timeZone`'s offset within `days` of `fromMs`, found to the minute. Like
 * PostgreSQL, this takes a zone's changes to be more than a day apart.
 */
export function offsetChanges(timeZone: string, fromMs: number, days: number): OffsetChange[] {
  const changes: OffsetChange[] = [];
  const offset = (at: number) => zoneOffsetMs(at, timeZone);
  const start = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
  for (let at = start; at < start + days * DAY_MS; at += DAY_MS) {
    const before = offset(at);
    const after = offset(at + DAY_MS);
    if (after === before) continue;
    let low = at;
    let high = at + DAY_MS;
    while (high - low > MINUTE_MS) {
      const middle =
        low + Math.max(MINUTE_MS, Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS);
      if (offset(middle) === before) low = middle;
      else high = middle;
    }
    changes.push({ at: high, before, after });
  }
  return changes;
}
