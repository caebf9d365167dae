import { fatalError } from "../core/errors.js";
import { utcMillis } from "../core/utc-millis.js";

/**
 * Value rules shared by both dialects, so that a row reads the same from DuckDB and PostgreSQL
 * (docs/warehouse.md, "Value normalisation").
 */

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** An integer as a JS number when it is exactly representable, otherwise as a bigint. */
export function normaliseInteger(value: bigint): number | bigint {
  return value <= MAX_SAFE && value >= MIN_SAFE ? Number(value) : value;
}

/** Parses PostgreSQL's int8 text the same way (`normaliseInteger`). */
export function parseInt8(text: string): number | bigint {
  return normaliseInteger(BigInt(text));
}

/**
 * `column in ($n, …)` with `values` appended to `params` as numbered parameters (both dialects
 * take `$n`); `false` for no values.
 */
export function inList(column: string, values: readonly unknown[], params: unknown[]): string {
  if (values.length === 0) return "false";
  const marks = values.map((value) => {
    params.push(value);
    return `$${params.length}`;
  });
  return `${column} in (${marks.join(", ")})`;
}

/**
 * Values per `inList` when a caller's list has no bound of its own. PostgreSQL takes at most
 * 65,535 parameters in one statement; a thousand keeps each statement small on both dialects.
 */
export const IN_LIST_CHUNK = 1_000;

/**
 * Runs `query` over `values` a chunk at a time (each chunk fits one `inList`) and concatenates
 * the rows, in chunk order.
 */
export async function queryInChunks<T>(
  values: readonly unknown[],
  query: (chunk: readonly unknown[]) => Promise<T[]>,
  size = IN_LIST_CHUNK,
): Promise<T[]> {
  const rows: T[] = [];
  for (let start = 0; start < values.length; start += size)
    rows.push(...(await query(values.slice(start, start + size))));
  return rows;
}

/** Double-quotes an SQL identifier (the same rule on DuckDB and PostgreSQL). */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Microseconds since the epoch for an ISO-8601 timestamp string; a string without an offset is
 * read as UTC (pslink's sessions run in UTC on both dialects).
 */
export function parseTimestampMicros(text: string): bigint {
  const match = ISO_TIMESTAMP.exec(text.trim());
  if (!match) {
    throw fatalError(`"${text}" is not an ISO-8601 timestamp`, {
      hint: "send timestamps as JS Date values or strings such as 2024-05-01T09:30:00Z",
    });
  }
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone] = match;
  const millis = utcMillis(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
  const micros = BigInt(millis) * 1000n + BigInt(fraction.padEnd(6, "0").slice(0, 6) || "0");
  return micros - BigInt(zoneOffsetMinutes(zone)) * 60_000_000n;
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0"));
}

/** Microseconds since the epoch for a Date or an ISO string. */
export function timestampMicros(value: unknown): bigint {
  if (value instanceof Date) return BigInt(value.getTime()) * 1000n;
  if (typeof value === "string") return parseTimestampMicros(value);
  if (typeof value === "number") return BigInt(Math.trunc(value)) * 1000n;
  throw fatalError(`${describeValue(value)} is not a timestamp`);
}

/** A JS Date from microseconds since the epoch (millisecond precision, as JS allows). */
export function dateFromMicros(micros: bigint): Date {
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  return new Date(Number(millis));
}

/** Booleans, 0/1, and the usual spellings of true/false. */
export function booleanOf(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  const text = String(value).trim().toLowerCase();
  if (["true", "t", "1", "yes", "y"].includes(text)) return true;
  if (["false", "f", "0", "no", "n"].includes(text)) return false;
  throw fatalError(`${describeValue(value)} is not a boolean`);
}

/** ISO-8601 text (UTC, microseconds) for microseconds since the epoch. */
export function isoFromMicros(micros: bigint): string {
  const date = dateFromMicros(micros);
  const extra = Number(((micros % 1000n) + 1000n) % 1000n);
  return date.toISOString().replace("Z", `${String(extra).padStart(3, "0")}Z`);
}

/** `YYYY-MM-DD` for a Date (its UTC day) or a date / timestamp string. */
export function dateText(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  throw fatalError(`${describeValue(value)} is not a date`, {
    hint: "send dates as JS Date values or strings such as 2024-05-01",
  });
}

/** JSON text for a json column: strings are taken as JSON text already, anything else is encoded. */
export function jsonText(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === "bigint" ? item.toString() : item,
  );
}

/** A parameter value both drivers accept the same way: Dates as ISO text, objects as JSON. */
export function normaliseParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return value;
  if (typeof value === "object" && value !== null) return jsonText(value);
  return value;
}

/** A short rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
