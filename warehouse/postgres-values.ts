import pg from "pg";
import { assertNever, fatalError } from "../core/errors.js";
import {
  booleanOf,
  dateFromMicros,
  dateText,
  describeValue,
  isoFromMicros,
  jsonText,
  normaliseParam,
  parseInt8,
  parseTimestampMicros,
  timestampMicros,
} from "./sql-values.js";
import type { ColumnType } from "./warehouse.js";

/** PostgreSQL type OIDs whose text form pslink parses itself (pg_type.oid). */
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

const parsers: Record<number, (text: string) => unknown> = {
  [INT8]: parseInt8,
  [NUMERIC]: Number,
  // The driver's default turns a date into a local-midnight Date; pslink keeps the calendar day.
  [DATE]: (text) => text,
  [TIMESTAMP]: parseTimestamp,
  [TIMESTAMPTZ]: parseTimestamp,
};

/** Exact to the microsecond before truncating to the millisecond, as DuckDB's conversion does. */
function parseTimestamp(text: string): unknown {
  try {
    return dateFromMicros(parseTimestampMicros(text));
  } catch {
    // infinity, BC dates: the driver's own parser knows them.
    return pg.types.getTypeParser(TIMESTAMPTZ)(text);
  }
}

/** The `types` option of a pg Pool/Client that yields pslink's normalised values. */
export const pslinkTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    (format ?? "text") === "text" && parsers[oid]
      ? parsers[oid]
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Query parameters as the driver should send them (Dates as ISO text, objects as JSON). */
export function postgresParams(params: readonly unknown[]): unknown[] {
  return params.map((param) => {
    const value = normaliseParam(param);
    return typeof value === "bigint" ? value.toString() : value;
  });
}

/** Encodes one non-null value as a CSV field for COPY ... (format csv). */
export type CsvEncoder = (value: unknown) => string;

/** Always quoted: an unquoted empty field is NULL in COPY's CSV, a quoted one is ''. */
export function csvQuote(text: string): string {
  return text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`;
}

/** The CSV encoder for a column type. */
export function csvEncoderFor(type: ColumnType): CsvEncoder {
  switch (type) {
    case "text":
      return (v) =>
        csvQuote(typeof v === "string" ? v : typeof v === "object" ? jsonText(v) : String(v));
    case "integer":
    case "bigint":
      return (v) => integerText(v);
    case "double":
    case "decimal":
      return (v) => (typeof v === "number" ? String(v) : csvQuote(String(v)));
    case "boolean":
      return (v) => (booleanOf(v) ? "t" : "f");
    case "date":
      return (v) => dateText(v);
    case "timestamp":
      // Parsed here rather than by the server so that both dialects accept exactly the same text.
      return (v) => (v instanceof Date ? v.toISOString() : isoFromMicros(timestampMicros(v)));
    case "json":
      return (v) => csvQuote(jsonText(v));
    default:
      return assertNever(type, "column type");
  }
}

function integerText(value: unknown): string {
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" && /^[+-]?\d+$/.test(value.trim())) return value.trim();
  throw fatalError(`${describeValue(value)} is not an integer`);
}
