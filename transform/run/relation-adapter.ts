import {
  DEFAULT_LOCK_WAIT,
  type LockWait,
  takeRelation,
} from "../../warehouse/short-lock-waits.js";
import type { SqlExecutor, Warehouse } from "../../warehouse/warehouse.js";
import { dependentViews, remakeViews, type ViewProblem } from "./dependent-views.js";

/** What a relation is in the warehouse right now. */
export type RelationKind = "table" | "view";

/**
 * The SQL the materialisations need beyond a model's own. DuckDB and PostgreSQL agree on all
 * of it (information_schema, `drop … cascade`, `alter table … rename`, `delete … using`), so
 * it is written once here; where they differ (replacing a view whose columns changed), the
 * caller falls back to the statement both accept.
 */
export class RelationAdapter {
  constructor(
    private readonly warehouse: Warehouse,
    private readonly lockWait: LockWait = DEFAULT_LOCK_WAIT,
  ) {}

  /**
   * Runs a transaction that takes a model's relation for itself (dropping, renaming or replacing
   * it), waiting for its readers only briefly at a time (`warehouse/short-lock-waits.ts`).
   */
  exclusively<T>(schema: string, name: string, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return takeRelation(this.warehouse, { schema, table: name }, work, {
      lockWait: this.lockWait,
      undone: "its new build was not put in place",
    });
  }

  qualified(schema: string, name: string): string {
    return this.warehouse.qualified({ schema, table: name });
  }

  async kindOf(
    executor: SqlExecutor,
    schema: string,
    name: string,
  ): Promise<RelationKind | undefined> {
    const rows = await executor.query<{ table_type: string }>(
      `select table_type from information_schema.tables
        where table_catalog = current_database() and table_schema = $1 and table_name = $2`,
      [schema, name],
    );
    const type = rows[0]?.table_type;
    if (type === undefined) return undefined;
    return type === "VIEW" ? "view" : "table";
  }

  async columns(executor: SqlExecutor, schema: string, name: string): Promise<string[]> {
    const rows = await executor.query<{ column_name: string }>(
      `select column_name from information_schema.columns
        where table_catalog = current_database() and table_schema = $1 and table_name = $2
        order by ordinal_position`,
      [schema, name],
    );
    return rows.map((row) => row.column_name);
  }

  async createSchema(executor: SqlExecutor, schema: string): Promise<void> {
    await executor.execute(`create schema if not exists ${this.warehouse.quote(schema)}`);
  }

  async drop(
    executor: SqlExecutor,
    kind: RelationKind,
    schema: string,
    name: string,
  ): Promise<void> {
    await executor.execute(`drop ${kind} if exists ${this.qualified(schema, name)} cascade`);
  }

  /**
   * Drops the relation under the model's name, if any, and puts its replacement in place
   * (`putInPlace`), in `tx`. On PostgreSQL `drop … cascade` takes every view built on the
   * relation with it (a model this run does not build, a user's own, a BI tool's): those are
   * read first and made again on the replacement (`dependent-views.ts`). DuckDB keeps a view as
   * its text, so views stay as they are.
   */
  async replace(
    tx: SqlExecutor,
    existing: RelationKind | undefined,
    schema: string,
    name: string,
    putInPlace: () => Promise<void>,
  ): Promise<ViewProblem[]> {
    if (existing === undefined) {
      await putInPlace();
      return [];
    }
    const dependents =
      this.warehouse.kind === "postgres" ? await dependentViews(tx, schema, name) : [];
    await this.drop(tx, existing, schema, name);
    await putInPlace();
    return remakeViews(tx, dependents);
  }

  async rename(executor: SqlExecutor, schema: string, from: string, to: string): Promise<void> {
    await executor.execute(
      `alter table ${this.qualified(schema, from)} rename to ${this.warehouse.quote(to)}`,
    );
  }

  async count(executor: SqlExecutor, schema: string, name: string): Promise<number> {
    const rows = await executor.query<{ n: unknown }>(
      `select count(*) as n from ${this.qualified(schema, name)}`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  quote(identifier: string): string {
    return this.warehouse.quote(identifier);
  }
}
