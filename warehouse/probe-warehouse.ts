import { constants, existsSync } from "node:fs";
import { access } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { WarehouseConfig } from "../core/config/index.js";
import { configError, type PslinkError } from "../core/errors.js";
import { describeWarehouse } from "./describe-warehouse.js";
import { duckdbFolderProblem, nearestExisting, openWarehouse } from "./open-warehouse.js";
import { postgresTextCaveat } from "./postgres-text-caveat.js";
import type { Warehouse } from "./warehouse.js";

/** Whether the configured warehouse can be opened, and what it is. */
export interface WarehouseProbe {
  readonly ok: boolean;
  /** `duckdb /path/warehouse.duckdb (v1.5.6)`, `postgres PostgreSQL 15.18 …`. */
  readonly description: string;
  readonly error?: unknown;
  /** What works differently here than on DuckDB (a PostgreSQL database's text locale). */
  readonly warning?: string;
}

/**
 * Opens the warehouse and asks its version, then closes it; nothing is created or migrated. A
 * DuckDB file that does not exist yet is not created: its folder must be one the first sync can
 * create it in.
 */
export async function probeWarehouse(
  config: WarehouseConfig,
  baseDir: string,
): Promise<WarehouseProbe> {
  let where: string = config.kind;
  try {
    where = describeWarehouse(config, baseDir);
  } catch (error) {
    return { ok: false, description: where, error }; // a warehouse.url that is not a URL
  }
  if (config.kind === "duckdb" && config.path !== ":memory:") {
    const file = resolve(baseDir, config.path);
    if (!existsSync(file)) {
      const misplaced = duckdbFolderProblem(file);
      if (misplaced) return { ok: false, description: where, error: misplaced };
      const folder = nearestExisting(dirname(file));
      try {
        await access(folder, constants.W_OK);
        return { ok: true, description: `${where} (not created yet: the first sync creates it)` };
      } catch (error) {
        return {
          ok: false,
          description: `${where}: the first sync cannot create it (${folder} is not writable)`,
          error,
        };
      }
    }
  }
  try {
    const warehouse = await openWarehouse(config, baseDir);
    try {
      const [row] = await warehouse.query<{ version: string }>("select version() as version");
      const version = String(row?.version ?? "").split(" on ")[0];
      const readOnly = await postgresReadOnly(warehouse);
      if (readOnly) return { ok: false, description: `${where} (${version})`, error: readOnly };
      const warning = await postgresTextCaveat(warehouse);
      return { ok: true, description: `${where} (${version})`, ...(warning ? { warning } : {}) };
    } finally {
      await warehouse.close();
    }
  } catch (error) {
    return { ok: false, description: where, error };
  }
}

/** Why pslink could not write to this PostgreSQL warehouse (a standby, a read-only default), if so. */
async function postgresReadOnly(warehouse: Warehouse): Promise<PslinkError | undefined> {
  if (warehouse.kind !== "postgres") return undefined;
  const [row] = await warehouse.query<{ standby: boolean; read_only: string }>(
    "select pg_is_in_recovery() as standby, current_setting('transaction_read_only') as read_only",
  );
  if (!row?.standby && row?.read_only !== "on") return undefined;
  return configError(
    row.standby
      ? "the PostgreSQL server is a standby (read replica): it takes no writes"
      : "the PostgreSQL database takes no writes: default_transaction_read_only is on for it or for the user",
    {
      hint: "point the warehouse at the primary, or turn read-only off for pslink (ALTER DATABASE … SET default_transaction_read_only = off)",
    },
  );
}
