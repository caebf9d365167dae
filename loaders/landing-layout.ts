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
   * undeclared fields; `_pslink_latest`: the good version of its key that lands.
   */
  readonly stageColumns: readonly ColumnSpec[];
}

/** The tables a stream lands in; names are lower-case, columns snake_case. */
export function landingLayout(system: SystemName, stream: StreamDefinition): LandingLayout {
  const table = stream.name.toLowerCase();
  const columns = declaredColumns(stream);
  const keyNames = new Set(stream.primaryKey.map(columnName));
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
      ...columns.map((column) => ({ ...column, nullable: true })),
      { name: "_pslink_hash", type: "text" },
      { name: "_pslink_cursor", type: "timestamp" },
      { name: "_pslink_record", type: "json" },
      { name: "_pslink_bad", type: "boolean" },
      { name: "_pslink_problem", type: "text" },
      { name: "_pslink_drift", type: "boolean" },
      { name: "_pslink_latest", type: "boolean" },
    ],
  };
}

/** `raw_<system>.<stream>` columns. */
export function rawColumns(layout: LandingLayout): ColumnSpec[] {
  return [
    { name: "_pslink_run_id", type: "text", nullable: false },
    { name: "_pslink_extracted_at", type: "timestamp", nullable: false },
    ...layout.keys.map((key) => ({ name: key.name, type: "text" as const, nullable: false })),
    { name: "_pslink_hash", type: "text", nullable: false },
    { name: "_pslink_record", type: "json", nullable: false },
  ];
}

/** Bookkeeping columns of `src_<system>.<stream>` after the declared ones. */
export const SRC_META_COLUMNS: readonly ColumnSpec[] = [
  { name: "_pslink_hash", type: "text", nullable: false },
  { name: "_pslink_cursor", type: "timestamp" },
  { name: "_pslink_updated_at", type: "timestamp", nullable: false },
  { name: "_pslink_deleted_at", type: "timestamp" },
  { name: "_pslink_run_id", type: "text", nullable: false },
];

/** Renders column definitions for CREATE TABLE. */
export function columnDefinitions(wh: Warehouse, columns: readonly ColumnSpec[]): string {
  return columns
    .map(
      (c) => `${wh.quote(c.name)} ${wh.sqlType(c.type)}${c.nullable === false ? " not null" : ""}`,
    )
    .join(", ");
}
