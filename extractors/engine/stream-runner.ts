import { asPslinkError, type PslinkError, transientError } from "../../core/errors.js";
import { backfillColumns } from "../../loaders/backfill-columns.js";
import { BatchWriter, type OpenBatch } from "../../loaders/batch-writer.js";
import { ensureLandingTables } from "../../loaders/ensure-landing-tables.js";
import { type LandingLayout, landingLayout } from "../../loaders/landing-layout.js";
import { clearSeenKeys, softDeleteKeys, softDeleteUnseen } from "../../loaders/soft-deletes.js";
import {
  readStreamState,
  type StreamCursor,
  writeStreamState,
} from "../../loaders/stream-state-store.js";
import type { LockWait } from "../../warehouse/short-lock-waits.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { BatchCollector, splitPage } from "./batch-collector.js";
import { CommitPipeline } from "./commit-pipeline.js";
import { declaredKinds, knownFields } from "./define-stream.js";
import { keyScanWindow, planWindow } from "./plan-window.js";
import { readAhead } from "./read-ahead.js";
import type { ExtractWindow, OpenSource, Page, StreamHandle, StreamMetrics } from "./source.js";
import { JSON_REFUSALS } from "./storable-json.js";
import type { StreamProgress, StreamRunResult, SyncEventHandler } from "./sync-events.js";
import { sqlTimestamp } from "./timestamps.js";

export interface StreamRunContext {
  readonly wh: Warehouse;
  readonly source: OpenSource;
  readonly runId: string;
  /** Window end for every stream of the run (start of run minus the safety lag). */
  readonly windowEndMs: number;
  readonly fullRefresh: boolean;
  /** Records per committed batch (one transaction). */
  readonly batchRows: number;
  /** A batch also closes once its records' JSON reaches this length (wide records). */
  readonly batchBytes: number;
  /** Records per staged group: the most a stream's pages hold in the Node process. */
  readonly groupRows: number;
  /** A group also closes once its records' JSON reaches this length. */
  readonly groupBytes: number;
  readonly onEvent: SyncEventHandler;
  /** Stops the stream at its next page: committed batches stay, the open one is dropped. */
  readonly signal?: AbortSignal;
  /** How long adding a column to current state waits for its readers (PostgreSQL). */
  readonly lockWait?: LockWait | undefined;
}

/**
 * Extracts one stream into the warehouse: plans the window from committed state, commits
 * bounded batches (cursor advanced with each), then applies deletes. Never throws: a failure is
 * returned in the result so the run's other streams carry on.
 */
