import type { Logger } from "../../core/logger.js";
import { closeInterruptedRuns } from "../../loaders/run-recorder.js";
import { RUN_LOCK_NAME } from "../../warehouse/run-lock-name.js";
import type { RunLock, Warehouse } from "../../warehouse/warehouse.js";

/**
 * The scheduler's `acquireLock` on its one long-lived warehouse. Before each run it opens the
 * warehouse again if DuckDB gave up on it in an earlier run (a disk or memory that ran out), so
 * the scheduler recovers once the cause is gone instead of failing every run until restarted.
 * Then it takes the warehouse run lock and closes the runs still `running` under it (their
 * processes were killed, or their warehouse failed).
 */
export function warehouseRunLock(
  warehouse: Warehouse,
  logger: Pick<Logger, "warn">,
): (holder: string) => Promise<RunLock> {
  return async (holder) => {
    if (await warehouse.reopenIfInvalidated?.())
      logger.warn("reopened the DuckDB warehouse: DuckDB stopped using it after a fatal error");
    const lock = await warehouse.acquireLock(RUN_LOCK_NAME, holder);
    await closeInterruptedRuns(warehouse, holder).catch(async (error: unknown) => {
      await lock.release();
      throw error;
    });
    return lock;
  };
}
