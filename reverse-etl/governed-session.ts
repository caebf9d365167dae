import { userInfo } from "node:os";
import type { PslinkConfig } from "../core/config/index.js";
import { migrate } from "../warehouse/migrate.js";
import { openWarehouse } from "../warehouse/open-warehouse.js";
import type { Warehouse } from "../warehouse/warehouse.js";

/** Runs a governance command against the configured warehouse, closing it afterwards. */
export async function withGovernedWarehouse<T>(
  config: PslinkConfig,
  task: (warehouse: Warehouse, config: PslinkConfig) => Promise<T>,
): Promise<T> {
  const warehouse = await openWarehouse(config.warehouse, config.baseDir);
  try {
    await migrate(warehouse);
    return await task(warehouse, config);
  } finally {
    await warehouse.close();
  }
}

/** Who runs a command when no steward is named: the OS user, for the audit log. */
export function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return "pslink";
  }
}

/** Commander collector for repeatable options (`--item A --item B`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