export async function runStream(
  ctx: StreamRunContext,
  handle: StreamHandle,
): Promise<StreamRunResult> {
  const started = Date.now();
  const { definition } = handle;
  const layout = landingLayout(handle.system, definition);
  const metrics: StreamMetrics = { requests: 0, pages: 0 };
  const result = emptyResult(handle);
  let stopped: PslinkError | undefined;
  try {
    const { added, retired } = await ensureLandingTables(ctx.wh, layout, ctx.lockWait);
    if (added.length > 0) await backfillColumns(ctx.wh, layout, definition, added, handle.timeZone);
    const state = await readStreamState(ctx.wh, handle.system, definition.name);
    result.cursorBefore = state.cursorMs;
    result.cursorAfter = state.cursorMs;
    let window = plannedWindow(ctx, handle, state);
    // The delete feed is read before the records: one that lost entries inside the window
    // (purged early) turns this run into a key scan, the one way left to see those deletes.
    const feed =
      handle.deletes && !window.full
        ? await handle.deletes.deletedKeys(window, metrics)
        : undefined;
    if (feed?.purged) window = keyScanWindow(ctx.source.startMs, window.toMs);
    result.mode = window.full ? "full" : "incremental";
    ctx.onEvent({
      type: "stream-started",
      system: handle.system,
      stream: definition.name,
      mode: result.mode,
      ...window,
    });
    if (window.full) await clearSeenKeys(ctx.wh, layout);
    // A scan over a stream with no live rows cannot find anything to delete: skip its key log.
    const scanning = window.full && (await hasLiveRows(ctx.wh, layout));

    const writer = new BatchWriter(ctx.wh, layout, {
      runId: ctx.runId,
      stream: definition,
      ignoredFields: handle.ignoredFields,
      timeZone: handle.timeZone,
      recordsAt: handle.recordsAt,
      retiredColumns: retired,
      state,
      window,
      scanning,
    });
    const collector = new BatchCollector({
      known: knownFields(definition, handle.ignoredFields),
      kinds: declaredKinds(definition),
      at: handle.recordsAt,
      // A response of up to four batches' records is staged whole for each piece a boundary cuts.
      cutAbove: 4 * ctx.batchRows,
      refuses: JSON_REFUSALS[ctx.wh.kind],
      // PostgreSQL has no try_cast: it tests each date-time's form unless this found them castable.
      castsDateTimes: ctx.wh.kind === "postgres",
    });
    let committed: StreamCursor = state;
    const progress = (rows: number, totalRows: number): StreamProgress => ({
      system: handle.system,
      stream: definition.name,
      rows,
      totalRows,
      pages: metrics.pages,
      requests: metrics.requests,
    });
    const land = async (batch: OpenBatch) => {
      const outcome = await batch.land();
      committed = outcome.cursor;
      result.newRows += outcome.newRows;
      result.changedRows += outcome.changedRows;
      result.quarantinedRows += outcome.quarantinedRows;
      result.driftFields.push(...outcome.drift.map((d) => d.field));
      result.cursorAfter = outcome.cursor.cursorMs;
      ctx.onEvent({
        type: "batch-committed",
        ...progress(batch.records, result.newRows + result.changedRows),
      });
    };
    // A batch stages group by group while the stream reads on, and lands while the next batch
    // stages: the warehouse and the source work at the same time. Batches still land one after
    // another, in order, each with its own cursor.
    const pipeline = new CommitPipeline(land);
    let open: OpenBatch | undefined;
    let staged = 0;
    /** The watermark of the pages read so far, for pages that carry their own. */
    let delivered = window.fromMs;
    const stageGroup = async () => {
      open ??= writer.open();
      const group = collector.take();
      await open.stage(group);
      staged += group.records;
      ctx.onEvent({ type: "records-read", bytes: group.bytes, ...progress(group.records, staged) });
    };
    const submitBatch = async () => {
      const full = open;
      open = undefined;
      if (full) await pipeline.submit(full);
    };
    try {
      const pages = handle.pages(scanning ? pastWindowEnd(window) : window, metrics);
      for await (const page of readAhead(pages)) {
        if (ctx.signal?.aborted) {
          stopped = stoppedError(ctx.signal, ctx.fullRefresh, result);
          throw stopped;
        }
        pipeline.check();
        metrics.pages += 1;
        result.recordsRead += page.records.length;
        // A page that would overfill the batch is split, so full batches hold exactly
        // `batchRows` records: whole row groups on DuckDB.
        for (let rest: Page | undefined = page; rest; ) {
          const room = ctx.batchRows - (open?.records ?? 0) - collector.size;
          const [head, tail] = splitPage(rest, room, delivered);
          collector.add(head);
          rest = tail;
          if (tail || collector.size >= ctx.groupRows || collector.bytes >= ctx.groupBytes)
            await stageGroup();
          if (open && (open.records >= ctx.batchRows || open.bytes >= ctx.batchBytes))
            await submitBatch();
        }
        delivered = page.watermarkMs ?? delivered;
      }
      if (collector.size > 0) await stageGroup();
      await submitBatch();
    } finally {
      await open?.abandon();
      await pipeline.drain();
    }

    const deleted = feed && !window.full ? feed.keys : [];
    // Deletes the feed does not cover yet are asked for again next run, from where it stopped.
    const coveredToMs = feed && !window.full ? feed.coveredToMs : Number.POSITIVE_INFINITY;
    const final: StreamCursor = {
      cursorMs:
        definition.cursor === null
          ? null
          : Math.min(Math.max(committed.cursorMs ?? window.toMs, window.toMs), coveredToMs),
      lastScanMs: window.full ? ctx.windowEndMs : committed.lastScanMs,
    };
    const now = sqlTimestamp(Date.now());
    result.deletedRows = await ctx.wh.transaction(async (tx) => {
      const marked = scanning
        ? await softDeleteUnseen(tx, ctx.wh, layout, ctx.runId, now)
        : await softDeleteKeys(tx, ctx.wh, layout, ctx.runId, deleted, now);
      await writeStreamState(tx, ctx.wh, layout, final, ctx.runId, now);
      return marked;
    });
    result.cursorAfter = final.cursorMs;
  } catch (error) {
    // A stop aborts requests in flight: whatever they threw, the stream was stopped.
    if (ctx.signal?.aborted) stopped ??= stoppedError(ctx.signal, ctx.fullRefresh, result);
    result.status = stopped ? "cancelled" : "failed";
    result.error = stopped ?? asPslinkError(error);
  }
  result.pages = metrics.pages;
  result.requests = metrics.requests;
  result.durationMs = Date.now() - started;
  ctx.onEvent({ type: "stream-finished", result });
  return result;
}

