/**
 * Vendor timestamps → epoch milliseconds, and back into the literals each API filters with.
 * Salesforce sends `2026-05-07T22:07:19.000+0000`, Kantata ISO 8601, NetSuite and Workday
 * whatever the account or report is set to, so parsing is tolerant and zone-aware. The grammar is
 * the one the warehouses shred records by (`warehouse/json-sql.ts`): a cursor is read here as its
 * column is read there, and a test holds the three readers to each other.
 */

import { utcMillis } from "../../core/utc-millis.js";
import { localInstant } from "../../core/zone-clock.js";

/** A zone only after a time: ISO 8601 gives a date no offset. */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s*(Z|[+-]\d{2}:?\d{2}))?)?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?)?$/i;

/**
 * Parses a vendor timestamp; local times are read in `timeZone`. Undefined when unparseable. A
 * local time a fall-back change of offset repeats names two instants: the later one by default,
 * as the warehouses read it; `earlier` for a reader that must not pass over the first.
 */
export function parseTimestamp(
  value: unknown,
  timeZone = "UTC",
  repeated: "later" | "earlier" = "later",
): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || value.length === 0) return undefined;
  const iso = ISO.exec(value.trim());
  if (iso) {
    const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "0", zone] = iso;
    const ms = Number(frac.padEnd(3, "0").slice(0, 3));
    const local = wallClockMs(+y!, +mo!, +d!, +h, +mi, +s, ms);
    if (local === undefined) return undefined;
    if (zone) {
      const offset = zoneOffsetMinutes(zone);
      return offset === undefined ? undefined : local - offset * 60_000;
    }
    return localInstant(local, timeZone, repeated);
  }
  const us = US.exec(value.trim());
  if (us) {
    const [, mo, d, y, h = "0", mi = "0", s = "0", meridiem] = us;
    let hour = +h;
    if (meridiem) {
      if (hour < 1 || hour > 12) return undefined;
      hour = (hour % 12) + (meridiem.toLowerCase() === "pm" ? 12 : 0);
    }
    const local = wallClockMs(+y!, +mo!, +d!, hour, +mi, +s, 0);
    return local === undefined ? undefined : localInstant(local, timeZone, repeated);
  }
  return undefined;
}

/**
 * The wall-clock time as if it were UTC; undefined for an impossible one. Date.UTC rolls
 * 13/05/2026 (a D/M/Y date read as M/D/Y) over into January 2027: seek paging would jump past the
 * window and skip it, so an impossible date is refused and its record quarantined instead.
 */
function wallClockMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number | undefined {
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const local = utcMillis(year, month, day, hour, minute, second, ms);
  // A day past the month's end (31 April, 29 February of a common year) rolls into the next month.
  return new Date(local).getUTCDate() === day ? local : undefined;
}

/** Minutes east of UTC of `Z` or `±hh[:]mm`; undefined past ±15:59, as PostgreSQL refuses. */
function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  return hours > 15 || minutes > 59 ? undefined : sign * (hours * 60 + minutes);
}

/** `2026-01-01T00:00:00Z`: Salesforce SOQL and Workday prompt literals (UTC, whole seconds). */
export function isoSeconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/**
 * `2026-01-01 00:00:00.000+00`: the form timestamp columns are loaded from. The explicit UTC
 * offset makes the text → timestamptz cast cheap and unambiguous on both dialects.
 */
export function sqlTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}+00`;
}
