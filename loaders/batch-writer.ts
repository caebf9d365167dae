import type { StreamDefinition } from "../extractors/engine/define-stream.js";
import {
  type BadRecord,
  newFieldDrift,
  RecordExplainer,
} from "../extractors/engine/explain-records.js";
import type { ExtractWindow } from "../extractors/engine/source.js";
import { sqlTimestamp } from "../extractors/engine/timestamps.js";
import { type HeldSession, holdSession } from "../warehouse/held-session.js";
import type { SqlExecutor, Warehouse } from "../warehouse/warehouse.js";
import type { LandingLayout } from "./landing-layout.js";
import { type MergeSql, mergeSql } from "./merge-sql.js";
import { quarantineRecords, resolveQuarantined } from "./quarantine-store.js";
import { type DriftField, recordDrift } from "./schema-drift-store.js";
import { type GroupForms, type ShredOptions, type ShredSql, shredSql } from "./shred-sql.js";
import {
  PAGE_COLUMNS,
  pageRows,
  pagesTable,
  type StagingTable,
  stagingTable,
} from "./staging-table.js";
import { type StreamCursor, writeStreamState } from "./stream-state-store.js";

/**
 * One page of a batch: the response as received with where the page's records sit in it (its
 * stream's `RecordsAt`), or its records as one JSON array.
 */
export interface BatchPage {
  readonly body: string;
  /**
   * The records' positions (from 0) in the body's list or their keys in its map, as a JSON array;
   * null: `body` is the records' array.
   */
  readonly positions: string | null;
  /** Everything modified before this instant has been delivered (else: the page's newest cursor). */
  readonly watermarkMs: number | null;
  /** Some record carries a field the stream neither declares nor ignores. */
  readonly drifts: boolean;
  /**
   * Every record is an object whose declared fields hold their declared kinds (or null or
   * nothing where allowed): the warehouse need not test each field's JSON type.
   */
  readonly checked: boolean;
  /**
   * Every date-time of the page's records is in a form the warehouse casts without testing it
   * first (`castsAsIs`). Asked only by PostgreSQL, which has no `try_cast`; false where
   * not asked.
   */
  readonly castable: boolean;
  /**
   * Why the page's one record is set aside: JSON a warehouse refuses, staged in a form it stores
   * (`extractors/engine/storable-json.ts`) and quarantined. Null for every other page.
   */
  readonly setAside: string | null;
}

/**
 * Pages staged together, in extraction order: the most JSON the Node process holds for a stream
 * at once. A batch (one transaction) lands one or more groups.
 */
export interface PageGroup {
  readonly pages: readonly BatchPage[];
  readonly records: number;
  /** Length of the pages' text. */
  readonly bytes: number;
}

export interface BatchOutcome {
  newRows: number;
  changedRows: number;
  quarantinedRows: number;
  /** Drift first met in this batch. */
  drift: DriftField[];
  /** The cursor committed with the batch. */
  cursor: StreamCursor;
}

/** The forms of page `pages` hold, which are all its shredding statement needs to read. */
export function groupForms(pages: readonly BatchPage[]): GroupForms {
  return {
    arrays: pages.some((page) => page.positions === null),
    received: pages.some((page) => page.positions !== null),
    checked: pages.some((page) => page.checked),
    unchecked: pages.some((page) => !page.checked),
  };
}

/** What staging a batch found, carried into the transaction that lands it. */
interface StagedBatch {
  readonly records: number;
  readonly good: number;
  readonly bad: readonly BadRecord[];
  /** Undeclared fields, each with one record carrying it. */
  readonly undeclared: readonly { field: string; record: string }[];
  /** Newest cursor (epoch ms) of each page, by page number. */
  readonly newestCursor: ReadonlyMap<number, unknown>;
}

