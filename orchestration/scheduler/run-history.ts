import { hostname } from "node:os";
import type { SqlExecutor } from "../../warehouse/warehouse.js";

export type RunStatus = "running" | "succeeded" | "failed" | "skipped" | "cancelled";

/** Where runs are recorded: `pslink.runs`, next to the data they describe. */
export interface RunHistory {
  started(run: { runId: string; job: string; trigger: string }): Promise<void>;
  finished(
    runId: string,
    status: RunStatus,
    summary: Record<string, unknown>,
    error?: string,
  ): Promise<void>;
  skipped(run: { runId: string; job: string; trigger: string; reason: string }): Promise<void>;
}

/** Run history kept in the warehouse's `pslink.runs` table. */
export function warehouseRunHistory(db: SqlExecutor): RunHistory {
  return {
    async started({ runId, job, trigger }) {
      await db.execute(
        `insert into pslink.runs (run_id, job, trigger, status, started_at, host, pid)
         values ($1, $2, $3, 'running', $4, $5, $6)`,
        [runId, job, trigger, new Date(), hostname(), process.pid],
      );
    },
    async finished(runId, status, summary, error) {
      await db.execute(
        `update pslink.runs set status = $2, finished_at = $3, summary = $4, error = $5 where run_id = $1`,
        [runId, status, new Date(), JSON.stringify(summary), error ?? null],
      );
    },
    async skipped({ runId, job, trigger, reason }) {
      const now = new Date();
      await db.execute(
        `insert into pslink.runs (run_id, job, trigger, status, started_at, finished_at, summary, error, host, pid)
         values ($1, $2, $3, 'skipped', $4, $4, $5, $6, $7, $8)`,
        [runId, job, trigger, now, JSON.stringify({ reason }), reason, hostname(), process.pid],
      );
    },
  };
}
