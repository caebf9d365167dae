import type { TargetSystem } from "../core/config/governance-schema.js";
import type { Row, SqlExecutor, Warehouse } from "../warehouse/warehouse.js";
import { keyValues, type ObjectSpec } from "./writers/writer-types.js";

/** A landed current-state table: `src_<system>.<stream>`, as the warehouse spells it. */
export interface StateTable {
  schema: string;
  table: string;
  columns: ReadonlySet<string>;
}

/** Finds a table by name, ignoring case (stream names keep the vendor's case, e.g. Account). */
export async function findTable(
  db: Pick<SqlExecutor, "query">,
  schema: string,
  name: string,
): Promise<StateTable | undefined> {
  const rows = await db.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns
     where table_schema = $1 and lower(table_name) = lower($2)`,
    [schema, name],
  );
  const table = rows[0]?.table_name;
  if (table === undefined) return undefined;
  const columns = new Set(rows.filter((r) => r.table_name === table).map((r) => r.column_name));
  return { schema, table, columns };
}

/** The current-state table an object lands in, or undefined when it has not been synced. */
export function stateTable(
  db: Pick<SqlExecutor, "query">,
  system: TargetSystem,
  spec: ObjectSpec,
): Promise<StateTable | undefined> {
  return spec.stream === null
    ? Promise.resolve(undefined)
    : findTable(db, `src_${system}`, spec.stream);
}

function from(wh: Pick<Warehouse, "quote">, table: StateTable): string {
  const live = table.columns.has("_pslink_deleted_at")
    ? " where _pslink_deleted_at is null"
    : " where true";
  return `from ${wh.quote(table.schema)}.${wh.quote(table.table)}${live}`;
}

/** The live row whose `column` holds `value` (compared as text), or undefined. */
export function readRow(
  wh: Pick<Warehouse, "quote" | "query">,
  table: StateTable,
  column: string,
  value: string,
): Promise<Row | undefined> {
  return readMatching(wh, table, { [column]: value });
}

/**
 * The live row of the record a write addresses as `id`: the row with that id, or for an object
 * addressed by a natural key (`spec.keyColumns`) the newest row holding the key's values.
 * Undefined when there is none, or `id` is not of the key's form.
 */
export async function readTarget(
  wh: Pick<Warehouse, "quote" | "query">,
  table: StateTable,
  spec: ObjectSpec,
  id: string,
): Promise<Row | undefined> {
  if (!spec.keyColumns) return readRow(wh, table, spec.idColumn, id);
  const key = keyValues(spec, id);
  return key ? readMatching(wh, table, key, spec.modifiedColumn) : undefined;
}

/** The live row whose columns hold `values` (compared as text), the newest by `newest` first. */
async function readMatching(
  wh: Pick<Warehouse, "quote" | "query">,
  table: StateTable,
  values: Readonly<Record<string, string>>,
  newest?: string,
): Promise<Row | undefined> {
  const columns = Object.keys(values);
  if (!columns.every((column) => table.columns.has(column))) return undefined;
  const where = columns
    .map((column, i) => `cast(${wh.quote(column)} as varchar) = $${i + 1}`)
    .join(" and ");
  const order =
    newest && table.columns.has(newest) ? ` order by ${wh.quote(newest)} desc nulls last` : "";
  const rows = await wh.query(
    `select * ${from(wh, table)} and ${where}${order} limit 1`,
    Object.values(values),
  );
  return rows[0];
}

/** Number of live rows. */
export async function countRows(
  wh: Pick<Warehouse, "quote" | "query">,
  table: StateTable,
): Promise<number> {
  const rows = await wh.query<{ n: number | bigint }>(`select count(*) as n ${from(wh, table)}`);
  return Number(rows[0]?.n ?? 0);
}

/** The vendor's own columns of a landed row (pslink's bookkeeping columns left out). */
export function vendorValues(row: Row): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).filter(([column]) => !column.startsWith("_pslink_")),
  );
}
