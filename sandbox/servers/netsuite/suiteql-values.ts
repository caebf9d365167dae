import { type AccountZone, inAccountZone } from "./account-zone.js";

/**
 * Date and date-time values as SuiteQL writes them. The world keeps NetSuite dates as
 * `YYYY-MM-DD` and date-times as `YYYY-MM-DD hh:mm:ss` in UTC; SuiteQL shows date-times in the
 * integration user's time zone (`AccountZone`, UTC unless the sandbox is started with another).
 * A bare column shows them in the user's date-format preference (NetSuite's default `M/D/YYYY`
 * here) and drops a date-time's time; `TO_CHAR(col, 'format')` writes them as asked.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */

const WORLD_TIME = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/;
const FORMAT_ELEMENT = /YYYY|MM|DD|HH24|MI|SS/g;
/** The TO_CHAR formats the sandbox writes: these elements and separators between them. */
const CHAR_FORMAT = /^(?:YYYY|MM|DD|HH24|MI|SS|[ \-/:.,])+$/;

/** Whether the sandbox can write `format` (a subset of Oracle's datetime format models). */
export function isCharFormat(format: string): boolean {
  return CHAR_FORMAT.test(format);
}

/** `TO_CHAR(value, format)`; a value that is no date (a planted broken one) comes back as is. */
export function toChar(value: unknown, format: string, zone: AccountZone): unknown {
  const local = inAccountZone(value, zone);
  const match = typeof local === "string" ? WORLD_TIME.exec(local) : null;
  if (!match) return value;
  const [, year, month, day, hour = "00", minute = "00", second = "00"] = match;
  const elements: Record<string, string | undefined> = {
    YYYY: year,
    MM: month,
    DD: day,
    HH24: hour,
    MI: minute,
    SS: second,
  };
  return format.replace(FORMAT_ELEMENT, (element) => elements[element] ?? element);
}

/** A bare column's value: dates and date-times as `M/D/YYYY`, everything else as stored. */
export function bareValue(value: unknown, zone: AccountZone): unknown {
  const local = inAccountZone(value, zone);
  const match = typeof local === "string" ? WORLD_TIME.exec(local) : null;
  if (!match) return value;
  return `${Number(match[2])}/${Number(match[3])}/${match[1]}`;
}
