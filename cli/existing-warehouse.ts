import type { PslinkConfig } from "../core/config/index.js";
import { migrate } from "../warehouse/migrate.js";
import { openExistingWarehouse, refuseUnsyncedPostgres } from "../warehouse/open-warehouse.js";
import type { Warehouse } from "../warehouse/warehouse.js";

/**
 * Opens the warehouse a command reads (bookkeeping migrated) for `read` and closes it. A DuckDB
 * file, or a PostgreSQL database's `pslink` schema, that no sync has created yet is refused
 * (exit 4, `no warehouse yet … run pslink sync first`), never created: such a command must not
 * leave a new, empty warehouse behind.
 */
export async function withExistingWarehouse<T>(
  config: PslinkConfig,
  read: (warehouse: Warehouse, config: PslinkConfig) => Promise<T>,
): Promise<T> {
  const warehouse = await openExistingWarehouse(config.warehouse, config.baseDir);
  try {
    await refuseUnsyncedPostgres(warehouse, config.warehouse);
    await migrate(warehouse);
    return await read(warehouse, config);
  } finally {
    await warehouse.close();
  }
}
