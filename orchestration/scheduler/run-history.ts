import { RunRecorder, type RunStatus } from "../../loaders/run-recorder.js";
import type { Warehouse } from "../../warehouse/warehouse.js";

export type { RunStatus };

/** Where runs are recorded: `pslink.runs`, next to the data they describe. */
export interface RunHistory {
  started(run: { runId: string; job: string; trigger: string }): Promise<void>;
  finished(
    runId: string,
    status: Exclude<RunStatus, "running" | "skipped">,
    summary: Record<string, unknown>,
    error?: string,
  ): Promise<void>;
  skipped(run: { runId: string; job: string; trigger: string; reason: string }): Promise<void>;
}

/** Run history kept in the warehouse's `pslink.runs` table, written as every job writes it. */
export function warehouseRunHistory(wh: Warehouse): RunHistory {
  return {
    started: ({ runId, job, trigger }) => new RunRecorder(wh, runId).started(job, trigger),
    finished: (runId, status, summary, error) =>
      new RunRecorder(wh, runId).finished(status, summary, error),
    skipped: ({ runId, job, trigger, reason }) =>
      new RunRecorder(wh, runId).skipped(job, trigger, reason),
  };
}
