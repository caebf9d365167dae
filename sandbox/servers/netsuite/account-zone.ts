import { configError } from "../../../core/errors.js";
import { isTimeZone, localSeconds, offsetChanges } from "../../../core/zone-clock.js";

/**
 * The integration user's time zone. SuiteQL writes date-times in it and reads `TO_TIMESTAMP`
 * literals in it (`localInstant`, `core/zone-clock.ts`); the world keeps them in UTC
 * (`YYYY-MM-DD hh:mm:ss`).
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
export interface AccountZone {
  /** IANA name, e.g. `America/Los_Angeles`. */
  readonly name: string;
  /**
   * The instant a literal naming a local time the clocks repeat (a fall-back night) is read as.
   * NetSuite does not document it; a client must be right either way.
   */
  readonly repeated: "earlier" | "later";
}

export const UTC_ZONE: AccountZone = { name: "UTC", repeated: "later" };

const DAY_MS = 86_400_000;
const WORLD_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Checks an IANA zone name; throws naming it when Intl does not know it. */
export function accountZone(name: string, repeated: AccountZone["repeated"]): AccountZone {
  if (!isTimeZone(name))
    throw configError(`unknown time zone "${name}": give an IANA name such as America/Chicago`);
  return { name, repeated };
}

/** A world date-time (UTC) as the account's user sees it; any other value as it is. */
export function inAccountZone(value: unknown, zone: AccountZone): unknown {
  if (zone.name === "UTC" || typeof value !== "string") return value;
  const match = WORLD_TIME.exec(value);
  if (!match) return value;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const utc = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
  return localSeconds(utc, zone.name);
}

/** Instants `[from, to)` whose local times the clocks show twice, by zone and year. */
const repeatedSpans = new Map<string, readonly { from: number; to: number }[]>();

/**
 * The spans of instants between `fromMs` and `toMs` whose local times a fall-back night repeats:
 * an hour before and an hour after each change (for a one-hour change). Ordered by local time,
 * the rows of such a span interleave; everywhere else local order is instant order.
 */
export function repeatedLocalTimes(
  zone: AccountZone,
  fromMs: number,
  toMs: number,
): { from: number; to: number }[] {
  if (zone.name === "UTC" || !(fromMs < toMs)) return [];
  const spans: { from: number; to: number }[] = [];
  const first = new Date(fromMs - DAY_MS).getUTCFullYear();
  const last = new Date(toMs + DAY_MS).getUTCFullYear();
  for (let year = first; year <= last; year++) {
    for (const span of spansOfYear(zone.name, year)) {
      if (span.to > fromMs && span.from < toMs) spans.push(span);
    }
  }
  return spans;
}

function spansOfYear(zone: string, year: number): readonly { from: number; to: number }[] {
  const key = `${zone}|${year}`;
  let spans = repeatedSpans.get(key);
  if (spans === undefined) {
    const from = Date.UTC(year, 0, 1);
    spans = offsetChanges(zone, from, (Date.UTC(year + 1, 0, 1) - from) / DAY_MS)
      .filter((change) => change.after < change.before)
      .map((change) => {
        const shift = change.before - change.after;
        return { from: change.at - shift, to: change.at + shift };
      });
    repeatedSpans.set(key, spans);
  }
  return spans;
}
