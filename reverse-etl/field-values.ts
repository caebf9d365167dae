import { createHash } from "node:crypto";

/** JSON with sorted keys, so equal values always hash and compare the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Short stable hash of the parts (hex). */
export function stableHash(parts: readonly unknown[], length = 24): string {
  return createHash("sha256").update(canonicalJson(parts)).digest("hex").slice(0, length);
}

const TRUE = new Set(["t", "true", "1", "yes", "y"]);
const FALSE = new Set(["f", "false", "0", "no", "n"]);
const NUMERIC = /^-?\d+(\.\d+)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** NetSuite's default date preference, M/D/YYYY. */
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

/**
 * A value reduced to what it means, so that a vendor write value (`true`, `{ id: "7" }`,
 * `12.5`) and the warehouse's landed column (`'T'`, `'7'`, `12.50`) compare equal.
 */
export function comparable(value: unknown): string {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number" || typeof value === "bigint") return String(Number(value));
  if (value instanceof Date) return instant(value.getTime());
  if (typeof value === "object") {
    if (!Array.isArray(value) && "id" in value) return comparable((value as { id: unknown }).id);
    return canonicalJson(value);
  }
  const text = String(value).trim();
  const lower = text.toLowerCase();
  if (TRUE.has(lower) && !NUMERIC.test(text)) return "true";
  if (FALSE.has(lower) && !NUMERIC.test(text)) return "false";
  if (NUMERIC.test(text)) return String(Number(text));
  if (DATE_ONLY.test(text)) return text;
  const us = US_DATE.exec(text);
  if (us) return `${us[3]}-${us[1]?.padStart(2, "0")}-${us[2]?.padStart(2, "0")}`;
  if (TIMESTAMP.test(text)) {
    const iso = text.replace(" ", "T").replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
    // Without a zone a timestamp is UTC, as pslink's warehouse sessions are.
    const ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/i.test(iso) ? iso : `${iso}Z`);
    if (!Number.isNaN(ms)) return instant(ms);
  }
  return text;
}

/** Midnight UTC reads as a date: a date column may land as a timestamp and vice versa. */
function instant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
}

/** Whether two values mean the same (see `comparable`). */
export function sameValue(a: unknown, b: unknown): boolean {
  return comparable(a) === comparable(b);
}
