import { z } from "zod";
import type { JsonFieldSql, JsonSql } from "../../warehouse/json-sql.js";
import { sqlLiteral } from "../../warehouse/json-sql.js";
import type { ColumnType } from "../../warehouse/warehouse.js";
import { parseTimestamp } from "./timestamps.js";

/**
 * The field vocabulary streams declare their schemas with. Each helper is a plain zod check of
 * the vendor's wire value (no transforms; zod explains a quarantined record) plus, as registry
 * metadata, the column it lands as and the SQL that reads and checks it in the warehouse, where
 * records are shredded into columns in bulk.
 */
export interface FieldMeta {
  column: ColumnType;
  /**
   * What `typeof` gives for a present, non-null wire value in JavaScript (`any`: a nested value
   * of any kind), the JSON type the warehouse tests otherwise.
   */
  kind: "string" | "number" | "boolean" | "any";
  /** SQL for the column value of a present, non-null wire value (null when it does not convert). */
  value(field: JsonFieldSql, sql: JsonSql, timeZone: string): string;
  /** SQL: whether the wire value is valid, given the column value computed as `value`. */
  valid(field: JsonFieldSql, sql: JsonSql, value: string): string;
}

export const fieldMeta = z.registry<FieldMeta>();

function typed<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  fieldMeta.add(schema as z.ZodType, meta);
  return schema;
}

/**
 * A date-time as the four vendors write them (ISO 8601 with or without zone, or `M/D/YYYY h:mm
 * am`), checked by the grammar the warehouses read it by: zod names the field and its value in
 * the reason of a record they refuse (an hour 24, a 31 April, `13/05/2026`).
 */
function dateTimeText(what: string, blankAllowed = false) {
  return z
    .string()
    .refine((text) => (blankAllowed && text === "") || parseTimestamp(text) !== undefined, {
      error: (issue) => `expected ${what}, got ${JSON.stringify(issue.input)}`,
    });
}

const NUMERIC_TEXT = String.raw`-?\d+(\.\d+)?`;

/** A date in any vendor date-time form: the UTC date of the instant, as JavaScript's Date reads it. */
const dateValue: FieldMeta["value"] = (field, sql) =>
  `case when ${field.isString} then ${sql.date(field.text, field.castable)} end`;

/** A string (ids, names, codes). */
export const text = () =>
  typed(z.string(), {
    column: "text",
    kind: "string",
    value: (f) => f.text,
    valid: (f) => f.isString,
  });

/** A whole number sent as a JSON number. */
export const int = () =>
  typed(z.number().int(), {
    column: "bigint",
    kind: "number",
    value: (f, sql) => `case when ${f.isNumber} then ${sql.cast(f.text, "bigint")} end`,
    valid: (f, sql) => `(${f.isNumber} and ${sql.isSafeInteger(f.text)})`,
  });

/** A number sent as a JSON number. */
export const num = () => number("double");

/** Money sent as a JSON number. */
export const money = () => number("decimal");

function number(column: "double" | "decimal") {
  return typed(z.number(), {
    column,
    kind: "number",
    value: (f, sql) => `case when ${f.isNumber} then ${sql.cast(f.text, column)} end`,
    // A number past the column's range (zod: Infinity) is no value: quarantined, not landed null.
    valid: (f, _sql, value) => `(${f.isNumber} and ${value} is not null)`,
  });
}

/** A JSON boolean. */
export const bool = () =>
  typed(z.boolean(), {
    column: "boolean",
    kind: "boolean",
    value: (f) => `case when ${f.isBoolean} then ${f.text} = 'true' end`,
    valid: (f) => f.isBoolean,
  });

/** A boolean sent as text, e.g. NetSuite "T"/"F" or Workday "1"/"0". */
export const flag = (yes: string, no: string) =>
  typed(z.enum([yes, no]), {
    column: "boolean",
    kind: "string",
    value: (f) => `case when ${f.isString} then ${f.text} = ${sqlLiteral(yes)} end`,
    valid: (f) => `(${f.isString} and ${f.text} in (${sqlLiteral(yes)}, ${sqlLiteral(no)}))`,
  });

/** A number sent as text (Workday RaaS sends every value as a string). */
export const numericText = () =>
  typed(z.string().regex(new RegExp(`^${NUMERIC_TEXT}$`), "expected a number written as text"), {
    column: "double",
    kind: "string",
    value: (f, sql) =>
      `case when ${f.isString} and ${sql.matches(f.text, NUMERIC_TEXT)} then ${sql.cast(f.text, "double")} end`,
    valid: (_f, _sql, value) => `(${value} is not null)`,
  });

/** A date-time in any vendor format; lands as a UTC timestamp (zone-less times read in the system's zone). */
export const timestamp = () =>
  typed(dateTimeText("a date-time"), {
    column: "timestamp",
    kind: "string",
    value: (f, sql, timeZone) =>
      `case when ${f.isString} then ${sql.timestamp(f.text, timeZone, f.castable)} end`,
    valid: (_f, _sql, value) => `(${value} is not null)`,
  });

/** A calendar date `YYYY-MM-DD` (or NetSuite's `M/D/YYYY`); lands as a date. */
export const date = () =>
  typed(dateTimeText("a date"), {
    column: "date",
    kind: "string",
    value: dateValue,
    valid: (_f, _sql, value) => `(${value} is not null)`,
  });

/** A date that may be blank (Workday sends "" for an empty date cell); blank lands as null. */
export const blankableDate = () =>
  typed(dateTimeText("a date or nothing", true), {
    column: "date",
    kind: "string",
    value: dateValue,
    valid: (f, _sql, value) => `(${value} is not null or (${f.isString} and ${f.text} = ''))`,
  });

/** Any JSON value (nested objects the vendor sends whole). */
export const json = () =>
  typed(z.unknown(), {
    column: "json",
    kind: "any",
    value: (f) => `case when not (${f.isNull} or ${f.isAbsent}) then ${f.json} end`,
    valid: () => "true",
  });
