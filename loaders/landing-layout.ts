import {
  columnName,
  declaredColumns,
  type StreamDefinition,
} from "../extractors/engine/define-stream.js";
import type { SystemName } from "../sandbox/world/types.js";
import type { ColumnSpec, TableName, Warehouse } from "../warehouse/warehouse.js";

/** Schema holding per-stream scratch tables (batch staging, keys seen by a delete scan). */
export const STAGING_SCHEMA = "pslink_staging";

/** Where one stream lands and the columns of each table. */
export interface LandingLayout {
  readonly system: SystemName;
  readonly stream: string;
  /** `raw_<system>.<stream>`: append-only history. */
  readonly raw: TableName;
  /** `src_<system>.<stream>`: current state, one row per key. */
  readonly src: TableName;
  /** Keys a running delete scan has seen, per run. */
  readonly seen: TableName;
  /** Declared fields as typed columns (schema order). */
  readonly columns: readonly ColumnSpec[];
  /** Primary-key columns (typed, as in `src`). */
  readonly keys: readonly ColumnSpec[];
  /**
   * Staging columns: the batch's records shredded by the warehouse (typed declared values, key,
   * hash, cursor, the record) with their verdicts. `_pslink_bad`: fails its schema;
   * `_pslink_problem`: declared fields that failed (comma-separated); `_pslink_drift`: carries
   * undeclared fields; `_pslink_set_aside`: why JavaScript set the record aside before the
   * warehouse read it (`BatchPage.setAside`); `_pslink_latest`: the good version of its key that
   * lands.
   */
  readonly stageColumns: readonly ColumnSpec[];
}

/** The tables a stream lands in; names are lower-case, columns snake_case. */
export function landingLayout(system: SystemName, stream: StreamDefinition): LandingLayout {
  const table = stream.name.toLowerCase();
  const keyNames = new Set(stream.primaryKey.map(columnName));
  // A key of one column tells records apart alone: its values are as many as the records.
  const distinct = keyNames.size === 1;
  const columns = declaredColumns(stream).map((column) =>
    distinct && keyNames.has(column.name) ? { ...column, distinct } : column,
  );
  const keys = columns.filter((column) => keyNames.has(column.name));
  return {
    system,
    stream: stream.name,
    raw: { schema: `raw_${system}`, table },
    src: { schema: `src_${system}`, table },
    seen: { schema: STAGING_SCHEMA, table: `${system}__${table}__seen` },
    columns,
    keys,
    stageColumns: [
      { name: "_pslink_page", type: "integer" },
      { name: "_pslink_ord", type: "bigint" },
      { name: "_pslink_key", type: "text" },
      ...columns.map(({ name, type }) => ({ name, type, nullable: true })),
      { name: "_pslink_hash", type: "text" },
      { name: "_pslink_cursor", type: "timestamp" },
      { name: "_pslink_record", type: "json" },
      { name: "_pslink_bad", type: "boolean" },
      { name: "_pslink_problem", type: "text" },
      { name: "_pslink_drift", type: "boolean" },
      { name: "_pslink_set_aside", type: "text" },
      { name: "_pslink_latest", type: "boolean" },
    ],
  };
}

/** `raw_<system>.<stream>` columns. */
export function rawColumns(layout: LandingLayout): ColumnSpec[] {
  return [
    { name: "_pslink_run_id", type: "text", nullable: false },
    { name: "_pslink_extracted_at", type: "timestamp", nullable: false },
    ...layout.keys.map((key) => ({
      name: key.name,
      type: "text" as const,
      nullable: false,
      distinct: key.distinct,
    })),
    { name: "_pslink_hash", type: "text", nullable: false, distinct: true },
    { name: "_pslink_record", type: "json", nullable: false, distinct: true },
  ];
}

/** Bookkeeping columns of `src_<system>.<stream>` after the declared ones. */
export const SRC_META_COLUMNS: readonly ColumnSpec[] = [
  { name: "_pslink_hash", type: "text", nullable: false, distinct: true },
  { name: "_pslink_cursor", type: "timestamp" },
  { name: "_pslink_updated_at", type: "timestamp", nullable: false },
  { name: "_pslink_deleted_at", type: "timestamp" },
  { name: "_pslink_run_id", type: "text", nullable: false },
];

/**
 * Renders column definitions for CREATE TABLE. On DuckDB a `distinct` column names its
 * compression: DuckDB otherwise weighs every method on each row group it writes, hashing each
 * value for a dictionary that cannot pay where values do not repeat, and FSST is what it chose
 * for these columns anyway. Committing 122,880 NetSuite time bills took 124–203 ms instead of
 * 177–291 into raw and 140–216 ms instead of 168–312 into current state (docs/benchmarks.md).
 */
export function columnDefinitions(wh: Warehouse, columns: readonly ColumnSpec[]): string {
  const compression = (c: ColumnSpec) =>
    wh.kind === "duckdb" && c.distinct ? " using compression fsst" : "";
  return columns
    .map(
      (c) =>
        `${wh.quote(c.name)} ${wh.sqlType(c.type)}${compression(c)}${c.nullable === false ? " not null" : ""}`,
    )
    .join(", ");
}
