import { resolve } from "node:path";
import type { WarehouseConfig } from "../core/config/index.js";
import { postgresTarget } from "./postgres-connect.js";

/**
 * The configured warehouse in a few words, never its password: `duckdb /abs/warehouse.duckdb`,
 * `postgres pslink@db.internal:5432/pslink`.
 */
export function describeWarehouse(config: WarehouseConfig, baseDir: string): string {
  if (config.kind === "postgres") return `postgres ${postgresTarget(config).label}`;
  return `duckdb ${config.path === ":memory:" ? ":memory:" : resolve(baseDir, config.path)}`;
}
