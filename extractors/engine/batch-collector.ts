import type { BatchPage, PageGroup } from "../../loaders/batch-writer.js";
import type { Page } from "./source.js";

/**
 * Gathers pages into a bounded group, staged at once. Records stay as the source sent them,
 * re-serialised as one JSON array per page: the warehouse parses, checks and converts them in bulk.
 */
export class BatchCollector {
  /** `knownFields` of the stream. */
  readonly #known: ReadonlySet<string>;
  #pages: BatchPage[] = [];
  #records = 0;
  #bytes = 0;

  constructor(known: Iterable<string>) {
    this.#known = new Set(known);
  }

  /** Records held. */
  get size(): number {
    return this.#records;
  }

  /** Length of the held pages' JSON text. */
  get bytes(): number {
    return this.#bytes;
  }

  add(page: Page): void {
    const body = JSON.stringify(page.records);
    this.#pages.push({
      body,
      watermarkMs: page.watermarkMs ?? null,
      drifts: carriesUnknownKey(page.records, this.#known),
    });
    this.#records += page.records.length;
    this.#bytes += body.length;
  }

  /** Hands over the held pages as a group and starts a new one. */
  take(): PageGroup {
    const group: PageGroup = { pages: this.#pages, records: this.#records };
    this.#pages = [];
    this.#records = 0;
    this.#bytes = 0;
    return group;
  }
}

/**
 * Whether some record of the page has a key outside `known`. Read here, where the records are
 * objects already: the warehouse then lists a record's keys only on the rare page that drifts,
 * instead of parsing every record once more for them.
 */
function carriesUnknownKey(records: readonly unknown[], known: ReadonlySet<string>): boolean {
  for (const record of records) {
    if (record === null || typeof record !== "object" || Array.isArray(record)) continue;
    for (const key of Object.keys(record)) if (!known.has(key)) return true;
  }
  return false;
}

/**
 * Splits `page` so that its head holds at most `room` records. A page whose records come oldest
 * first (no watermark of its own) gives its head that head's newest cursor; a page with a
 * watermark gives its head `deliveredMs`, the watermark reached before the page (its records need
 * not be in cursor order), and its tail the page's own.
 */
export function splitPage(page: Page, room: number, deliveredMs: number): [Page, Page | undefined] {
  if (room <= 0 || page.records.length <= room) return [page, undefined];
  const head = page.records.slice(0, room);
  const tail = page.records.slice(room);
  if (page.watermarkMs === undefined) return [{ records: head }, { records: tail }];
  return [
    { records: head, watermarkMs: deliveredMs },
    { records: tail, watermarkMs: page.watermarkMs },
  ];
}
