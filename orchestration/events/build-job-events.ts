import { fatalError, type PslinkError } from "../../core/errors.js";
import type { BuildResult } from "../../transform/index.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import type { JobEvent, JobEventSink } from "../pipes/pipes-events.js";
import {
  type AssetKey,
  EXCEPTIONS_RELATION,
  RECONCILIATION_CHECK,
  relationAssetKey,
} from "./asset-keys.js";
import { maxOpenFor, type ReportSettings, reportSettings } from "./report-settings.js";

export interface BuildReportOptions {
  warehouse: Warehouse;
  result: BuildResult;
  emit: JobEventSink;
  settings: ReportSettings;
}

/**
 * Reports a finished build: one materialization per model built (`schema.name` as the asset key,
 * its row count read back, views included), an error log per model that failed or was skipped,
 * a warning log for each warning of a model built, and the reconciliation thresholds check once
 * `reconciliation.exceptions` is built.
 */
export async function reportBuildRun(options: BuildReportOptions): Promise<void> {
  const { warehouse: wh, emit } = options;
  for (const node of options.result.nodes) {
    if (node.status !== "success") {
      emit({
        kind: "log",
        level: "error",
        message: `model ${node.name} ${node.status}: ${node.error ?? ""}`,
      });
      continue;
    }
    for (const warning of node.warnings ?? [])
      emit({ kind: "log", level: "warn", message: `model ${node.name}: ${warning}` });
    const key = relationAssetKey(node.relation);
    const [row] = await wh.query<{ n: unknown }>(`select count(*) as n from ${table(wh, key)}`);
    emit({
      kind: "asset_written",
      assetKey: key,
      rows: Number(row?.n ?? 0),
      durationMs: node.durationMs,
      metadata: {
        model: node.name,
        materialized: node.materialized,
        // Rows an incremental run merged; the row count is the table's total.
        rows_affected: node.materialized === "incremental" ? node.rows : undefined,
      },
    });
    if (node.relation === EXCEPTIONS_RELATION)
      emit(await thresholdsCheck(wh, key, options.settings));
  }
}

/**
 * The error a build with failed or skipped models, or a failed on-run-end hook, ends with, for
 * Dagster's step failure.
 */
export function buildRunFailure(result: BuildResult): PslinkError | undefined {
  const bad = result.nodes.filter((node) => node.status !== "success");
  if (bad.length === 0 && result.hookError === undefined) return undefined;
  const lines = bad.map((node) => `${node.name} (${node.status}): ${node.error ?? ""}`);
  const said = bad.length === 0 ? [] : [`${bad.length} model(s) did not build:`, ...lines];
  return fatalError([...said, ...(result.hookError ? [result.hookError] : [])].join("\n"));
}

async function thresholdsCheck(
  wh: Warehouse,
  key: AssetKey,
  settings: ReportSettings,
): Promise<JobEvent> {
  const rows = await wh.query<{ rule_id: string; severity: string; n: unknown }>(
    `select rule_id, severity, count(*) as n from ${table(wh, key)}
     where status = 'open' group by rule_id, severity order by rule_id, severity`,
  );
  const open: Record<string, number> = {};
  const limits: Record<string, number> = {};
  const over: string[] = [];
  for (const row of rows) {
    const n = Number(row.n);
    open[row.rule_id] = (open[row.rule_id] ?? 0) + n;
    const max = maxOpenFor(settings, row.rule_id, row.severity);
    if (max === undefined) continue;
    limits[row.rule_id] = max;
    if (n > max) over.push(`${row.rule_id} (${row.severity}): ${n} open, at most ${max}`);
  }
  return {
    kind: "check",
    assetKey: key,
    checkName: RECONCILIATION_CHECK,
    passed: over.length === 0,
    severity: "ERROR",
    metadata: {
      open_total: Object.values(open).reduce((sum, n) => sum + n, 0),
      open_by_rule: open,
      max_by_rule: limits,
      over_threshold: over,
    },
  };
}

function table(wh: Warehouse, key: AssetKey): string {
  return wh.qualified({ schema: key[0] ?? "", table: key[1] ?? "" });
}

/** Under Dagster: reports the build, then throws when models failed so the step fails with why. */
export async function reportBuildToPipes(
  warehouse: Warehouse,
  result: BuildResult,
  emit: JobEventSink,
  extras: Readonly<Record<string, unknown>>,
): Promise<void> {
  await reportBuildRun({ warehouse, result, emit, settings: reportSettings(extras) });
  const failure = buildRunFailure(result);
  if (failure) throw failure;
}
