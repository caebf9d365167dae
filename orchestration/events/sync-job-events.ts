import type { PslinkConfig } from "../../core/config/index.js";
import { describeError, fatalError, type PslinkError } from "../../core/errors.js";
import type { StreamRunResult } from "../../extractors/engine/sync-events.js";
import { type RunSummary, unrecordedText } from "../../extractors/sync-sources.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import type { JobEventSink } from "../pipes/pipes-events.js";
import {
  type AssetKey,
  FRESHNESS_CHECK,
  QUARANTINE_CHECK,
  rawAssetKey,
  srcAssetKey,
} from "./asset-keys.js";
import { type ReportSettings, reportSettings } from "./report-settings.js";

export interface SyncReportOptions {
  warehouse: Warehouse;
  summary: RunSummary;
  emit: JobEventSink;
  settings: ReportSettings;
  /** Freshness is judged against this instant (default: now). */
  nowMs?: number;
}

/**
 * Reports a finished sync run as job events: per stream that succeeded, one materialization of
 * its raw table and one of its current-state table (row counts read back from the warehouse),
 * and for every stream the quarantine and freshness checks on the current-state table.
 */
export async function reportSyncRun(options: SyncReportOptions): Promise<void> {
  const { warehouse: wh, summary, emit } = options;
  const nowMs = options.nowMs ?? Date.now();
  for (const stream of summary.streams) {
    const raw = rawAssetKey(stream.system, stream.stream);
    const src = srcAssetKey(stream.system, stream.stream);
    if (stream.status !== "succeeded") {
      const level = stream.status === "failed" ? "error" : "warn";
      emit({ kind: "log", level, message: failureLine(stream) });
    } else {
      const counts = await tableCounts(wh, raw, src, summary.runId);
      const shared = {
        run_id: summary.runId,
        mode: stream.mode,
        new_rows: stream.newRows,
        changed_rows: stream.changedRows,
        deleted_rows: stream.deletedRows,
        quarantined_rows: stream.quarantinedRows,
      };
      const written = {
        kind: "asset_written" as const,
        durationMs: stream.durationMs,
        ...(stream.cursorAfter === null ? {} : { cursor: iso(stream.cursorAfter) }),
      };
      emit({
        ...written,
        assetKey: raw,
        rows: counts.raw,
        metadata: {
          ...shared,
          rows_appended: counts.appended,
          records_read: stream.recordsRead,
          pages: stream.pages,
          requests: stream.requests,
        },
      });
      emit({
        ...written,
        assetKey: src,
        rows: counts.src,
        metadata: { ...shared, live_rows: counts.live },
      });
    }
    emit(await quarantineCheck(wh, summary.runId, stream, src));
    emit(freshnessCheck(stream, src, options.settings, nowMs));
  }
}

/**
 * The error a sync run with failed (or stopped) streams, or with bookkeeping that failed, ends
 * with, so Dagster and the scheduler show why the step failed.
 */
export function syncRunFailure(summary: RunSummary): PslinkError | undefined {
  if (summary.status === "succeeded") return undefined;
  const unfinished = summary.streams.filter((stream) => stream.status !== "succeeded");
  const what = summary.streams.some((stream) => stream.status === "failed") ? "failed" : "stopped";
  const lines = [
    ...(unfinished.length > 0
      ? [`${unfinished.length} stream(s) ${what} in sync run ${summary.runId}:`]
      : []),
    ...unfinished.map(failureLine),
    ...(summary.unrecorded === undefined
      ? []
      : [`sync run ${summary.runId}: ${unrecordedText(summary.unrecorded)}`]),
  ];
  return fatalError(lines.join("\n"), {
    cause:
      unfinished.find((stream) => stream.status === "failed")?.error ??
      unfinished[0]?.error ??
      summary.unrecorded,
  });
}

function failureLine(stream: StreamRunResult): string {
  return `${stream.system}.${stream.stream}: ${describeError(stream.error)}`;
}

async function tableCounts(wh: Warehouse, raw: AssetKey, src: AssetKey, runId: string) {
  const [rawRow] = await wh.query<{ n: unknown; appended: unknown }>(
    `select count(*) as n, sum(case when _pslink_run_id = $1 then 1 else 0 end) as appended from ${table(wh, raw)}`,
    [runId],
  );
  const [srcRow] = await wh.query<{ n: unknown; live: unknown }>(
    `select count(*) as n, sum(case when _pslink_deleted_at is null then 1 else 0 end) as live from ${table(wh, src)}`,
  );
  return {
    raw: Number(rawRow?.n ?? 0),
    appended: Number(rawRow?.appended ?? 0),
    src: Number(srcRow?.n ?? 0),
    live: Number(srcRow?.live ?? 0),
  };
}

async function quarantineCheck(
  wh: Warehouse,
  runId: string,
  stream: StreamRunResult,
  src: AssetKey,
) {
  const reasons = await wh.query<{ reason: string; n: unknown }>(
    `select reason, count(*) as n from pslink.quarantine
     where run_id = $1 and source = $2 and stream = $3 group by reason order by n desc, reason limit 20`,
    [runId, stream.system, stream.stream],
  );
  return {
    kind: "check" as const,
    assetKey: src,
    checkName: QUARANTINE_CHECK,
    passed: stream.quarantinedRows === 0,
    severity: "WARN" as const,
    metadata: {
      quarantined: stream.quarantinedRows,
      reasons: Object.fromEntries(reasons.map((row) => [row.reason, Number(row.n)])),
    },
  };
}

function freshnessCheck(
  stream: StreamRunResult,
  src: AssetKey,
  settings: ReportSettings,
  nowMs: number,
) {
  const maxLagSeconds = settings.freshnessMaxLagMs / 1000;
  const base = {
    kind: "check" as const,
    assetKey: src,
    checkName: FRESHNESS_CHECK,
    severity: "WARN" as const,
  };
  if (stream.cursorAfter === null) {
    // A stream without a cursor is read whole each run: it is as fresh as its last success.
    return {
      ...base,
      passed: stream.status === "succeeded",
      metadata: { cursor: null, max_lag_seconds: maxLagSeconds },
    };
  }
  const lagSeconds = Math.max(0, Math.round((nowMs - stream.cursorAfter) / 1000));
  return {
    ...base,
    passed: lagSeconds <= maxLagSeconds,
    metadata: {
      cursor: iso(stream.cursorAfter),
      lag_seconds: lagSeconds,
      max_lag_seconds: maxLagSeconds,
    },
  };
}

function table(wh: Warehouse, key: AssetKey): string {
  return wh.qualified({ schema: key[0] ?? "", table: key[1] ?? "" });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Under Dagster: reads the run back from the warehouse, reports it, and throws when streams
 * failed so the Pipes session closes with their errors.
 */
export async function reportSyncToPipes(
  config: PslinkConfig,
  summary: RunSummary,
  emit: JobEventSink,
  extras: Readonly<Record<string, unknown>>,
): Promise<void> {
  const settings = reportSettings(extras);
  const warehouse = await openWarehouse(config.warehouse, config.baseDir);
  try {
    await reportSyncRun({ warehouse, summary, emit, settings });
  } finally {
    await warehouse.close();
  }
  const failure = syncRunFailure(summary);
  if (failure) throw failure;
}
