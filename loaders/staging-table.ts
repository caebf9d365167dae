import { assertNever } from "../core/errors.js";
import type { SqlExecutor, TableName, Warehouse } from "../warehouse/warehouse.js";
import { columnDefinitions, type LandingLayout } from "./landing-layout.js";
import { CHANGE_COLUMN } from "./merge-sql.js";

/**
 * The scratch table a batch is bulk-appended to before the set-based merge. It is a temporary
 * table on both dialects: never written to the WAL (half the commit cost on DuckDB), private to
 * the connection, and gone with it.
 */
export interface StagingTable {
  /** Where `append` writes. */
  readonly target: TableName;
  /** How SQL names it. */
  readonly sql: string;
  /** Makes the table exist and empty, inside the batch's transaction. */
  reset(tx: SqlExecutor): Promise<void>;
}

export function stagingTable(wh: Warehouse, layout: LandingLayout): StagingTable {
  const name = `pslink_stage_${layout.system}__${layout.raw.table}`;
  // The change column is filled by the merge's classification, never by the bulk append.
  const columns = `${columnDefinitions(wh, layout.stageColumns)}, ${wh.quote(CHANGE_COLUMN)} ${wh.sqlType("integer")}`;
  switch (wh.kind) {
    case "duckdb":
      // Unqualified names resolve to the temp catalog first; the appender finds it under "main".
      return {
        target: { schema: "main", table: name },
        sql: wh.quote(name),
        reset: async (tx) => {
          await tx.execute(`create temp table if not exists ${wh.quote(name)} (${columns})`);
          await tx.execute(`delete from ${wh.quote(name)}`);
        },
      };
    case "postgres":
      // A pooled connection keeps its temp table; rows vanish at each commit.
      return {
        target: { schema: "pg_temp", table: name },
        sql: `pg_temp.${wh.quote(name)}`,
        reset: (tx) =>
          tx.execute(
            `create temp table if not exists ${wh.quote(name)} (${columns}) on commit delete rows`,
          ),
      };
    default:
      return assertNever(wh.kind, "warehouse kind");
  }
}
