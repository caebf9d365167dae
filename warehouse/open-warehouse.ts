import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { WarehouseConfig } from "../core/config/index.js";
import { assertNever } from "../core/errors.js";
import type { Warehouse } from "./warehouse.js";

/**
 * Opens the configured warehouse. A relative DuckDB path is read from `baseDir` (the config
 * file's folder); PostgreSQL secrets are revealed only to the driver when it connects. Each
 * dialect's driver loads only when its warehouse opens.
 */
export async function openWarehouse(config: WarehouseConfig, baseDir: string): Promise<Warehouse> {
  switch (config.kind) {
    case "duckdb": {
      const path = config.path === ":memory:" ? config.path : resolve(baseDir, config.path);
      if (path !== ":memory:") await mkdir(dirname(path), { recursive: true });
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
      return openPostgresWarehouse(postgresConnection(config), config.pool_size);
    }
    default:
      return assertNever(config, "warehouse kind");
  }
}
