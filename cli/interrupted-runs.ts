import { RUN_LOCK_NAME } from "../warehouse/run-lock-name.js";
import type { Warehouse } from "../warehouse/warehouse.js";

/** Why a run reads `interrupted`, for `status` and `runs`. */
export const INTERRUPTED =
  "no process holds the run lock, so it ended without recording its outcome (killed, or its warehouse failed); the next sync closes it and reads on";

/**
 * `runs` as a reader should see them: a run still `running` in the history while no process
 * holds the warehouse's run lock was killed (its process can no longer release or record
 * anything), so it reads `interrupted`, as `pslink status` and the next run say.
 */
export async function withInterrupted<T extends { status: string }>(
  warehouse: Warehouse,
  runs: readonly T[],
): Promise<T[]> {
  if (!runs.some((run) => run.status === "running") || !(await runLockIsFree(warehouse)))
    return [...runs];
  return runs.map((run) => (run.status === "running" ? { ...run, status: "interrupted" } : run));
}

/** Whether no run holds the warehouse's run lock (taken and released at once to find out). */
async function runLockIsFree(warehouse: Warehouse): Promise<boolean> {
  try {
    const lock = await warehouse.acquireLock(RUN_LOCK_NAME, `pslink runs (pid ${process.pid})`);
    await lock.release();
    return true;
  } catch {
    return false;
  }
}
