import { afterAll } from "vitest";
import {
  createTestDatabase,
  postgresConfig,
  type WarehouseCase,
  type WarehouseTarget,
} from "../../support/warehouses.js";

/**
 * A warehouse nobody else in the file has written to: DuckDB a new file, PostgreSQL a new
 * database (the shared per-file database would carry one test's cursors into the next).
 */
export function freshTargets(): (warehouse: WarehouseCase) => Promise<WarehouseTarget> {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });
  return async (warehouse) => {
    if (warehouse.kind === "duckdb") return warehouse.target();
    const { url, drop } = await createTestDatabase();
    drops.push(drop);
    const base = await warehouse.target();
    return { baseDir: base.baseDir, config: postgresConfig(url) };
  };
}
