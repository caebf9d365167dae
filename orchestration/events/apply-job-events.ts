import { TARGET_SYSTEMS } from "../../core/config/governance-schema.js";
import { fatalError, type PslinkError } from "../../core/errors.js";
import type { ApplyResult } from "../../reverse-etl/apply-plan.js";
import type { JobEventSink } from "../pipes/pipes-events.js";
import { writebackAssetKey } from "./asset-keys.js";

/**
 * Reports an apply run: one materialization per target system, with what was written by outcome
 * (zero when nothing was approved for it: Dagster expects every asset of the step reported).
 */
export function reportApplyRun(result: ApplyResult, emit: JobEventSink, durationMs: number): void {
  for (const target of TARGET_SYSTEMS) {
    const report = result.targets[target];
    if (!report) {
      emit({
        kind: "asset_written",
        assetKey: writebackAssetKey(target),
        rows: 0,
        durationMs,
        metadata: { items_by_outcome: {}, waiting: 0 },
      });
      continue;
    }
    const ends = report.ends;
    emit({
      kind: "asset_written",
      assetKey: writebackAssetKey(target),
      rows: ends.applied ?? 0,
      durationMs,
      metadata: {
        items_by_outcome: ends,
        failed: ends.failed ?? 0,
        stale: ends.stale ?? 0,
        waiting: report.waiting,
        withdrawn: report.withdrawn,
        window_open: report.window.open,
        window: report.window.summary,
        overridden_by: report.overriddenBy,
        error: report.error,
      },
    });
    if (report.error) emit({ kind: "log", level: "error", message: `${target}: ${report.error}` });
  }
}

/**
 * The error an apply run ends with, for Dagster's step failure and the scheduler's failed run,
 * as `pslink apply` exits 1: items that failed, or a target not written in full (its
 * credentials refused, its window closed while the apply ran, its calls deferred).
 */
export function applyRunFailure(result: ApplyResult): PslinkError | undefined {
  const lines = Object.entries(result.targets)
    .filter(([, report]) => (report.ends.failed ?? 0) > 0 || report.error)
    .map(
      ([target, report]) =>
        `${target}: ${report.ends.failed ?? 0} failed${report.error ? ` (${report.error})` : ""}`,
    );
  if (lines.length === 0) return undefined;
  const what =
    result.failed > 0
      ? `${result.failed} write-back item(s) failed`
      : `${lines.length} target(s) not written in full`;
  return fatalError(`${what}:\n${lines.join("\n")}`, {
    hint: "`pslink plans` and `pslink plan show <plan-id>` show each failed item with the target's answer",
  });
}
