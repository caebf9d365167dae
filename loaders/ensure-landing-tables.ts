import { lockForTransaction } from "../warehouse/advisory-locks.js";
import { type LockWait, takeRelation } from "../warehouse/short-lock-waits.js";
import type { TableName, Warehouse } from "../warehouse/warehouse.js";
import {
  columnDefinitions,
  type LandingLayout,
  rawColumns,
  SRC_META_COLUMNS,
  STAGING_SCHEMA,
} from "./landing-layout.js";

/** What `ensureLandingTables` found in an existing current-state table. */
export interface LandingColumns {
  /** Columns a newer declaration introduced, added now (`backfillColumns` fills them). */
  readonly added: string[];
  /** Columns of fields no longer declared: kept, but no longer read from the source. */
  readonly retired: string[];
}

/**
 * Creates a stream's raw, current-state and scratch tables when missing, and adds columns a
 * newer declaration introduced. A column whose field is no longer declared stays, with its
 * values (the field stays in raw JSON too). One catalog query finds what exists (two on DuckDB):
 * a stream that has synced before runs no DDL.
 */
export async function ensureLandingTables(
  wh: Warehouse,
  layout: LandingLayout,
  lockWait?: LockWait,
): Promise<LandingColumns> {
  const tables = [layout.raw, layout.src, layout.seen];
  const rows = await wh.query<{ table_schema: string; table_name: string; column_name: string }>(
    `select table_schema, table_name, column_name from information_schema.columns
     where ${tables.map((_, i) => `(table_schema = $${2 * i + 1} and table_name = $${2 * i + 2})`).join(" or ")}`,
    tables.flatMap((table) => [table.schema, table.table]),
  );
  const columnsOf = (table: TableName) =>
    new Set(
      rows
        .filter((row) => row.table_schema === table.schema && row.table_name === table.table)
        .map((row) => row.column_name),
    );
  if (tables.some((table) => columnsOf(table).size === 0)) await createTables(wh, layout);
  const present = columnsOf(layout.src);
  if (present.size === 0) return { added: [], retired: [] };
  if (wh.kind === "duckdb") await dropDuckdbPrimaryKey(wh, layout.src);
  const current = new Set([...layout.columns, ...SRC_META_COLUMNS].map((column) => column.name));
  const retired = [...present].filter((column) => !current.has(column));
  const added: string[] = [];
  for (const column of layout.columns) {
    if (present.has(column.name)) continue;
    // Takes the table for itself: waits for the sessions reading it only briefly at a time.
    await takeRelation(
      wh,
      layout.src,
      (tx) =>
        tx.execute(
          `alter table ${wh.qualified(layout.src)} add column ${wh.quote(column.name)} ${wh.sqlType(column.type)}`,
        ),
      { lockWait, undone: `its new column ${column.name} was not added` },
    );
    added.push(column.name);
  }
  return { added, retired };
}

async function createTables(wh: Warehouse, layout: LandingLayout): Promise<void> {
  const keyList = layout.keys.map((key) => wh.quote(key.name)).join(", ");
  const primaryKey = wh.kind === "duckdb" ? "" : `, primary key (${keyList})`;
  const statements = [
    ...[layout.raw.schema, layout.src.schema, STAGING_SCHEMA].map(
      (schema) => `create schema if not exists ${wh.quote(schema)}`,
    ),
    `create table if not exists ${wh.qualified(layout.raw)} (${columnDefinitions(wh, rawColumns(layout))})`,
    `create table if not exists ${wh.qualified(layout.src)} (${columnDefinitions(wh, [
      ...layout.columns,
      ...SRC_META_COLUMNS,
    ])}${primaryKey})`,
    `create table if not exists ${wh.qualified(layout.seen)} (_pslink_run_id ${wh.sqlType("text")} not null, _pslink_key ${wh.sqlType("text")} not null)`,
  ];
  if (wh.kind === "postgres") {
    // PostgreSQL's `if not exists` does not hold against a creator running at the same moment:
    // two streams of one system creating its schemas together fail with a unique violation
    // (pg_namespace). Creators take turns; each sees what the one before committed.
    await wh.transaction(async (tx) => {
      await lockForTransaction(tx, "pslink.landing");
      for (const sql of statements) await tx.execute(sql);
    });
  } else {
    // DuckDB runs these one at a time on the warehouse's own connection.
    for (const sql of statements) await wh.execute(sql);
  }
}

/**
 * Current state on DuckDB has no primary key: the merge keeps one row per key (each batch is
 * deduplicated, then classified against current state in the transaction that lands it, under
 * the run lock), and DuckDB's index for one (an ART) cost more than it guarded. Every checkpoint
 * writes a changed table's whole index again: on the large sandbox, a checkpoint after an
 * incremental-sized change to time entries' current state took 260–370 ms with it and 30–37 ms
 * without, full syncs 31.8–37.9 s instead of 27.3–34.2 s, incremental runs 3.8–4.3 s instead of
 * 2.8–3.2 s, and the index grew with the table (`docs/benchmarks.md`). PostgreSQL keeps its
 * primary key, a B-tree its updates find rows by.
 *
 * A table an earlier version created with one is rebuilt without it, once, in one transaction
 * (DuckDB cannot drop a primary key): its rows, columns and not-null constraints stay.
 */
async function dropDuckdbPrimaryKey(wh: Warehouse, src: TableName): Promise<void> {
  const constraints = await wh.query<{ constraint_type: string; column_name: string }>(
    `select constraint_type, unnest(constraint_column_names) as column_name from duckdb_constraints()
     where schema_name = $1 and table_name = $2 and constraint_type in ('PRIMARY KEY', 'NOT NULL')`,
    [src.schema, src.table],
  );
  if (!constraints.some((row) => row.constraint_type === "PRIMARY KEY")) return;
  const notNull = constraints
    .filter((row) => row.constraint_type === "NOT NULL")
    .map((row) => row.column_name);
  const rebuilt = `${src.table}__pslink_rebuilt`;
  const target = wh.qualified({ schema: src.schema, table: rebuilt });
  await wh.transaction(async (tx) => {
    await tx.execute(`create table ${target} as select * from ${wh.qualified(src)}`);
    for (const column of notNull)
      await tx.execute(`alter table ${target} alter column ${wh.quote(column)} set not null`);
    await tx.execute(`drop table ${wh.qualified(src)}`);
    await tx.execute(`alter table ${target} rename to ${wh.quote(src.table)}`);
  });
}
