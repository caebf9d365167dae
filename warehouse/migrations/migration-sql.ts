import knex, { type Knex } from "knex";
import type { WarehouseKind } from "../warehouse.js";

/** A named schema change, written once with knex's schema builder for both dialects. */
export interface Migration {
  name: string;
  /** The change, on a builder already scoped to schema `pslink`. */
  schema(builder: Knex.SchemaBuilder, k: Knex): Knex.SchemaBuilder;
  /** Statements with no DuckDB equivalent (triggers); docs/warehouse.md lists what DuckDB lacks. */
  postgresOnly?: readonly string[];
}

/** knex as a pure SQL compiler: client "pg" and no connection; nothing here talks to a database. */
export const sqlCompiler: Knex = knex({ client: "pg" });
const compiler = sqlCompiler;

/** The SQL of a migration for one dialect, in order. */
export function migrationSql(migration: Migration, kind: WarehouseKind): string[] {
  const shared = compileSchema(migration.schema(compiler.schema.withSchema("pslink"), compiler));
  const extra = kind === "postgres" ? (migration.postgresOnly ?? []) : [];
  return [...shared.map((sql) => translate(sql, kind)), ...extra];
}

/** Compiles a schema builder to its statements (bindings inlined; DDL rarely has any). */
export function compileSchema(builder: Knex.SchemaBuilder): string[] {
  return builder.toSQL().map((query) => compiler.raw(query.sql, query.bindings).toQuery());
}

/**
 * The one place where DuckDB's SQL differs from PostgreSQL's for the bookkeeping schema:
 * DuckDB has `json` only (no `jsonb`) and reads booleans as true/false rather than '1'/'0'.
 */
export function translate(sql: string, kind: WarehouseKind): string {
  if (kind === "postgres") return sql;
  return sql
    .replace(/\bjsonb\b/g, "json")
    .replace(/(boolean(?: not null)? default )'0'/g, "$1false")
    .replace(/(boolean(?: not null)? default )'1'/g, "$1true");
}
