import { existsSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { WarehouseConfig } from "../core/config/index.js";
import { assertNever, configError, type PslinkError } from "../core/errors.js";
import type { Warehouse } from "./warehouse.js";

/**
 * Opens the configured warehouse. A relative DuckDB path is read from `baseDir` (the config
 * file's folder); PostgreSQL secrets are revealed only to the driver when it connects. Each
 * dialect's driver loads only when its warehouse opens. A DuckDB file that does not exist yet is
 * created: only a sync should call this on a new warehouse (see `openExistingWarehouse`).
 */
export async function openWarehouse(config: WarehouseConfig, baseDir: string): Promise<Warehouse> {
  switch (config.kind) {
    case "duckdb": {
      const path = config.path === ":memory:" ? config.path : resolve(baseDir, config.path);
      if (path !== ":memory:") {
        const problem = duckdbFolderProblem(path);
        if (problem) throw problem;
        await mkdir(dirname(path), { recursive: true });
      }
      const { openDuckdbWarehouse } = await import("./duckdb-dialect.js");
      return openDuckdbWarehouse({
        path,
        threads: config.threads,
        memoryLimit: config.memory_limit,
      });
    }
    case "postgres": {
      const { postgresConnection } = await import("./postgres-connect.js");
      const { openPostgresWarehouse } = await import("./postgres-dialect.js");
      return openPostgresWarehouse(postgresConnection(config, baseDir), config.pool_size);
    }
    default:
      return assertNever(config, "warehouse kind");
  }
}

/**
 * Why the DuckDB file `path` cannot be created where it is: a file stands where one of its
 * folders would be (`path: pslink.yml/w.duckdb`), which mkdir reports only as `EEXIST`.
 */
export function duckdbFolderProblem(path: string): PslinkError | undefined {
  const folder = nearestExisting(dirname(path));
  if (statSync(folder).isDirectory()) return undefined;
  return configError(`warehouse.path ${path} is inside ${folder}, which is a file, not a folder`, {
    hint: "set warehouse.path in pslink.yml to a file in a folder, e.g. warehouse.duckdb (read from the config file's folder)",
  });
}

/** `path`, or the nearest folder above it that exists (the file system's root at the latest). */
export function nearestExisting(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/**
 * Opens a warehouse a command reads or builds on, which must not bring one into being: a DuckDB
 * file no sync has created yet is refused (a `noWarehouse` config error naming the file and
 * `pslink sync`) instead of being left behind new and empty.
 */
export async function openExistingWarehouse(
  config: WarehouseConfig,
  baseDir: string,
): Promise<Warehouse> {
  if (config.kind === "duckdb" && config.path !== ":memory:") {
    const file = resolve(baseDir, config.path);
    if (!existsSync(file))
      throw configError(`no warehouse yet: ${file} does not exist`, {
        hint: "run `pslink sync` first: it creates the warehouse (if a sync has already run, warehouse.path names another file than the one it wrote)",
        details: { noWarehouse: true, path: file },
      });
  }
  return openWarehouse(config, baseDir);
}

/**
 * Refuses a PostgreSQL warehouse no sync has written to yet: a database without pslink's
 * `pslink` schema (a `noWarehouse` config error naming the database, not its password), so a
 * command that only reads does not bring the schema into being. DuckDB's counterpart is the file
 * `openExistingWarehouse` checks.
 */
export async function refuseUnsyncedPostgres(
  warehouse: Warehouse,
  config: WarehouseConfig,
): Promise<void> {
  if (config.kind !== "postgres") return;
  const found = await warehouse.query(
    "select 1 from information_schema.schemata where schema_name = 'pslink'",
  );
  if (found.length > 0) return;
  const { postgresTarget } = await import("./postgres-connect.js");
  const { label } = postgresTarget(config);
  throw configError(`no warehouse yet: PostgreSQL ${label} has no pslink schema`, {
    hint: "run `pslink sync` first: it creates pslink's schemas (if a sync has already run, warehouse names another database than the one it wrote)",
    details: { noWarehouse: true, database: label },
  });
}
