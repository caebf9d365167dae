import { z } from "zod";
import type { ColumnType } from "../../warehouse/warehouse.js";
import { parseTimestamp, sqlTimestamp } from "./timestamps.js";

/**
 * The field vocabulary streams declare their schemas with. Each helper is a plain zod check of
 * the vendor's wire value (no transforms, so zod compiles the object schema to a fast path) plus
 * the column it lands as and how its value is written there, as registry metadata.
 */
export interface FieldMeta {
  column: ColumnType;
  /** The wire value (never null) as column text, null for SQL null, undefined when unreadable (quarantine). */
  toColumn(value: unknown, timeZone: string): string | null | undefined;
}

export const fieldMeta = z.registry<FieldMeta>();

function typed<T extends z.ZodType>(
  schema: T,
  column: ColumnType,
  toColumn: FieldMeta["toColumn"],
): T {
  fieldMeta.add(schema as z.ZodType, { column, toColumn });
  return schema;
}

const asText = (value: unknown) => String(value);

/** Date-times as the four vendors write them (ISO 8601 with or without zone, or `M/D/YYYY h:mm am`). */
const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$|^\d{1,2}\/\d{1,2}\/\d{4}(\s+\d{1,2}:\d{2}(:\d{2})?\s*([ap]m)?)?$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A string (ids, names, codes). */
export const text = () => typed(z.string(), "text", asText);

/** A whole number sent as a JSON number. */
export const int = () => typed(z.number().int(), "bigint", asText);

/** A number sent as a JSON number. */
export const num = () => typed(z.number(), "double", asText);

/** Money sent as a JSON number. */
export const money = () => typed(z.number(), "decimal", asText);

/** A JSON boolean. */
export const bool = () => typed(z.boolean(), "boolean", asText);

/** A boolean sent as text, e.g. NetSuite "T"/"F" or Workday "1"/"0". */
export const flag = (yes: string, no: string) =>
  typed(z.enum([yes, no]), "boolean", (value) => String(value === yes));

/** A number sent as text (Workday RaaS sends every value as a string). */
export const numericText = () =>
  typed(
    z.string().regex(/^-?\d+(\.\d+)?$/, { message: "expected a number written as text" }),
    "double",
    asText,
  );

/** A date-time in any vendor format; lands as a UTC timestamp (zone-less times read in the system's zone). */
export const timestamp = () =>
  typed(
    z.string().regex(DATE_TIME, { message: "expected a date-time" }),
    "timestamp",
    (value, timeZone) => {
      const ms = parseTimestamp(value, timeZone);
      return ms === undefined ? undefined : sqlTimestamp(ms);
    },
  );

/** A calendar date `YYYY-MM-DD` (or NetSuite's `M/D/YYYY`); lands as a date. */
export const date = () =>
  typed(z.string().regex(DATE_TIME, { message: "expected a date" }), "date", dateColumn);

/** A date that may be blank (Workday sends "" for an empty date cell); blank lands as null. */
export const blankableDate = () =>
  typed(
    z
      .string()
      .regex(new RegExp(`^$|${DATE_TIME.source}`, "i"), { message: "expected a date or nothing" }),
    "date",
    (value) => (value === "" ? null : dateColumn(value)),
  );

/** Any JSON value (nested objects the vendor sends whole). */
export const json = () => typed(z.unknown(), "json", (value) => JSON.stringify(value));

function dateColumn(value: unknown): string | undefined {
  if (typeof value === "string" && ISO_DATE.test(value))
    return Number.isNaN(Date.parse(value)) ? undefined : value;
  const ms = parseTimestamp(value);
  return ms === undefined ? undefined : sqlTimestamp(ms).slice(0, 10);
}
