import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import PQueue from "p-queue";
import type { PslinkConfig } from "../core/config/index.js";
import { describeError } from "../core/errors.js";
import { closeInterruptedRuns, RunRecorder } from "../loaders/run-recorder.js";
import { migrate } from "../warehouse/migrate.js";
import { openWarehouse } from "../warehouse/open-warehouse.js";
import { RUN_LOCK_NAME } from "../warehouse/run-lock-name.js";
import type { LockWait } from "../warehouse/short-lock-waits.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { notRunStream, runStream, stopReason } from "./engine/stream-runner.js";
import type { StreamRunResult, SyncEvent, SyncEventHandler } from "./engine/sync-events.js";
import {
  downSystemOf,
  downText,
  notRunError,
  type SystemDown,
} from "./engine/system-reachability.js";
import { openSources } from "./open-sources.js";
import { checkSyncConfig, selectStreams } from "./stream-selection.js";

export { RUN_LOCK_NAME };

export interface SyncOptions {
  /** Only these systems (default: every configured one). */
  sources?: readonly string[];
  /** Only these streams, by name or `system.name` (case-insensitive). */
  streams?: readonly string[];
  /** Re-read every stream whole (also runs the delete scans). */
  fullRefresh?: boolean;
  onEvent?: SyncEventHandler;
  /** Records per committed batch (one transaction each). */
  batchRows?: number;
  /** JSON text per batch at most, whatever the record count (bounds a batch's staging tables). */
  batchBytes?: number;
  /** Records staged at once (bounds the pages a stream holds in the Node process). */
  groupRows?: number;
  /** JSON text staged at once at most, whatever the record count. */
  groupBytes?: number;
  /** Window end = run start minus this lag, so records still being written are left for next time. */
  safetyLagMs?: number;
  /**
   * The clock windows end by (default `Date.now`): a run's windows end `safetyLagMs` before its
   * start by this clock. A host whose sources keep another clock (a replayed or simulated
   * tenant) passes theirs.
   */
  now?: () => number;
  /** An open warehouse to use (long-running hosts); otherwise one is opened and closed here. */
  warehouse?: Warehouse;
  /** Streams of one system that run at once (default `STREAMS_PER_SYSTEM`). */
  streamsPerSystem?: number;
  /** Take the warehouse run lock (default true; a host already holding it passes false). */
  lock?: boolean;
  runId?: string;
  /** What started the run, for `pslink.runs` (cli, scheduler, dagster). */
  trigger?: string;
  /**
   * Stops the run at the next page of each running stream (its committed batches stay, the batch
   * it was filling is read again by the next run); streams not started yet do not start.
   */
  signal?: AbortSignal;
  /** How long adding a column to current state waits for its readers (PostgreSQL). */
  lockWait?: LockWait;
}

export interface RunSummary {
  runId: string;
  /** `cancelled`: the signal stopped streams or kept them from starting, and none failed. */
  status: "succeeded" | "failed" | "cancelled";
  startedAt: string;
  durationMs: number;
  streams: StreamRunResult[];
  /** Selected streams the signal kept from starting (the next run picks them up). */
  notStarted: number;
  /**
   * Why `pslink.runs`/`pslink.run_streams` could not record all of the run (the first error), the
   * run then `failed`. What the streams committed stays; a run row left `running` is closed by
   * the next run.
   */
  unrecorded?: unknown;
}

/**
 * Records per committed batch: one DuckDB row group. A transaction that appends whole row groups
 * to a table writes them straight to the database file; smaller ones go through the WAL, and a
 * checkpoint writes them again (`docs/benchmarks.md`). PostgreSQL gains too: the medium sandbox
 * synced in 18.8 s instead of 20.8–21.6 s with batches of 10,000.
 */
export const DEFAULT_BATCH_ROWS = 122_880;
/** 122,880 of the sandbox's Kantata time entries are 48 MB of JSON: only wider records cut a batch sooner. */
export const DEFAULT_BATCH_BYTES = 128 * 1024 * 1024;
/** 10,000 of the sandbox's Kantata time entries are 3.9 MB of JSON. */
export const DEFAULT_GROUP_ROWS = 10_000;
export const DEFAULT_GROUP_BYTES = 16 * 1024 * 1024;
export const DEFAULT_SAFETY_LAG_MS = 2_000;
/**
 * Streams of one system run two at a time (the systems side by side): an incremental run is a
 * chain of each system's streams, Kantata's nine the longest, and its small streams now run
 * beside time entries. They share the system's rate budget and request limit either way. Large
 * sandbox, the bench's incremental replayed on copies of one warehouse, five alternating pairs:
 * 2.57-2.87 s (median 2.73) one at a time, 2.44-2.78 s (median 2.51) two; full syncs no slower.
 */
export const STREAMS_PER_SYSTEM = 2;

