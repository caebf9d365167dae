import { assertNever, fatalError, PslinkError } from "../../core/errors.js";
import type { SqlExecutor, Warehouse } from "../../warehouse/warehouse.js";
import type { ModelConfig } from "../project/node-config.js";
import type { ViewProblem } from "./dependent-views.js";
import type { RelationAdapter, RelationKind } from "./relation-adapter.js";

export interface MaterializeInput {
  readonly warehouse: Warehouse;
  readonly adapter: RelationAdapter;
  readonly schema: string;
  readonly name: string;
  readonly config: ModelConfig;
  /** The model's compiled select. */
  readonly sql: string;
  /** What exists under the model's name before the build. */
  readonly existing: RelationKind | undefined;
  /** True when this run merges into the existing table (`is_incremental()` was true). */
  readonly incremental: boolean;
}

/** What building a model did. */
export interface Built {
  /** The rows its table holds, or an incremental run merged; none for views. */
  readonly rows?: number;
  /** Views built on the relation it replaced that could not be made again as they were. */
  readonly viewProblems: readonly ViewProblem[];
}

/** Builds one model in the warehouse. */
export async function materialize(input: MaterializeInput): Promise<Built> {
  const { config } = input;
  switch (config.materialized) {
    case "view":
      return { viewProblems: await buildView(input) };
    case "table":
      return buildTable(input);
    case "incremental":
      return input.incremental
        ? { rows: await mergeIncrement(input), viewProblems: [] }
        : buildTable(input);
    case "ephemeral":
      return { viewProblems: [] };
    default:
      return assertNever(config.materialized, "materialization");
  }
}

/**
 * A view is replaced in place when it can be (dependants keep working); PostgreSQL refuses
 * `create or replace` when columns change, and then the old view is replaced with the views
 * built on it made again (`RelationAdapter.replace`).
 */
async function buildView({
  adapter,
  schema,
  name,
  sql,
  existing,
}: MaterializeInput): Promise<ViewProblem[]> {
  const target = adapter.qualified(schema, name);
  const create = (replace: boolean) =>
    `create ${replace ? "or replace " : ""}view ${target} as (\n${sql}\n)`;
  if (existing === "view") {
    try {
      await adapter.exclusively(schema, name, (tx) => tx.execute(create(true)));
      return [];
    } catch (error) {
      // Columns changed on PostgreSQL: fall through to drop and create. A view still in use
      // after the lock wait is not.
      if (error instanceof PslinkError && error.kind === "transient") throw error;
    }
  }
  return adapter.exclusively(schema, name, (tx) =>
    adapter.replace(tx, existing, schema, name, () => tx.execute(create(false))),
  );
}

/**
 * Builds under a temporary name, then swaps it in within one transaction that waits for the old
 * table's readers only briefly at a time (`RelationAdapter.exclusively`).
 */
async function buildTable({
  warehouse,
  adapter,
  schema,
  name,
  sql,
  existing,
}: MaterializeInput): Promise<Built> {
  const temporary = `${name}__pslink_tmp`;
  await adapter.drop(warehouse, "table", schema, temporary);
  // Built first, in its own transaction: a swap that waits for the old table's readers and tries
  // again does not compute the model again.
  await warehouse.execute(`create table ${adapter.qualified(schema, temporary)} as (\n${sql}\n)`);
  try {
    return await adapter.exclusively(schema, name, async (tx) => {
      const viewProblems = await adapter.replace(tx, existing, schema, name, () =>
        adapter.rename(tx, schema, temporary, name),
      );
      return { rows: await adapter.count(tx, schema, name), viewProblems };
    });
  } catch (error) {
    await adapter.drop(warehouse, "table", schema, temporary).catch(() => undefined);
    throw error;
  }
}

/** delete+insert on `unique_key` (append without one), all in one transaction. */
async function mergeIncrement(input: MaterializeInput): Promise<number> {
  const { warehouse, adapter, schema, name, sql, config } = input;
  const staged = `${name}__pslink_incr`;
  await adapter.drop(warehouse, "table", schema, staged);
  return warehouse.transaction(async (tx) => {
    await tx.execute(`create table ${adapter.qualified(schema, staged)} as (\n${sql}\n)`);
    const keys =
      config.unique_key === undefined || config.unique_key === null
        ? []
        : [config.unique_key].flat();
    if (keys.length > 0 && config.incremental_strategy !== "append") {
      await deleteMatching(tx, adapter, schema, name, staged, keys);
    }
    const columns = (await adapter.columns(tx, schema, name))
      .map((column) => adapter.quote(column))
      .join(", ");
    await tx.execute(
      `insert into ${adapter.qualified(schema, name)} (${columns})
       select ${columns} from ${adapter.qualified(schema, staged)}`,
    );
    const merged = await adapter.count(tx, schema, staged);
    await adapter.drop(tx, "table", schema, staged);
    return merged;
  });
}

async function deleteMatching(
  tx: SqlExecutor,
  adapter: RelationAdapter,
  schema: string,
  name: string,
  staged: string,
  keys: readonly string[],
): Promise<void> {
  const stagedColumns = new Set(await adapter.columns(tx, schema, staged));
  const missing = keys.filter((key) => !stagedColumns.has(key));
  if (missing.length > 0) {
    throw fatalError(`unique_key ${missing.join(", ")} is not a column of the model's select`);
  }
  const matches = keys
    .map((key) => `target.${adapter.quote(key)} = staged.${adapter.quote(key)}`)
    .join(" and ");
  await tx.execute(
    `delete from ${adapter.qualified(schema, name)} as target
      using ${adapter.qualified(schema, staged)} as staged
      where ${matches}`,
  );
}
