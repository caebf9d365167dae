import { sameValue } from "../field-values.js";

/**
 * NetSuite's REST record service takes and gives a time bill's `hours` as a duration `H:MM`
 * (`"hours": "4:00"`), while SuiteQL, what lands, answers decimal hours; both mean whole minutes.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_164439865832.html
 */
const DURATION = /^(\d+):([0-5]\d)$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/** Whole minutes of hours given as a number, a decimal text or a duration `H:MM`. */
export function minutesOf(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? Math.round(value * 60) : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  const duration = DURATION.exec(text);
  if (duration) return Number(duration[1]) * 60 + Number(duration[2]);
  return DECIMAL.test(text) ? Math.round(Number(text) * 60) : undefined;
}

/**
 * Decimal hours as the duration the record service takes, rounded to whole minutes (Kantata time
 * is whole minutes); undefined for a value that is no number of hours, which is sent as it is
 * and left to NetSuite to refuse.
 */
export function toDuration(value: unknown): string | undefined {
  if (typeof value === "string" && DURATION.test(value.trim())) return value.trim();
  const minutes = minutesOf(value);
  if (minutes === undefined || minutes < 0) return undefined;
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
}

/** A duration `H:MM` as decimal hours (SuiteQL's form); any other value as it is. */
export function decimalHours(value: unknown): unknown {
  if (typeof value !== "string" || !DURATION.test(value.trim())) return value;
  return (minutesOf(value) as number) / 60;
}

/** Whether two hours values are the same whole number of minutes, whichever their form. */
export function sameMinutes(a: unknown, b: unknown): boolean {
  const left = minutesOf(a);
  const right = minutesOf(b);
  return left === undefined || right === undefined ? sameValue(a, b) : left === right;
}