/**
 * A stream its run does not start (its system is down): failed with `error`, nothing read or
 * written, its cursor as it was, so the next run reads on from it. `mode` is the one it would
 * have run in.
 */
export async function notRunStream(
  ctx: StreamRunContext,
  handle: StreamHandle,
  error: PslinkError,
): Promise<StreamRunResult> {
  const state = await readStreamState(ctx.wh, handle.system, handle.definition.name);
  const result: StreamRunResult = {
    ...emptyResult(handle),
    mode: plannedWindow(ctx, handle, state).full ? "full" : "incremental",
    status: "failed",
    cursorBefore: state.cursorMs,
    cursorAfter: state.cursorMs,
    error,
  };
  ctx.onEvent({ type: "stream-finished", result });
  return result;
}

/** A stream's result before it has done anything. */
function emptyResult(handle: StreamHandle): StreamRunResult {
  return {
    system: handle.system,
    stream: handle.definition.name,
    mode: "incremental",
    status: "succeeded",
    newRows: 0,
    changedRows: 0,
    deletedRows: 0,
    quarantinedRows: 0,
    recordsRead: 0,
    pages: 0,
    requests: 0,
    durationMs: 0,
    cursorBefore: null,
    cursorAfter: null,
    driftFields: [],
  };
}

/** The window the stream's committed state and the run's settings give it. */
function plannedWindow(
  ctx: StreamRunContext,
  handle: StreamHandle,
  state: StreamCursor,
): ExtractWindow {
  return planWindow({
    handle,
    state,
    settings: ctx.source.settings(handle.definition.name),
    startMs: ctx.source.startMs,
    windowEndMs: ctx.windowEndMs,
    fullRefresh: ctx.fullRefresh,
  });
}

/**
 * How far a key scan reads past its window's end. A scan must see every record that still
 * exists: one modified after the window's end, or while the scan runs, would otherwise be missing
 * from it and taken for deleted. Its cursor still stops at the window's end, so the next run reads
 * such a record again (it lands once: same content, same hash). A day covers clock skew between
 * pslink and the vendor; each query stays a closed range, as the sources write them.
 */
export const SCAN_HORIZON_MS = 24 * 60 * 60 * 1000;

/** The window a key scan's pages are read over: `SCAN_HORIZON_MS` past the window's end. */
function pastWindowEnd(window: ExtractWindow): ExtractWindow {
  return { ...window, toMs: window.toMs + SCAN_HORIZON_MS };
}

/** Why a run's signal stopped it, for messages ("SIGTERM received"). */
export function stopReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason.message : String(reason ?? "stopped");
}

/**
 * A stream stopped by its run's signal: what it committed stays, the rest is read next run. A
 * `--full-refresh` is not resumed by a plain sync (which reads on from the cursor, without the
 * delete scan): its hint names the full refresh to run again.
 */
function stoppedError(
  signal: AbortSignal,
  fullRefresh: boolean,
  result: Pick<StreamRunResult, "system" | "stream">,
): PslinkError {
  return transientError(`stopped before the stream finished (${stopReason(signal)})`, {
    hint: fullRefresh
      ? `run \`pslink sync --stream ${result.system}.${result.stream} --full-refresh\` again to read it whole (a plain sync reads on from the cursor, without the delete scan); the batches committed so far stay`
      : "run the sync again: the batches committed so far stay, and the rest is read then",
  });
}

/** Whether current state holds any row that is not soft-deleted. */
async function hasLiveRows(wh: Warehouse, layout: LandingLayout): Promise<boolean> {
  const rows = await wh.query(
    `select 1 as live from ${wh.qualified(layout.src)} where _pslink_deleted_at is null limit 1`,
  );
  return rows.length > 0;
}
