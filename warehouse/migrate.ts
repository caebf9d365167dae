import { fatalError } from "../core/errors.js";
import { lockForTransaction } from "./advisory-locks.js";
import { bookkeepingMigrations } from "./migrations/bookkeeping-migrations.js";
import type { Migration } from "./migrations/migration-sql.js";
import type { SqlExecutor, Warehouse } from "./warehouse.js";

/**
 * The migrations' SQL compiler (knex), loaded only when the schema has to change: a warehouse
 * already up to date is checked with two queries.
 */
const compilerModule = () => import("./migrations/migration-sql.js");

/**
 * Brings the `pslink` bookkeeping schema up to date: each pending migration runs in its own
 * transaction and is recorded in `pslink.schema_migrations`. Returns the names it applied
 * (none when the schema is current), so running it again is harmless.
 */
export async function migrate(
  warehouse: Warehouse,
  migrations: readonly Migration[] = bookkeepingMigrations,
): Promise<string[]> {
  await warehouse.transaction(async (tx) => {
    await lockMigrations(tx, warehouse);
    const found = await tx.query(
      "select 1 from information_schema.tables where table_schema = 'pslink' and table_name = 'schema_migrations'",
    );
    if (found.length > 0) return;
    for (const sql of await bootstrapSql(warehouse)) await tx.execute(sql);
  });
  const recorded = await warehouse.query<{ name: string }>(
    "select name from pslink.schema_migrations",
  );
  const applied = new Set(recorded.map((row) => row.name));
  const ran: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    if (await applyOne(warehouse, migration)) ran.push(migration.name);
  }
  // DuckDB replays schema changes from its WAL after a crash, and cannot re-bind defaults such
  // as now() there: write them into the database file at once.
  if (ran.length > 0 && warehouse.kind === "duckdb") await warehouse.execute("checkpoint");
  return ran;
}

async function applyOne(warehouse: Warehouse, migration: Migration): Promise<boolean> {
  const { migrationSql } = await compilerModule();
  try {
    return await warehouse.transaction(async (tx) => {
      await lockMigrations(tx, warehouse);
      // Another process may have applied it while this one waited for the lock.
      const done = await tx.query("select 1 from pslink.schema_migrations where name = $1", [
        migration.name,
      ]);
      if (done.length > 0) return false;
      for (const sql of migrationSql(migration, warehouse.kind)) await tx.execute(sql);
      await tx.execute("insert into pslink.schema_migrations (name) values ($1)", [migration.name]);
      return true;
    });
  } catch (error) {
    throw fatalError(`bookkeeping migration ${migration.name} failed on ${warehouse.kind}`, {
      cause: error,
      hint: "nothing of it was kept (it ran in one transaction); fix the cause and run again",
    });
  }
}

/** Serialises concurrent migrators (two processes starting at once); DuckDB allows one process. */
async function lockMigrations(tx: SqlExecutor, warehouse: Warehouse): Promise<void> {
  if (warehouse.kind === "postgres") await lockForTransaction(tx, "pslink.migrate");
}

async function bootstrapSql(warehouse: Warehouse): Promise<string[]> {
  const { compileSchema, sqlCompiler: k, translate } = await compilerModule();
  const builder = k.schema
    .createSchemaIfNotExists("pslink")
    .withSchema("pslink")
    .createTable("schema_migrations", (t) => {
      t.text("name").primary();
      t.timestamp("applied_at", { useTz: true }).notNullable().defaultTo(k.fn.now());
    });
  return compileSchema(builder).map((sql) => translate(sql, warehouse.kind));
}
