import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { PslinkConfig } from "../core/config/index.js";
import { migrate } from "../warehouse/migrate.js";
import { openWarehouse } from "../warehouse/open-warehouse.js";
import type { Warehouse } from "../warehouse/warehouse.js";

/**
 * Opens the warehouse a read-only command reads (bookkeeping migrated), unless it does not exist
 * yet: such a command must not leave a new, empty DuckDB file behind. It says so on stderr, so
 * a `--json` reader's stdout stays empty.
 */
export async function withExistingWarehouse(
  config: PslinkConfig,
  read: (warehouse: Warehouse) => Promise<void>,
): Promise<void> {
  const { warehouse: settings } = config;
  if (settings.kind === "duckdb" && settings.path !== ":memory:") {
    const file = resolve(config.baseDir, settings.path);
    if (!existsSync(file)) {
      process.stderr.write(`no warehouse yet at ${file}: run pslink sync first\n`);
      return;
    }
  }
  const warehouse = await openWarehouse(settings, config.baseDir);
  try {
    await migrate(warehouse);
    await read(warehouse);
  } finally {
    await warehouse.close();
  }
}
