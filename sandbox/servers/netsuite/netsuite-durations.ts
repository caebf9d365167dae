import { NumberText } from "../../world/number-text.js";

/**
 * Duration fields of the record service: a REST body gives a time bill's `hours` as `H:MM`
 * (`"hours": "4:00"`), SuiteQL serves the same field as decimal hours, which is how the world
 * keeps it. A number is taken too.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_164439865832.html
 */
const DURATION_FIELDS: Readonly<Record<string, readonly string[]>> = { timebill: ["hours"] };
const DURATION = /^(\d+):([0-5]\d)$/;

/** Whether the record type's column is a duration on the REST side. */
export function isDurationField(type: string, column: string): boolean {
  return DURATION_FIELDS[type]?.includes(column) ?? false;
}

/** A REST duration `H:MM` as decimal hours; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return (Number(match[1]) * 60 + Number(match[2])) / 60;
}

/** Stored decimal hours as the REST record shows them, `H:MM` to the minute; others as they are. */
export function formatDuration(value: unknown): unknown {
  const hours =
    value instanceof NumberText ? Number(value.text) : typeof value === "number" ? value : NaN;
  if (!Number.isFinite(hours)) return value;
  const minutes = Math.round(Math.abs(hours) * 60);
  const sign = hours < 0 && minutes > 0 ? "-" : "";
  return `${sign}${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
}
