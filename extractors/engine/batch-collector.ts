import type { Batch } from "../../loaders/batch-writer.js";
import type { Page } from "./source.js";

/**
 * Gathers pages into a bounded batch. Records stay as the source sent them, re-serialised as one
 * JSON array per page: the warehouse parses, checks and converts them in bulk at commit.
 */
export class BatchCollector {
  #pages: { body: string; watermarkMs: number | null }[] = [];
  #records = 0;

  /** Records held. */
  get size(): number {
    return this.#records;
  }

  add(page: Page): void {
    this.#pages.push({ body: JSON.stringify(page.records), watermarkMs: page.watermarkMs ?? null });
    this.#records += page.records.length;
  }

  /** Hands over the held pages as a batch and starts a new one. */
  take(): Batch {
    const batch: Batch = { pages: this.#pages, records: this.#records };
    this.#pages = [];
    this.#records = 0;
    return batch;
  }
}
