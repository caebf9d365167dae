import type { PslinkConfig } from "../../core/config/index.js";
import { fatalError } from "../../core/errors.js";
import type { SyncEvent } from "../../extractors/engine/sync-events.js";
import { type RunSummary, syncSources } from "../../extractors/sync-sources.js";
import { applyPlan } from "../../reverse-etl/apply-plan.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { verifyApplied } from "../../reverse-etl/verify-applied.js";
import { defaultProjectDir } from "../../transform/project/default-project-dir.js";
import { buildModels } from "../../transform/run/build-models.js";
import { testModels } from "../../transform/run/test-models.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { applyRunFailure } from "../events/apply-job-events.js";
import { syncRunFailure } from "../events/sync-job-events.js";
import type { StepContext, StepRunner } from "../scheduler/scheduler.js";
import type { Step } from "./steps.js";

export interface StepRunnerOptions {
  config: PslinkConfig;
  /** The one open warehouse a long-running host shares between its jobs. */
  warehouse: Warehouse;
  projectDir?: string;
  /** Who runs scheduled plan/apply (the audit log's actor). */
  actor?: string;
  /** Progress of sync steps, with the run they belong to (the schedule command logs it). */
  onSyncEvent?: (event: SyncEvent, context: StepContext) => void;
  /** A sync step's outcome, as the CLI's `run finished` line reports it. */
  onSyncFinished?: (summary: RunSummary, context: StepContext) => void;
}

/**
 * Maps each step to its plain async job (the same functions the CLI calls). The host holds the
 * warehouse run lock, so the jobs are told not to take it again.
 */
export function createStepRunner(options: StepRunnerOptions): StepRunner {
  const { config, warehouse } = options;
  const projectDir = options.projectDir ?? defaultProjectDir();
  const actor = options.actor ?? "pslink-scheduler";
  return async (step: Step, context) => {
    switch (step.kind) {
      case "sync": {
        const summary = await syncSources(config, {
          warehouse,
          lock: false,
          runId: `${context.runId}:sync`,
          trigger: context.trigger,
          fullRefresh: step.full_refresh,
          sources: step.sources,
          signal: context.signal,
          onEvent: options.onSyncEvent && ((event) => options.onSyncEvent?.(event, context)),
        });
        options.onSyncFinished?.(summary, context);
        if (summary.status === "failed") throw syncRunFailure(summary);
        // Stopped by the scheduler's signal: the run ends as cancelled, before the verify job.
        if (summary.status === "cancelled")
          return { run_id: summary.runId, streams: summary.streams.length, cancelled: true };
        // The verify job: applied write-backs the landed data now reflects become verified.
        const verified = await verifyApplied({ warehouse });
        return {
          run_id: summary.runId,
          streams: summary.streams.length,
          duration_ms: summary.durationMs,
          writebacks: verified,
        };
      }
      case "build": {
        const result = await buildModels({
          warehouse,
          projectDir,
          fullRefresh: step.full_refresh,
          select: step.select ? step.select.split(/\s+/) : undefined,
        });
        if (!result.ok) {
          const failed = [failedNodes(result.nodes), result.hookError].filter(Boolean);
          throw fatalError(`build failed: ${failed.join("; ")}`);
        }
        const warnings = result.nodes.flatMap((node) =>
          (node.warnings ?? []).map((warning) => `${node.name}: ${warning}`),
        );
        return {
          models: result.nodes.length,
          duration_ms: result.durationMs,
          ...(warnings.length > 0 ? { warnings } : {}),
        };
      }
      case "test": {
        const result = await testModels({
          warehouse,
          projectDir,
          select: step.select ? step.select.split(/\s+/) : undefined,
        });
        const failing = result.tests.filter((t) => t.status === "fail" || t.status === "error");
        if (!result.ok) {
          const failed = [`${failing.length} data test(s) failed`, result.hookError];
          throw fatalError(failed.filter(Boolean).join("; "));
        }
        return { tests: result.tests.length, duration_ms: result.durationMs };
      }
      case "plan": {
        const result = await planWritebacks({ warehouse, config, actor });
        return { plan_id: result.planId, status: result.status, items: result.counts };
      }
      case "apply": {
        const result = await applyPlan({ warehouse, config, actor });
        const failure = applyRunFailure(result);
        if (failure) throw failure;
        return {
          applied: result.applied,
          failed: result.failed,
          stale: result.stale,
          queued: result.queued,
          waiting: result.waiting,
          withdrawn: result.withdrawn,
        };
      }
    }
  };
}

function failedNodes(nodes: readonly { name: string; status: string }[]): string {
  return nodes
    .filter((node) => node.status !== "success")
    .map((node) => `${node.name} (${node.status})`)
    .join(", ");
}
