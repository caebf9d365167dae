import { assertNever } from "../core/errors.js";
import type { ColumnSpec, SqlExecutor, TableName, Warehouse } from "../warehouse/warehouse.js";
import type { BatchPage } from "./batch-writer.js";
import { columnDefinitions, type LandingLayout } from "./landing-layout.js";
import { CHANGE_COLUMN } from "./merge-sql.js";

/**
 * A scratch table a batch passes through. Temporary on both dialects: never written to the WAL
 * (half the commit cost on DuckDB), private to the connection, and gone with it.
 */
export interface StagingTable {
  /** Where `append` writes. */
  readonly target: TableName;
  /** How SQL names it. */
  readonly sql: string;
  /** Makes the table exist and empty, inside the batch's transaction. */
  reset(tx: SqlExecutor): Promise<void>;
  /** Frees the table's rows once the batch has landed. */
  clear(tx: SqlExecutor): Promise<void>;
}

/** Columns of the pages table: one row per page (`BatchPage`). */
export const PAGE_COLUMNS: readonly ColumnSpec[] = [
  { name: "page_no", type: "integer" },
  { name: "body", type: "text", uncompressed: true },
  { name: "positions", type: "text" },
  { name: "drifts", type: "boolean" },
  { name: "checked", type: "boolean" },
  { name: "set_aside", type: "text" },
  { name: "castable", type: "boolean" },
];

/** The pages table's rows (`PAGE_COLUMNS`) of `pages`, numbered from `firstPage`. */
export function pageRows(pages: readonly BatchPage[], firstPage = 0): unknown[][] {
  return pages.map((page, index) => [
    firstPage + index,
    page.body,
    page.positions,
    page.drifts,
    page.checked,
    page.setAside,
    page.castable,
  ]);
}

/** The batch's pages as the source sent them. */
export function pagesTable(wh: Warehouse, layout: LandingLayout): StagingTable {
  return scratchTable(wh, `pslink_pages_${layout.system}__${layout.raw.table}`, PAGE_COLUMNS);
}

/** The batch's records shredded into typed columns, with their verdicts (`layout.stageColumns`). */
export function stagingTable(wh: Warehouse, layout: LandingLayout): StagingTable {
  // The change column is filled by the merge's classification.
  return scratchTable(wh, `pslink_stage_${layout.system}__${layout.raw.table}`, [
    ...layout.stageColumns,
    { name: CHANGE_COLUMN, type: "integer" },
  ]);
}

function scratchTable(wh: Warehouse, name: string, columns: readonly ColumnSpec[]): StagingTable {
  const definition = columnDefinitions(wh, columns);
  switch (wh.kind) {
    case "duckdb":
      // Unqualified names resolve to the temp catalog first; the appender finds it under "main".
      // Replaced, not emptied: an in-memory table keeps deleted rows' memory until it is dropped.
      return {
        target: { schema: "main", table: name },
        sql: wh.quote(name),
        reset: (tx) => tx.execute(`create or replace temp table ${wh.quote(name)} (${definition})`),
        clear: (tx) => tx.execute(`drop table if exists ${wh.quote(name)}`),
      };
    case "postgres":
      // A pooled connection keeps its temp table; rows stay across the session's transactions
      // (a batch is staged in one and merged in the next) until the next reset.
      return {
        target: { schema: "pg_temp", table: name },
        sql: `pg_temp.${wh.quote(name)}`,
        reset: (tx) =>
          tx.execute(
            [
              `create temp table if not exists ${wh.quote(name)} (${definition})`,
              `truncate pg_temp.${wh.quote(name)}`,
              // Before PostgreSQL 16 a column's storage is set after the table is made.
              ...columns
                .filter((column) => column.uncompressed)
                .map(
                  (column) =>
                    `alter table pg_temp.${wh.quote(name)} alter column ${wh.quote(column.name)} set storage external`,
                ),
            ].join("; "),
          ),
        clear: (tx) => tx.execute(`truncate pg_temp.${wh.quote(name)}`),
      };
    default:
      return assertNever(wh.kind, "warehouse kind");
  }
}
