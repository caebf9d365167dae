import type { Batch } from "../../loaders/batch-writer.js";
import type { DriftField } from "../../loaders/schema-drift-store.js";
import type { StreamCursor } from "../../loaders/stream-state-store.js";
import { type BadRecord, type GoodRecord, RecordPreparer } from "./prepare-records.js";
import type { ExtractWindow, Page, StreamHandle } from "./source.js";

/**
 * Gathers pages into a bounded batch: validates each record, keeps one version per key (latest
 * by cursor, then extraction order), and tracks the cursor watermark the batch may commit.
 */
export class BatchCollector {
  readonly #preparer: RecordPreparer;
  readonly #window: ExtractWindow;
  readonly #reported = new Set<string>();
  #good = new Map<string, GoodRecord>();
  #bad: BadRecord[] = [];
  #watermark: number | null;
  readonly #lastScanMs: number | null;

  readonly #scanning: boolean;

  /** `scanning`: the batches' keys are logged for the running delete scan. */
  constructor(
    handle: StreamHandle,
    state: StreamCursor,
    window: ExtractWindow,
    scanning = window.full,
  ) {
    this.#scanning = scanning;
    this.#preparer = new RecordPreparer(handle.definition, {
      ignoredFields: handle.ignoredFields,
      timeZone: handle.timeZone,
    });
    this.#window = window;
    this.#watermark = state.cursorMs;
    this.#lastScanMs = state.lastScanMs;
  }

  /** Records held (good and bad). */
  get size(): number {
    return this.#good.size + this.#bad.length;
  }

  add(page: Page): void {
    let pageMax: number | null = null;
    for (const raw of page.records) {
      const record = this.#preparer.prepare(raw);
      if (record.cursorMs !== null) pageMax = Math.max(pageMax ?? record.cursorMs, record.cursorMs);
      if (record.kind === "bad") {
        this.#bad.push(record);
        continue;
      }
      const held = this.#good.get(record.key);
      if (
        !held ||
        held.cursorMs === null ||
        record.cursorMs === null ||
        record.cursorMs >= held.cursorMs
      ) {
        this.#good.set(record.key, record);
      }
    }
    const reached = page.watermarkMs ?? pageMax;
    if (reached !== null && reached !== undefined) {
      // Never past the window end, never backwards.
      const clamped = Math.min(reached, this.#window.toMs);
      this.#watermark = Math.max(this.#watermark ?? clamped, clamped);
    }
  }

  /** Hands over the held records as a batch and starts a new one. */
  take(): Batch {
    const drift: DriftField[] = [];
    for (const [id, found] of this.#preparer.drift) {
      if (this.#reported.has(id)) continue;
      this.#reported.add(id);
      drift.push(found);
    }
    const batch: Batch = {
      good: [...this.#good.values()],
      bad: this.#bad,
      drift,
      cursor: { cursorMs: this.#watermark, lastScanMs: this.#lastScanMs },
      scanning: this.#scanning,
    };
    this.#good = new Map();
    this.#bad = [];
    return batch;
  }
}