/** The steps of a batch, run by `OpenBatch` on its held connection. */
interface BatchSteps {
  /** Stages a group whose first page is the batch's `firstPage`th (0: the batch's first group). */
  stage(tx: SqlExecutor, group: PageGroup, firstPage: number): Promise<void>;
  /** Checks the whole staged batch (temporary tables only). */
  summarize(tx: SqlExecutor): Promise<StagedBatch>;
  /** Lands the staged batch; `watermarks` holds each page's, by page number. */
  land(
    tx: SqlExecutor,
    watermarks: readonly (number | null)[],
    staged: StagedBatch,
  ): Promise<BatchOutcome>;
  /** Empties the staging tables. */
  clear(tx: SqlExecutor): Promise<void>;
}

export interface BatchWriterOptions extends ShredOptions {
  readonly runId: string;
  readonly stream: StreamDefinition;
  /** Cursor state before the run and the window being read: the watermark stays inside it. */
  readonly state: StreamCursor;
  readonly window: ExtractWindow;
  /** Current-state columns of fields no longer declared: null in a row that changes. */
  readonly retiredColumns: readonly string[];
  /** Log the batches' keys as seen by the running delete scan. */
  readonly scanning: boolean;
}

/**
 * Commits batches of one stream. A batch is staged group by group as its pages arrive, each
 * group in its own scratch transaction (temporary tables only) that shreds and checks its
 * records in the warehouse; then ONE transaction appends raw, merges current state, quarantines
 * bad records and advances the cursor, so a crash at any instant leaves either all of a batch or
 * none of it.
 */
export class BatchWriter {
  readonly #wh: Warehouse;
  readonly #layout: LandingLayout;
  readonly #options: BatchWriterOptions;
  readonly #pages: StagingTable;
  readonly #stage: StagingTable;
  readonly #shred: ShredSql;
  readonly #sql: MergeSql;
  readonly #explainer: RecordExplainer;
  readonly #steps: BatchSteps;
  /** Undeclared fields met so far, by name; drift already recorded, by change and field. */
  readonly #newFields = new Map<string, DriftField>();
  readonly #reported = new Set<string>();
  #watermark: number | null;
  #hasOpenQuarantine: boolean | undefined;

