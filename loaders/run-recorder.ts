import { hostname } from "node:os";
import { describeError } from "../core/errors.js";
import type { StreamProgress, StreamRunResult } from "../extractors/engine/sync-events.js";
import { sqlTimestamp } from "../extractors/engine/timestamps.js";
import { inList } from "../warehouse/sql-values.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { cursorJson } from "./stream-state-store.js";

/** The states of a row in `pslink.runs`. */
export type RunStatus = "running" | "succeeded" | "failed" | "skipped" | "cancelled";

/**
 * Jobs that run under the warehouse run lock: while a process holds that lock, a row of these
 * jobs still `running` belongs to no live process.
 */
const RUN_LOCK_JOBS = "(job = 'sync' or job like 'schedule:%')";

/** What an interrupted run's row says once a later run finds it. */
export const INTERRUPTED_RUN_ERROR =
  "the process ended without recording its outcome (killed, or its warehouse failed)";

/** What a stream's row says when its run was interrupted while it ran. */
export const INTERRUPTED_STREAM_ERROR =
  "the run ended while this stream was running (killed, or its warehouse failed): the batches it committed stay (new_rows counts new and changed rows together), and the next sync reads on from its cursor";

/**
 * Marks `failed` the rows still `running` of jobs the run lock guards: call it right after
 * taking that lock. Those runs' processes were killed (a second signal, `kill -9`, a crash)
 * before they could record an end; `finished_at` stays empty since nobody saw them end.
 * Resolves to the run ids closed.
 */
export async function closeInterruptedRuns(wh: Warehouse, closedBy: string): Promise<string[]> {
  const open = await wh.query<{ run_id: string }>(
    `select run_id from pslink.runs where status = 'running' and ${RUN_LOCK_JOBS}`,
  );
  if (open.length === 0) return [];
  const found = `found by ${closedBy} at ${new Date().toISOString()}`;
  await wh.execute(
    `update pslink.runs set status = 'failed', error = $1 where status = 'running' and ${RUN_LOCK_JOBS}`,
    [`${INTERRUPTED_RUN_ERROR}; ${found}`],
  );
  // The streams they were running: what had landed stays (each batch commits on its own).
  const params: unknown[] = [`${INTERRUPTED_STREAM_ERROR}; ${found}`];
  const runs = inList(
    "run_id",
    open.map((row) => row.run_id),
    params,
  );
  await wh.execute(
    `update pslink.run_streams set status = 'failed', error = $1 where status = 'running' and ${runs}`,
    params,
  );
  return open.map((row) => row.run_id);
}

/** Records a run in `pslink.runs` (and a sync's streams in `pslink.run_streams`). */
export class RunRecorder {
  constructor(
    private readonly wh: Warehouse,
    private readonly runId: string,
  ) {}

  async started(job: string, trigger: string): Promise<void> {
    await this.wh.execute(
      `insert into pslink.runs (run_id, job, trigger, status, started_at, host, pid)
       values ($1, $2, $3, 'running', cast($4 as ${this.wh.sqlType("timestamp")}), $5, $6)`,
      [this.runId, job, trigger, sqlTimestamp(Date.now()), hostname(), process.pid],
    );
  }

  /** A stream's row while it runs: `runs show` and `status` see it even if the run is killed. */
  async streamStarted(system: string, stream: string, mode: string): Promise<void> {
    await this.wh.execute(
      `insert into pslink.run_streams (run_id, source, stream, status, mode)
       values ($1, $2, $3, 'running', $4)`,
      [this.runId, system, stream, mode],
    );
  }

  /** What a running stream has landed so far (new and changed rows together), per batch. */
  async streamProgress(progress: StreamProgress): Promise<void> {
    await this.wh.execute(
      `update pslink.run_streams set new_rows = $4, pages = $5, requests = $6
        where run_id = $1 and source = $2 and stream = $3 and status = 'running'`,
      [
        this.runId,
        progress.system,
        progress.stream,
        progress.totalRows,
        progress.pages,
        progress.requests,
      ],
    );
  }

  /** A stream's outcome, in place of its running row. */
  async stream(result: StreamRunResult): Promise<void> {
    const json = this.wh.sqlType("json");
    await this.wh.execute(
      "delete from pslink.run_streams where run_id = $1 and source = $2 and stream = $3",
      [this.runId, result.system, result.stream],
    );
    await this.wh.execute(
      `insert into pslink.run_streams (run_id, source, stream, status, mode, new_rows, changed_rows,
         deleted_rows, quarantined_rows, pages, requests, duration_ms, cursor_before, cursor_after, error)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, cast($13 as ${json}), cast($14 as ${json}), $15)`,
      [
        this.runId,
        result.system,
        result.stream,
        result.status,
        result.mode,
        result.newRows,
        result.changedRows,
        result.deletedRows,
        result.quarantinedRows,
        result.pages,
        result.requests,
        result.durationMs,
        cursorJson(result.cursorBefore),
        cursorJson(result.cursorAfter),
        // With its fix: `runs show` and `status` say what to do, as the sync's summary did.
        result.error ? describeError(result.error) : null,
      ],
    );
  }

  async finished(
    status: Exclude<RunStatus, "running" | "skipped">,
    summary: Record<string, unknown>,
    error?: string,
  ): Promise<void> {
    await this.wh.execute(
      `update pslink.runs set status = $2, finished_at = cast($3 as ${this.wh.sqlType("timestamp")}),
         summary = cast($4 as ${this.wh.sqlType("json")}), error = $5 where run_id = $1`,
      [this.runId, status, sqlTimestamp(Date.now()), JSON.stringify(summary), error ?? null],
    );
  }

  /** A run that did not start (another one held the warehouse), with the reason. */
  async skipped(job: string, trigger: string, reason: string): Promise<void> {
    const timestamp = this.wh.sqlType("timestamp");
    await this.wh.execute(
      `insert into pslink.runs (run_id, job, trigger, status, started_at, finished_at, summary, error, host, pid)
       values ($1, $2, $3, 'skipped', cast($4 as ${timestamp}), cast($4 as ${timestamp}),
         cast($5 as ${this.wh.sqlType("json")}), $6, $7, $8)`,
      [
        this.runId,
        job,
        trigger,
        sqlTimestamp(Date.now()),
        JSON.stringify({ reason }),
        reason,
        hostname(),
        process.pid,
      ],
    );
  }
}
