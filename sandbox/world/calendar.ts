/** Business dates as UTC day numbers, vendor date formats, and the business-day → clock map. */
export const DAY_MS = 86_400_000;

/** Day number (days since 1970-01-01) of a YYYY-MM-DD string. */
export function dayOf(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);
}

const isoDays = new Map<number, string>();

/** YYYY-MM-DD of a day number (memoised: generation formats the same few hundred days). */
export function isoDay(day: number): string {
  let text = isoDays.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoDays.set(day, text);
  }
  return text;
}

/**
 * A NetSuite date as the world keeps it, `YYYY-MM-DD`. SuiteQL shows it in the integration
 * user's date format unless the query formats it (`sandbox/servers/netsuite/suiteql-values.ts`).
 */
export function netsuiteDay(day: number): string {
  return isoDay(day);
}

/** Parses a NetSuite date (`YYYY-MM-DD`) into a day number (NaN when malformed). */
export function parseNetsuiteDay(value: unknown): number {
  const match = typeof value === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!match) return Number.NaN;
  return Math.floor(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS);
}

export function isWeekend(day: number): boolean {
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday
  return weekday === 0 || weekday === 6;
}

/** First day of the month `offset` months from the month holding `day`. */
export function monthStart(day: number, offset = 0): number {
  const date = new Date(day * DAY_MS);
  return Math.floor(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1) / DAY_MS);
}

// Generation formats millions of stamps: a cached date plus a cached time of day gives the same
// text as toISOString() for whole milliseconds in years 1970–9999, without a Date per stamp.
const LAST_FAST_MS = 253_402_300_800_000;
const clockTexts: string[] = [];
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

function clockText(second: number): string {
  let text = clockTexts[second];
  if (text === undefined) {
    text = `${pad2(Math.floor(second / 3600))}:${pad2(Math.floor(second / 60) % 60)}:${pad2(second % 60)}`;
    clockTexts[second] = text;
  }
  return text;
}

/** `YYYY-MM-DDTHH:MM:SS` of `ms` (UTC), or undefined outside the fast range. */
function isoSeconds(ms: number, sep: string): string | undefined {
  if (!Number.isInteger(ms) || ms < 0 || ms >= LAST_FAST_MS) return undefined;
  const day = Math.floor(ms / DAY_MS);
  return `${isoDay(day)}${sep}${clockText(Math.floor((ms - day * DAY_MS) / 1000))}`;
}

const millisText = (ms: number) => String(ms % 1000).padStart(3, "0");

/** Salesforce datetime: 2026-05-07T22:07:19.000+0000. */
export function salesforceStamp(ms: number): string {
  const fast = isoSeconds(ms, "T");
  if (fast !== undefined) return `${fast}.${millisText(ms)}+0000`;
  return `${new Date(ms).toISOString().slice(0, 23)}+0000`;
}

/** SuiteQL datetime as the sandbox returns it: 2026-05-07 22:07:19 (UTC). */
export function suiteqlStamp(ms: number): string {
  const fast = isoSeconds(ms, " ");
  if (fast !== undefined) return fast;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Kantata datetime: 2026-05-07T22:07:19Z. */
export function kantataStamp(ms: number): string {
  const fast = isoSeconds(ms, "T");
  if (fast !== undefined) return `${fast}Z`;
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Workday datetime: 2026-05-07T22:07:19.000Z. */
export function workdayStamp(ms: number): string {
  const fast = isoSeconds(ms, "T");
  if (fast !== undefined) return `${fast}.${millisText(ms)}Z`;
  return new Date(ms).toISOString();
}

/**
 * Maps business days onto the clock: the as-of day lands on the UTC day before now(), so every
 * generated timestamp lies in the year before now() while business dates anchor on as-of.
 */
export class Clock {
  readonly asOfDay: number;
  private readonly asOfStartMs: number;
  private readonly floorMs: number;

  constructor(asOfDay: number, nowMs: number) {
    this.asOfDay = asOfDay;
    const todayStart = Math.floor(nowMs / DAY_MS) * DAY_MS;
    this.asOfStartMs = todayStart - DAY_MS;
    this.floorMs = todayStart - 364 * DAY_MS;
  }

  /** Epoch ms of minute `minute` of business day `day` (clamped into the past year). */
  at(day: number, minute: number): number {
    const ms = this.asOfStartMs + (day - this.asOfDay) * DAY_MS + minute * 60_000;
    return ms < this.floorMs ? this.floorMs + (ms % 3_600_000) : ms;
  }
}
