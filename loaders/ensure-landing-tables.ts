import type { Warehouse } from "../warehouse/warehouse.js";
import {
  columnDefinitions,
  type LandingLayout,
  rawColumns,
  SRC_META_COLUMNS,
  STAGING_SCHEMA,
} from "./landing-layout.js";

/**
 * Creates a stream's raw, current-state and scratch tables when missing, and adds columns a
 * newer declaration introduced (declared fields only grow; dropped fields stay in raw JSON).
 */
export async function ensureLandingTables(wh: Warehouse, layout: LandingLayout): Promise<void> {
  for (const schema of [layout.raw.schema, layout.src.schema, STAGING_SCHEMA]) {
    await wh.execute(`create schema if not exists ${wh.quote(schema)}`);
  }
  await wh.execute(
    `create table if not exists ${wh.qualified(layout.raw)} (${columnDefinitions(wh, rawColumns(layout))})`,
  );
  const keyList = layout.keys.map((key) => wh.quote(key.name)).join(", ");
  await wh.execute(
    `create table if not exists ${wh.qualified(layout.src)} (${columnDefinitions(wh, [
      ...layout.columns,
      ...SRC_META_COLUMNS,
    ])}, primary key (${keyList}))`,
  );
  await addMissingColumns(wh, layout);
  await wh.execute(
    `create table if not exists ${wh.qualified(layout.seen)} (_pslink_run_id ${wh.sqlType("text")} not null, _pslink_key ${wh.sqlType("text")} not null)`,
  );
}

async function addMissingColumns(wh: Warehouse, layout: LandingLayout): Promise<void> {
  const rows = await wh.query<{ column_name: string }>(
    "select column_name from information_schema.columns where table_schema = $1 and table_name = $2",
    [layout.src.schema, layout.src.table],
  );
  const present = new Set(rows.map((row) => row.column_name));
  for (const column of layout.columns) {
    if (present.has(column.name)) continue;
    await wh.execute(
      `alter table ${wh.qualified(layout.src)} add column ${wh.quote(column.name)} ${wh.sqlType(column.type)}`,
    );
  }
}
