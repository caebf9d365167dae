import {
  type DuckDBAppender,
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
} from "@duckdb/node-api";
import { assertNever, fatalError } from "../core/errors.js";
import {
  booleanOf,
  dateFromMicros,
  dateText,
  describeValue,
  jsonText,
  normaliseInteger,
  normaliseParam,
  timestampMicros,
} from "./sql-values.js";
import type { ColumnType } from "./warehouse.js";

/** Appends one non-null value to the current appender row. */
export type AppendValue = (appender: DuckDBAppender, value: unknown) => void;

/** The appender call for a column type; chosen once per column so the row loop stays flat. */
export function appendValueFor(type: ColumnType): AppendValue {
  switch (type) {
    case "text":
      return (a, v) => a.appendVarchar(typeof v === "string" ? v : textOf(v));
    case "integer":
      return (a, v) => a.appendInteger(integerOf(v));
    case "bigint":
      return (a, v) => a.appendBigInt(typeof v === "bigint" ? v : BigInt(integerOf(v)));
    case "double":
      return (a, v) => a.appendDouble(typeof v === "number" ? v : numberOf(v));
    case "decimal":
      // Strings go in as text so that DuckDB's own cast keeps every digit.
      return (a, v) => (typeof v === "number" ? a.appendDouble(v) : a.appendVarchar(String(v)));
    case "boolean":
      return (a, v) => a.appendBoolean(booleanOf(v));
    case "date":
      return (a, v) =>
        v instanceof Date
          ? a.appendDate(new DuckDBDateValue(Math.floor(v.getTime() / 86_400_000)))
          : a.appendVarchar(dateText(v));
    case "timestamp":
      return (a, v) => a.appendTimestampTZ(new DuckDBTimestampTZValue(timestampMicros(v)));
    case "json":
      return (a, v) => a.appendVarchar(jsonText(v));
    default:
      return assertNever(type, "column type");
  }
}

function textOf(value: unknown): string {
  return typeof value === "object" && value !== null ? jsonText(value) : String(value);
}

function numberOf(value: unknown): number {
  const number = Number(value);
  if (Number.isNaN(number) && value !== "NaN")
    throw fatalError(`${describeValue(value)} is not a number`);
  return number;
}

function integerOf(value: unknown): number {
  const number = typeof value === "number" ? value : numberOf(value);
  if (!Number.isInteger(number)) throw fatalError(`${describeValue(value)} is not an integer`);
  return number;
}

/** Query parameters as DuckDB values (Dates as ISO text, objects as JSON, bytes as blobs). */
export function duckdbParams(params: readonly unknown[]): DuckDBValue[] {
  return params.map((param) => {
    const value = normaliseParam(param);
    if (value instanceof Uint8Array) return new DuckDBBlobValue(value);
    return value as DuckDBValue;
  });
}

/** Converts one result column's values to pslink's normalised JS values. */
export function columnConverter(type: DuckDBType): (value: DuckDBValue) => unknown {
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
      return type.alias === "JSON" ? (v) => (typeof v === "string" ? JSON.parse(v) : v) : same;
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return same;
    default:
      return convertValue;
  }
}

const same = (value: DuckDBValue): unknown => value;

/** Any DuckDB value to its normalised JS form (integers, decimals, dates, timestamps, nesting). */
export function convertValue(value: DuckDBValue): unknown {
  if (value === null || typeof value !== "object") {
    return typeof value === "bigint" ? normaliseInteger(value) : value;
  }
  if (value instanceof DuckDBDecimalValue) return Number(value.toString());
  if (value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) {
    return dateFromMicros(value.micros);
  }
  if (value instanceof DuckDBTimestampMillisecondsValue) return new Date(Number(value.millis));
  if (value instanceof DuckDBTimestampSecondsValue) return new Date(Number(value.seconds) * 1000);
  if (value instanceof DuckDBTimestampNanosecondsValue) {
    return dateFromMicros(value.nanos / 1000n);
  }
  if (value instanceof DuckDBBlobValue) return value.bytes;
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    return value.items.map(convertValue);
  }
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, convertValue(v)]));
  }
  return value.toString();
}
