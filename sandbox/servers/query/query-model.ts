import type { SandboxRecord } from "../../world/types.js";

/** A literal on the right of a comparison; times are epoch ms (UTC). */
export type Literal =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" }
  | { kind: "time"; ms: number }
  /** The values an `IN` list or subquery gave, as text. */
  | { kind: "list"; values: readonly string[] };

export type Operator = "=" | "!=" | "<" | "<=" | ">" | ">=" | "in";

export interface Condition {
  field: string;
  op: Operator;
  value: Literal;
}

export interface SortKey {
  field: string;
  descending: boolean;
}

/** What both SOQL and SuiteQL subsets parse to: one table, ANDed comparisons, an order. */
export interface ParsedQuery {
  /** Field names as written (resolved to the record's own names by the planner), or all. */
  fields: string[] | "*";
  from: string;
  where: Condition[];
  orderBy: SortKey[];
  limit?: number;
}

const ISO_OFFSET = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const US_DAY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** Epoch ms of a vendor timestamp or date (ISO with or without zone, M/D/YYYY); NaN if none. */
export function parseVendorTime(value: unknown): number {
  if (typeof value !== "string") return Number.NaN;
  let match = ISO_OFFSET.exec(value);
  if (match) {
    const [year, month, day] = (match[1] as string).split("-").map(Number);
    if (Number.isNaN(calendarDay(year as number, month as number, day as number)))
      return Number.NaN;
    const zone = match[3] ?? "Z";
    const offset = zone === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    return Date.parse(`${match[1]}T${match[2]}${offset}`);
  }
  match = ISO_DAY.exec(value);
  if (match) return calendarDay(Number(match[1]), Number(match[2]), Number(match[3]));
  match = US_DAY.exec(value);
  if (match) return calendarDay(Number(match[3]), Number(match[1]), Number(match[2]));
  return Number.NaN;
}

/** Epoch ms of a calendar day; NaN for one that does not exist (13/5, 31 April), never rolled over. */
function calendarDay(year: number, month: number, day: number): number {
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? ms : Number.NaN;
}

const listSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** Whether a value is in an `IN` list (a set built once per list: subqueries give thousands). */
function inList(value: unknown, values: readonly string[]): boolean {
  if (value === null || value === undefined) return false;
  let set = listSets.get(values);
  if (set === undefined) {
    set = new Set(values);
    listSets.set(values, set);
  }
  return set.has(String(value));
}

/** Whether a record's value satisfies `op literal` (incomparable values never do). */
export function satisfies(value: unknown, op: Operator, literal: Literal): boolean {
  if (op === "in") return literal.kind === "list" && inList(value, literal.values);
  if (literal.kind === "null") {
    const isNull = value === null || value === undefined || value === "";
    return op === "=" ? isNull : op === "!=" ? !isNull : false;
  }
  const order = compareToLiteral(value, literal);
  if (order === undefined) return op === "!=";
  switch (op) {
    case "=":
      return order === 0;
    case "!=":
      return order !== 0;
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
  }
}

function compareToLiteral(value: unknown, literal: Literal): number | undefined {
  if (value === null || value === undefined) return undefined;
  switch (literal.kind) {
    case "boolean":
      if (typeof value === "boolean") return Number(value) - Number(literal.value);
      if (value === "T" || value === "F") return Number(value === "T") - Number(literal.value);
      return undefined;
    case "number": {
      const number = typeof value === "number" ? value : Number(value);
      return Number.isNaN(number) || value === "" ? undefined : Math.sign(number - literal.value);
    }
    case "time": {
      const ms = parseVendorTime(value);
      return Number.isNaN(ms) ? undefined : Math.sign(ms - literal.ms);
    }
    case "string": {
      const text = typeof value === "string" ? value : JSON.stringify(value);
      return text < literal.value ? -1 : text > literal.value ? 1 : 0;
    }
    default:
      return undefined;
  }
}

/** Orders two field values: numbers numerically, digit-string ids numerically, else as text. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const left = String(a);
  const right = String(b);
  if (/^\d+$/.test(left) && /^\d+$/.test(right) && left.length !== right.length) {
    return left.length - right.length;
  }
  const leftMs = parseVendorTime(left);
  const rightMs = parseVendorTime(right);
  if (!Number.isNaN(leftMs) && !Number.isNaN(rightMs)) return leftMs - rightMs;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Finds a record field by name ignoring case (SOQL and SuiteQL names are case-insensitive). */
export function fieldResolver(
  sample: SandboxRecord | undefined,
): (name: string) => string | undefined {
  const byLower = new Map<string, string>();
  for (const key of Object.keys(sample ?? {})) byLower.set(key.toLowerCase(), key);
  return (name) => byLower.get(name.toLowerCase());
}
