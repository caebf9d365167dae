import type { BadRecord, GoodRecord } from "../extractors/engine/prepare-records.js";
import { sqlTimestamp } from "../extractors/engine/timestamps.js";
import type { SqlExecutor, Warehouse } from "../warehouse/warehouse.js";
import type { LandingLayout } from "./landing-layout.js";
import { type MergeSql, mergeSql } from "./merge-sql.js";
import { quarantineRecords, resolveQuarantined } from "./quarantine-store.js";
import { type DriftField, recordDrift } from "./schema-drift-store.js";
import { type StagingTable, stagingTable } from "./staging-table.js";
import { type StreamCursor, writeStreamState } from "./stream-state-store.js";

/** One bounded batch of a stream, already validated and deduplicated by key. */
export interface Batch {
  readonly good: readonly GoodRecord[];
  readonly bad: readonly BadRecord[];
  readonly drift: readonly DriftField[];
  /** The cursor to commit with this batch (never past the window end). */
  readonly cursor: StreamCursor;
  /** Record the batch's keys as seen by the running delete scan. */
  readonly scanning: boolean;
}

export interface BatchCounts {
  newRows: number;
  changedRows: number;
  quarantinedRows: number;
}

/**
 * Commits batches of one stream: per batch ONE transaction appends raw, merges current state
 * (bulk-append to staging, then set-based statements), quarantines bad records and advances the
 * cursor, so a crash at any instant leaves either all of a batch or none of it.
 */
export class BatchWriter {
  readonly #wh: Warehouse;
  readonly #layout: LandingLayout;
  readonly #runId: string;
  readonly #sql: MergeSql;
  readonly #stage: StagingTable;
  #hasOpenQuarantine: boolean | undefined;

  constructor(wh: Warehouse, layout: LandingLayout, runId: string) {
    this.#wh = wh;
    this.#layout = layout;
    this.#runId = runId;
    this.#stage = stagingTable(wh, layout);
    this.#sql = mergeSql(wh, layout, this.#stage.sql);
  }

  async commit(batch: Batch): Promise<BatchCounts> {
    const now = sqlTimestamp(Date.now());
    return this.#wh.transaction(async (tx) => {
      const counts: BatchCounts = { newRows: 0, changedRows: 0, quarantinedRows: 0 };
      if (batch.good.length > 0) {
        await this.#stageRecords(tx, batch.good);
        await tx.execute(this.#sql.classify);
        const [row] = await tx.query<{
          new_rows: unknown;
          changed_rows: unknown;
          raw_rows: unknown;
        }>(this.#sql.counts);
        counts.newRows = Number(row?.new_rows ?? 0);
        counts.changedRows = Number(row?.changed_rows ?? 0);
        // Statements with nothing to do are skipped: each would still scan a table.
        if (Number(row?.raw_rows ?? 0) > 0)
          await tx.execute(this.#sql.appendRaw, [this.#runId, now]);
        if (counts.changedRows > 0) await tx.execute(this.#sql.update, [now, this.#runId]);
        if (counts.newRows > 0) await tx.execute(this.#sql.insert, [now, this.#runId]);
        if (await this.#quarantineOpen(tx)) {
          await resolveQuarantined(tx, this.#wh, this.#layout, this.#stage.sql, this.#runId, now);
        }
        if (batch.scanning) {
          await tx.execute(
            `insert into ${this.#wh.qualified(this.#layout.seen)} (_pslink_run_id, _pslink_key) select cast($1 as ${this.#wh.sqlType("text")}), _pslink_key from ${this.#stage.sql}`,
            [this.#runId],
          );
        }
      }
      if (batch.bad.length > 0) {
        this.#hasOpenQuarantine = true;
        counts.quarantinedRows = await quarantineRecords(
          tx,
          this.#wh,
          this.#layout,
          this.#runId,
          batch.bad,
          now,
        );
        if (batch.scanning) await this.#markSeen(tx, batch.bad);
      }
      if (batch.drift.length > 0)
        await recordDrift(tx, this.#wh, this.#layout, this.#runId, batch.drift, now);
      await writeStreamState(tx, this.#wh, this.#layout, batch.cursor, this.#runId, now);
      return counts;
    });
  }

  /**
   * Whether the stream may have open quarantine rows for a landed key to resolve; asked once per
   * stream run (only this run writes the stream's quarantine rows while it holds the run lock).
   */
  async #quarantineOpen(tx: SqlExecutor): Promise<boolean> {
    if (this.#hasOpenQuarantine === undefined) {
      const [row] = await tx.query<{ open: unknown }>(
        "select count(*) as open from pslink.quarantine where source = $1 and stream = $2 and resolved_at is null",
        [this.#layout.system, this.#layout.stream],
      );
      this.#hasOpenQuarantine = Number(row?.open ?? 0) > 0;
    }
    return this.#hasOpenQuarantine;
  }

  async #stageRecords(tx: SqlExecutor, records: readonly GoodRecord[]): Promise<void> {
    await this.#stage.reset(tx);
    await tx.append(this.#stage.target, this.#layout.stageColumns, stageRows(records));
  }

  /** Quarantined keys still exist at the source: a delete scan must not soft-delete them. */
  async #markSeen(tx: SqlExecutor, bad: readonly BadRecord[]): Promise<void> {
    const rows = bad.flatMap((record) => (record.key === null ? [] : [[this.#runId, record.key]]));
    if (rows.length === 0) return;
    await tx.append(
      this.#layout.seen,
      [
        { name: "_pslink_run_id", type: "text" },
        { name: "_pslink_key", type: "text" },
      ],
      rows,
    );
  }
}

function* stageRows(records: readonly GoodRecord[]): Iterable<readonly unknown[]> {
  for (const record of records) {
    yield [
      record.key,
      ...record.values,
      record.hash,
      record.cursorMs === null ? null : sqlTimestamp(record.cursorMs),
      record.json,
    ];
  }
}