/** Incrementally extracts the configured sources into the warehouse; one run, one summary. */
export async function syncSources(
  config: PslinkConfig,
  options: SyncOptions = {},
): Promise<RunSummary> {
  checkSyncConfig(config);
  // The caller's stop (SIGTERM), or the run lock lost (its PostgreSQL connection ended): another
  // run may take the lock then, so this one stops as if told to, keeping what it committed.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const sources = openSources(config, options.sources, { signal });
  const selected = selectStreams(config, sources, options.streams ?? []);
  const wh = options.warehouse ?? (await openWarehouse(config.warehouse, config.baseDir));
  const runId = options.runId ?? randomUUID();
  const started = Date.now();
  const lock =
    options.lock === false
      ? undefined
      : await wh
          .acquireLock(RUN_LOCK_NAME, `pslink sync ${runId} pid ${process.pid} on ${hostname()}`)
          .catch(async (error: unknown) => {
            if (!options.warehouse) await wh.close();
            throw error;
          });
  lock?.lost?.addEventListener("abort", () => stop.abort(lock.lost?.reason), { once: true });
  try {
    await migrate(wh);
    if (lock) await closeInterruptedRuns(wh, `pslink sync run ${runId}`);
    const recorder = new RunRecorder(wh, runId);
    await recorder.started("sync", options.trigger ?? "cli");
    // Once the run has started, failing bookkeeping does not end it: the streams go on, and the
    // summary says what could not be recorded.
    let unrecorded: unknown;
    const record = (write: Promise<void>) =>
      write.catch((error: unknown) => {
        unrecorded ??= error;
      });
    // Each stream's row is written in order (started, each batch, its outcome): one chain per
    // stream, so a late progress update never lands on its final row.
    const rows = new Map<string, Promise<void>>();
    const recordRow = (key: string, write: () => Promise<void>) => {
      const written = record((rows.get(key) ?? Promise.resolve()).then(write));
      rows.set(key, written);
      return written;
    };
    const onEvent = options.onEvent ?? (() => undefined);
    const context = {
      wh,
      runId,
      windowEndMs:
        Math.floor(
          ((options.now?.() ?? started) - (options.safetyLagMs ?? DEFAULT_SAFETY_LAG_MS)) / 1000,
        ) * 1000,
      fullRefresh: options.fullRefresh ?? false,
      ...batchBounds(options),
      onEvent: (event: SyncEvent) => {
        if (event.type === "stream-started")
          void recordRow(`${event.system}.${event.stream}`, () =>
            recorder.streamStarted(event.system, event.stream, event.mode),
          );
        else if (event.type === "batch-committed")
          void recordRow(`${event.system}.${event.stream}`, () => recorder.streamProgress(event));
        onEvent(event);
      },
      signal,
      lockWait: options.lockWait,
    };
    const results = await wh.bulkLoad(() =>
      Promise.all(
        selected.map(({ source, handles }) => {
          const lanes = new PQueue({ concurrency: options.streamsPerSystem ?? STREAMS_PER_SYSTEM });
          /** Set once a stream finds its system down: the system's streams left are not run. */
          let down: SystemDown | undefined;
          return lanes.addAll(
            handles.map((handle) => async () => {
              if (signal.aborted) return undefined;
              const result = down
                ? await notRunStream({ ...context, source }, handle, notRunError(down))
                : await runStream({ ...context, source }, handle);
              down ??= downSystemOf(result.error);
              await recordRow(`${result.system}.${result.stream}`, () => recorder.stream(result));
              return result;
            }),
          );
        }),
      ),
    );
    const streams = results.flat().filter((result) => result !== undefined);
    const failed = streams.filter((result) => result.status === "failed");
    const unfinished =
      selected.reduce((total, { handles }) => total + handles.length, 0) -
      streams.filter((result) => result.status !== "cancelled").length;
    const status =
      failed.length > 0 || unrecorded !== undefined
        ? "failed"
        : unfinished > 0
          ? "cancelled"
          : "succeeded";
    await record(
      recorder.finished(
        status,
        {
          streams: streams.length,
          failed: failed.map((result) => `${result.system}.${result.stream}`),
          unfinished,
          new_rows: sum(streams, "newRows"),
          changed_rows: sum(streams, "changedRows"),
          deleted_rows: sum(streams, "deletedRows"),
          quarantined_rows: sum(streams, "quarantinedRows"),
        },
        runError(failed.length, unfinished, signal, downSystems(streams), unrecorded),
      ),
    );
    return {
      runId,
      // The run's end itself may be what failed to record.
      status: unrecorded === undefined ? status : "failed",
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      streams,
      notStarted:
        selected.reduce((total, { handles }) => total + handles.length, 0) - streams.length,
      ...(unrecorded === undefined ? {} : { unrecorded }),
    };
  } finally {
    await lock?.release();
    if (!options.warehouse) await wh.close();
  }
}

function runError(
  failed: number,
  stopped: number,
  signal: AbortSignal | undefined,
  down: readonly SystemDown[],
  unrecorded: unknown,
): string | undefined {
  const problems = [
    failed > 0 ? `${failed} stream(s) failed` : "",
    ...(failed > 0 ? down.map(downText) : []),
    failed === 0 && stopped > 0
      ? `stopped before ${stopped} stream(s) finished (${stopReason(signal)})`
      : "",
    unrecorded === undefined ? "" : unrecordedText(unrecorded),
  ].filter(Boolean);
  return problems.length > 0 ? problems.join("; ") : undefined;
}

/** What a summary or `pslink.runs` says when the run's bookkeeping failed. */
export function unrecordedText(error: unknown): string {
  return `pslink.runs could not record all of this run (${describeError(error).split("\n")[0]}); what the streams committed stays`;
}

/** The systems found down in the run, once each. */
function downSystems(results: readonly StreamRunResult[]): SystemDown[] {
  const down = new Map<string, SystemDown>();
  for (const result of results) {
    const found = downSystemOf(result.error);
    if (found && !down.has(found.system)) down.set(found.system, found);
  }
  return [...down.values()];
}

function sum(
  results: readonly StreamRunResult[],
  field: "newRows" | "changedRows" | "deletedRows" | "quarantinedRows",
): number {
  return results.reduce((total, result) => total + result[field], 0);
}

/** Batch and group bounds: a group never outgrows its batch. */
function batchBounds(options: SyncOptions) {
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
  return {
    batchRows,
    batchBytes,
    groupRows: Math.min(options.groupRows ?? DEFAULT_GROUP_ROWS, batchRows),
    groupBytes: Math.min(options.groupBytes ?? DEFAULT_GROUP_BYTES, batchBytes),
  };
}
