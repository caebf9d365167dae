import { lowerBound } from "../../world/slot-index.js";
import type { Collection, SandboxRecord } from "../../world/types.js";
import { SnapshotCache } from "../json-cache.js";
import type { Condition, SortKey } from "./query-model.js";
import { runQuery, splitRange } from "./query-plan.js";

/** Rows `rows[start..end)` of a query, in its order. */
export interface RowRange {
  readonly rows: readonly SandboxRecord[];
  readonly start: number;
  readonly end: number;
}

export interface LiveQuery {
  readonly collection: Collection;
  readonly where: readonly Condition[];
  readonly orderBy: readonly SortKey[];
  /** Precision of the modified stamp as the vendor shows it. */
  readonly precisionMs: number;
  /** What else shapes the rows (`filter`'s parameters), for telling results apart. */
  readonly shape?: string;
  /** What else the rows depend on (other collections' versions). */
  readonly stamp?: string;
  /** Rows the endpoint hides, dropped after the query. */
  readonly filter?: (rows: SandboxRecord[]) => SandboxRecord[];
}

interface Built {
  readonly stamp: string;
  /** The range's start the rows were built from: later seeks read inside them. */
  readonly fromMs: number;
  readonly rows: SandboxRecord[];
  /** Each row's modified time, ascending. */
  readonly ms: number[];
}

/**
 * Queries as the vendors run them: each request reads the collections as they are now, so a
 * client paging a live table by offset sees rows move when other rows change. A query ordered by
 * (modified, key) is built once per version of what it reads, and each request seeks into it by
 * binary search: a client seeking from the newest stamp it has read, page after page, costs a
 * lookup per page rather than a pass over a million rows.
 */
export class LiveResults {
  readonly #built = new SnapshotCache<Built>(16);

  /** @param generation changes whenever records may have been edited in place. */
  constructor(private readonly generation: () => number) {}

  run(query: LiveQuery): RowRange {
    const { collection, where, orderBy, precisionMs } = query;
    const filter = query.filter ?? ((rows) => rows);
    if (!seeksByModified(collection, orderBy)) {
      const rows = filter(runQuery(collection, where, orderBy, { precisionMs }));
      return { rows, start: 0, end: rows.length };
    }
    const { range, residual } = splitRange(collection, where, precisionMs);
    const key = `${collection.system}.${collection.name}|${query.shape ?? ""}|${JSON.stringify(residual)}`;
    const stamp = `${collection.version}|${query.stamp ?? ""}|${this.generation()}`;
    let built = this.#built.get(key);
    if (built === undefined || built.stamp !== stamp || built.fromMs > range.fromMs) {
      built = build(collection, residual, orderBy, range.fromMs, filter, stamp);
      this.#built.set(key, built);
    }
    return {
      rows: built.rows,
      start: lowerBound(built.ms, range.fromMs),
      end: lowerBound(built.ms, range.toMs),
    };
  }
}

function build(
  collection: Collection,
  residual: readonly Condition[],
  orderBy: readonly SortKey[],
  fromMs: number,
  filter: (rows: SandboxRecord[]) => SandboxRecord[],
  stamp: string,
): Built {
  const from: Condition[] = Number.isFinite(fromMs)
    ? [{ field: collection.modifiedField, op: ">=", value: { kind: "time", ms: fromMs } }]
    : [];
  // Precision 1: `fromMs` is already the range's start as the vendor reads it.
  const rows = filter(runQuery(collection, [...residual, ...from], orderBy, { precisionMs: 1 }));
  const ms = rows.map((row) => collection.modifiedMs(String(row[collection.primaryKey])) ?? 0);
  return { stamp, fromMs, rows, ms };
}

/** An order by (modified, key) ascending: rows in a modified range are one slice of it. */
function seeksByModified(collection: Collection, orderBy: readonly SortKey[]): boolean {
  const [first, second, ...rest] = orderBy;
  return (
    first?.field === collection.modifiedField &&
    !first.descending &&
    (second === undefined || (second.field === collection.primaryKey && !second.descending)) &&
    rest.length === 0
  );
}
