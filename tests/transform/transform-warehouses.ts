import { join } from "node:path";
import { afterAll } from "vitest";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import type { Warehouse, WarehouseKind } from "../../warehouse/warehouse.js";
import {
  createTestDatabase,
  postgresConfig,
  type WarehouseTarget,
  warehouseCases,
} from "../support/warehouses.js";

export interface FreshWarehouse {
  warehouse: Warehouse;
  target: WarehouseTarget;
  /** The PostgreSQL URL, or the DuckDB file. */
  location: string;
  /** Closes `warehouse` early (DuckDB: so another process, such as dbt, may open the file). */
  close(): Promise<void>;
}

/**
 * Warehouse cases whose `fresh()` gives every test its own empty warehouse (the fixture's
 * schemas are fixed names, so tests cannot share one): a new DuckDB file, or a new database.
 */
export function transformWarehouseCases(): Array<{
  kind: WarehouseKind;
  fresh: () => Promise<FreshWarehouse>;
}> {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return warehouseCases().map((base) => ({
    kind: base.kind,
    fresh: async () => {
      const database = base.kind === "postgres" ? await createTestDatabase() : undefined;
      if (database) cleanups.push(database.drop);
      const target = database
        ? { config: postgresConfig(database.url), baseDir: process.cwd() }
        : await base.target();
      const warehouse = await openWarehouse(target.config, target.baseDir);
      let closed: Promise<void> | undefined;
      const close = () => {
        closed ??= warehouse.close();
        return closed;
      };
      cleanups.push(close);
      const location = database ? database.url : join(target.baseDir, "warehouse.duckdb");
      return { warehouse, target, location, close };
    },
  }));
}