  constructor(wh: Warehouse, layout: LandingLayout, options: BatchWriterOptions) {
    this.#wh = wh;
    this.#layout = layout;
    this.#options = options;
    this.#pages = pagesTable(wh, layout);
    this.#stage = stagingTable(wh, layout);
    this.#shred = shredSql(wh, layout, options.stream, this.#pages.sql, this.#stage.sql, options);
    this.#sql = mergeSql(wh, layout, this.#stage.sql, options.retiredColumns);
    this.#explainer = new RecordExplainer(options.stream);
    this.#watermark = options.state.cursorMs;
    this.#steps = {
      stage: (tx, group, firstPage) => this.#stageGroup(tx, group, firstPage),
      summarize: (tx) => this.#summarize(tx),
      land: (tx, watermarks, staged) => this.#landBatch(tx, watermarks, staged),
      clear: async (tx) => {
        await this.#pages.clear(tx);
        await this.#stage.clear(tx);
      },
    };
  }

  /**
   * Starts a batch. It holds one connection (its staging tables are that connection's) until it
   * lands or is abandoned.
   */
  open(): OpenBatch {
    return new OpenBatch(holdSession(this.#wh), this.#steps);
  }

  async #stageGroup(tx: SqlExecutor, group: PageGroup, firstPage: number): Promise<void> {
    await this.#pages.reset(tx);
    await tx.append(this.#pages.target, PAGE_COLUMNS, pageRows(group.pages, firstPage));
    if (firstPage === 0) await this.#stage.reset(tx);
    await tx.execute(this.#shred.shred(groupForms(group.pages)));
  }

  async #summarize(tx: SqlExecutor): Promise<StagedBatch> {
    const [summary] = await tx.query<{
      records: unknown;
      bad: unknown;
      drifting: unknown;
      duplicates: unknown;
    }>(this.#shred.summary);
    if (Number(summary?.duplicates ?? 0) > 0) await tx.execute(this.#shred.dedupe);
    const records = Number(summary?.records ?? 0);
    const badCount = Number(summary?.bad ?? 0);
    const pageCursors = await tx.query<{ page: unknown; cursor_ms: unknown }>(
      this.#shred.pageCursors,
    );
    return {
      records,
      good: records - badCount,
      bad: badCount > 0 ? await this.#explainBad(tx) : [],
      undeclared:
        Number(summary?.drifting ?? 0) > 0
          ? await tx.query<{ field: string; record: string }>(this.#shred.undeclaredFields)
          : [],
      newestCursor: new Map(pageCursors.map((row) => [Number(row.page), row.cursor_ms])),
    };
  }

  async #landBatch(
    tx: SqlExecutor,
    watermarks: readonly (number | null)[],
    staged: StagedBatch,
  ): Promise<BatchOutcome> {
    const now = sqlTimestamp(Date.now());
    const outcome: BatchOutcome = {
      newRows: 0,
      changedRows: 0,
      quarantinedRows: 0,
      drift: [],
      cursor: { cursorMs: null, lastScanMs: this.#options.state.lastScanMs },
    };
    if (staged.good > 0) await this.#merge(tx, outcome, now);
    if (staged.bad.length > 0) {
      this.#hasOpenQuarantine = true;
      outcome.quarantinedRows = await quarantineRecords(
        tx,
        this.#wh,
        this.#layout,
        this.#options.runId,
        staged.bad,
        now,
      );
    }
    if (staged.good > 0 && (await this.#quarantineOpen(tx))) {
      const runId = this.#options.runId;
      await resolveQuarantined(tx, this.#wh, this.#layout, this.#stage.sql, runId, now);
    }
    if (this.#options.scanning && staged.records > 0) {
      // Quarantined keys still exist at the source: a delete scan must not soft-delete them.
      await tx.execute(
        `insert into ${this.#wh.qualified(this.#layout.seen)} (_pslink_run_id, _pslink_key)
         select distinct cast($1 as ${this.#wh.sqlType("text")}), _pslink_key from ${this.#stage.sql}
         where _pslink_key is not null`,
        [this.#options.runId],
      );
    }
    for (const row of staged.undeclared) {
      if (!this.#newFields.has(row.field))
        this.#newFields.set(row.field, newFieldDrift(row.field, row.record));
    }
    outcome.drift = this.#newDrift();
    if (outcome.drift.length > 0)
      await recordDrift(tx, this.#wh, this.#layout, this.#options.runId, outcome.drift, now);
    outcome.cursor = {
      ...outcome.cursor,
      cursorMs: this.#advance(watermarks, staged.newestCursor),
    };
    await writeStreamState(tx, this.#wh, this.#layout, outcome.cursor, this.#options.runId, now);
    return outcome;
  }

  async #merge(tx: SqlExecutor, outcome: BatchOutcome, now: string): Promise<void> {
    const runId = this.#options.runId;
    await tx.execute(this.#sql.classify);
    const [row] = await tx.query<{ new_rows: unknown; changed_rows: unknown; raw_rows: unknown }>(
      this.#sql.counts,
    );
    outcome.newRows = Number(row?.new_rows ?? 0);
    outcome.changedRows = Number(row?.changed_rows ?? 0);
    // Statements with nothing to do are skipped: each would still scan a table.
    if (Number(row?.raw_rows ?? 0) > 0) await tx.execute(this.#sql.appendRaw, [runId, now]);
    const { update, retire, insert } = this.#sql;
    const changed = outcome.changedRows > 0;
    if (changed && update) await tx.execute(update, [now, runId]);
    if (changed && retire) await tx.execute(retire);
    if (outcome.newRows > 0 || (changed && retire)) await tx.execute(insert, [now, runId]);
  }

  async #explainBad(tx: SqlExecutor): Promise<BadRecord[]> {
    const rows = await tx.query<{
      key: string | null;
      hash: string;
      record: string;
      problem: string | null;
      set_aside: string | null;
    }>(this.#shred.badRecords);
    return rows.map((row) =>
      this.#explainer.explain({
        key: row.key,
        hash: row.hash,
        json: row.record,
        problem: row.problem,
        setAside: row.set_aside,
      }),
    );
  }

  /** Drift met so far and not yet recorded: new fields first, then type changes. */
  #newDrift(): DriftField[] {
    const drift: DriftField[] = [];
    for (const found of [...this.#newFields.values(), ...this.#explainer.typeChanges.values()]) {
      const id = `${found.change}:${found.field}`;
      if (this.#reported.has(id)) continue;
      this.#reported.add(id);
      drift.push(found);
    }
    return drift;
  }

  /** The cursor after this batch: each page's watermark, never past the window end, never back. */
  #advance(
    watermarks: readonly (number | null)[],
    newestCursor: ReadonlyMap<number, unknown>,
  ): number | null {
    watermarks.forEach((watermarkMs, page) => {
      const cursorMs = newestCursor.get(page);
      const reached =
        watermarkMs ?? (cursorMs === null || cursorMs === undefined ? null : Number(cursorMs));
      if (reached === null) return;
      const clamped = Math.min(reached, this.#options.window.toMs);
      this.#watermark = Math.max(this.#watermark ?? clamped, clamped);
    });
    return this.#watermark;
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
}

/**
 * A batch being staged: its groups stage one after another on the batch's held connection while
 * the stream fetches the next pages, and `land` commits them all in one transaction.
 */
export class OpenBatch {
  readonly #held: HeldSession;
  readonly #steps: BatchSteps;
  /** Each staged page's watermark, by page number within the batch. */
  readonly #watermarks: (number | null)[] = [];
  #staging: Promise<void> = Promise.resolve();
  #records = 0;
  #bytes = 0;

  constructor(held: HeldSession, steps: BatchSteps) {
    this.#held = held;
    this.#steps = steps;
  }

  /** Records staged or staging. */
  get records(): number {
    return this.#records;
  }

  /** Length of the staged groups' text. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Starts staging `group` once the group before it has staged (so the caller holds at most one
   * group while another stages); throws when an earlier group failed to stage.
   */
  async stage(group: PageGroup): Promise<void> {
    await this.#staging;
    const firstPage = this.#watermarks.length;
    for (const page of group.pages) this.#watermarks.push(page.watermarkMs);
    this.#bytes += group.bytes;
    this.#records += group.records;
    const staging = this.#held.session.then((session) =>
      session.scratchTransaction((tx) => this.#steps.stage(tx, group, firstPage)),
    );
    // A failure surfaces at the next `stage` or at `land`.
    staging.catch(() => undefined);
    this.#staging = staging;
  }

  /**
   * Lands the staged groups in one transaction (the stream's batch before it has landed), then
   * gives the connection back.
   */
  async land(): Promise<BatchOutcome> {
    try {
      await this.#staging;
      const session = await this.#held.session;
      const staged = await session.scratchTransaction((tx) => this.#steps.summarize(tx));
      return await session.transaction((tx) => this.#steps.land(tx, this.#watermarks, staged));
    } finally {
      await this.#free();
    }
  }

  /** Gives the connection back without landing (the stream failed or stopped). */
  async abandon(): Promise<void> {
    await this.#staging.catch(() => undefined);
    await this.#free();
  }

  /**
   * Empties the staging tables (DuckDB keeps an in-memory table's rows until it is dropped, and
   * each connection has its own) and gives the connection back. Should emptying fail, the rows
   * wait for the connection's next batch to replace them: nothing is lost.
   */
  async #free(): Promise<void> {
    await this.#held.session
      .then((session) => session.scratchTransaction((tx) => this.#steps.clear(tx)))
      .catch(() => undefined);
    await this.#held.release();
  }
}
