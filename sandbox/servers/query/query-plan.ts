import type { Collection, SandboxRecord } from "../../world/types.js";
import { type Condition, compareValues, type SortKey, satisfies } from "./query-model.js";

export interface PlanOptions {
  /** Precision of the modified stamp as the vendor shows it (NetSuite and Kantata: seconds). */
  precisionMs: number;
  /** Rows outside the live collection that also match (Salesforce queryAll tombstones). */
  extra?: readonly SandboxRecord[];
  limit?: number;
}

/**
 * Materialises the rows of a one-table query in order. Conditions on the modified field become
 * an index range; an order by (modified, key) or by key walks an index, never a sort.
 */
export function runQuery(
  collection: Collection,
  where: readonly Condition[],
  orderBy: readonly SortKey[],
  options: PlanOptions,
): SandboxRecord[] {
  const { modifiedField, primaryKey } = collection;
  const { range, residual } = splitRange(collection, where, options.precisionMs);
  const keys = orderBy.map((key) => key.field);
  const descending = orderBy.length > 0 && orderBy.every((key) => key.descending);
  const mixed = orderBy.some((key) => key.descending) && !descending;
  let source: Iterable<SandboxRecord>;
  let sorted = !mixed;
  if (!mixed && (keys.length === 0 || (keys.length === 1 && keys[0] === primaryKey))) {
    source = collection.scanByKey();
    residual.push(...rangeConditions(modifiedField, range));
  } else if (
    !mixed &&
    keys[0] === modifiedField &&
    (keys.length === 1 || (keys.length === 2 && keys[1] === primaryKey))
  ) {
    source = collection.scan(range);
  } else {
    source = collection.scan(range);
    sorted = false;
  }
  const rows: SandboxRecord[] = [];
  for (const record of source) if (matchesAll(record, residual)) rows.push(record);
  const effectiveOrder: SortKey[] =
    keys.length === 0 ? [{ field: primaryKey, descending: false }] : [...orderBy];
  const compare = comparator(effectiveOrder, primaryKey);
  if (!sorted) rows.sort(compare);
  else if (descending) rows.reverse();
  const extra = (options.extra ?? []).filter(
    (record) => matchesAll(record, where) && inRange(record, modifiedField, range),
  );
  const all = extra.length === 0 ? rows : merge(rows, extra.sort(compare), compare);
  return options.limit === undefined ? all : all.slice(0, options.limit);
}

/** A modified-time range in epoch ms, `fromMs <= modified < toMs`. */
export interface ModifiedRange {
  fromMs: number;
  toMs: number;
}

/**
 * Splits `where` into the range its comparisons on the modified field make (as the vendor's shown
 * precision reads them) and the other conditions.
 */
export function splitRange(
  collection: Collection,
  where: readonly Condition[],
  precisionMs: number,
): { range: ModifiedRange; residual: Condition[] } {
  const range = { fromMs: Number.NEGATIVE_INFINITY, toMs: Number.POSITIVE_INFINITY };
  const residual: Condition[] = [];
  for (const condition of where) {
    if (condition.field === collection.modifiedField && condition.value.kind === "time") {
      if (narrow(range, condition, precisionMs)) continue;
    }
    residual.push(condition);
  }
  return { range, residual };
}

/** Folds a modified-time comparison into the index range (as the vendor's shown precision reads). */
function narrow(range: { fromMs: number; toMs: number }, condition: Condition, p: number): boolean {
  if (condition.value.kind !== "time") return false;
  const t = condition.value.ms;
  const floor = Math.floor(t / p) * p;
  const ceil = Math.ceil(t / p) * p;
  switch (condition.op) {
    case ">=":
      range.fromMs = Math.max(range.fromMs, ceil);
      return true;
    case ">":
      range.fromMs = Math.max(range.fromMs, floor + p);
      return true;
    case "<":
      range.toMs = Math.min(range.toMs, ceil);
      return true;
    case "<=":
      range.toMs = Math.min(range.toMs, floor + p);
      return true;
    case "=":
      range.fromMs = Math.max(range.fromMs, ceil);
      range.toMs = Math.min(range.toMs, t === floor ? floor + p : ceil);
      return true;
    default:
      return false;
  }
}

function rangeConditions(field: string, range: { fromMs: number; toMs: number }): Condition[] {
  const out: Condition[] = [];
  if (Number.isFinite(range.fromMs)) {
    out.push({ field, op: ">=", value: { kind: "time", ms: range.fromMs } });
  }
  if (Number.isFinite(range.toMs)) {
    out.push({ field, op: "<", value: { kind: "time", ms: range.toMs } });
  }
  return out;
}

function inRange(record: SandboxRecord, field: string, range: { fromMs: number; toMs: number }) {
  return rangeConditions(field, range).every((c) => satisfies(record[field], c.op, c.value));
}

function matchesAll(record: SandboxRecord, conditions: readonly Condition[]): boolean {
  for (const condition of conditions) {
    if (!satisfies(record[condition.field], condition.op, condition.value)) return false;
  }
  return true;
}

function comparator(order: readonly SortKey[], primaryKey: string) {
  const keys = order.some((key) => key.field === primaryKey)
    ? order
    : [...order, { field: primaryKey, descending: false }];
  return (a: SandboxRecord, b: SandboxRecord): number => {
    for (const key of keys) {
      const order = compareValues(a[key.field], b[key.field]);
      if (order !== 0) return key.descending ? -order : order;
    }
    return 0;
  };
}

function merge<T>(left: readonly T[], right: readonly T[], compare: (a: T, b: T) => number): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length || (i < left.length && compare(left[i] as T, right[j] as T) <= 0)) {
      out.push(left[i++] as T);
    } else {
      out.push(right[j++] as T);
    }
  }
  return out;
}
