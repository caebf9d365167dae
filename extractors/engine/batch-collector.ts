import type { BatchPage, PageGroup } from "../../loaders/batch-writer.js";
import type { DeclaredKind } from "./define-stream.js";
import type { Page, PageText } from "./source.js";

/**
 * Gathers pages into a bounded group, staged at once. Records stay as the source sent them: the
 * warehouse parses, checks and converts them in bulk from the response text as received (with
 * the positions of the page's records in it), or, for a page without one, from its records
 * serialised again as one JSON array. So does a page holding less than half of its response's
 * records (a response far larger than a batch, cut into many pieces): the warehouse then never
 * reads one response more than twice.
 */
export class BatchCollector {
  /** `knownFields` of the stream. */
  readonly #known: ReadonlySet<string>;
  /** `declaredKinds` of the stream. */
  readonly #kinds: readonly DeclaredKind[];
  #pages: BatchPage[] = [];
  #records = 0;
  #bytes = 0;

  constructor(known: Iterable<string>, kinds: readonly DeclaredKind[]) {
    this.#known = new Set(known);
    this.#kinds = kinds;
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
    const received = page.text && asReceived(page.text, page.records);
    const body = received?.body ?? JSON.stringify(page.records);
    this.#pages.push({
      body,
      positions: received?.positions ?? null,
      watermarkMs: page.watermarkMs ?? null,
      drifts: carriesUnknownKey(page.records, this.#known),
      checked: holdDeclaredKinds(page.records, this.#kinds),
    });
    this.#records += page.records.length;
    this.#bytes += body.length;
  }

  /** Hands over the held pages as a group and starts a new one. */
  take(): PageGroup {
    const group: PageGroup = { pages: this.#pages, records: this.#records, bytes: this.#bytes };
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
 * Whether every record of the page is an object whose declared fields each hold their kind, or
 * null or nothing where the field allows it. Read here too, where the records are objects
 * already: the warehouse then converts and checks those records' values without testing each
 * field's JSON type again. Any other page (one bad record is enough) takes the tested path.
 */
function holdDeclaredKinds(records: readonly unknown[], kinds: readonly DeclaredKind[]): boolean {
  for (const record of records) {
    if (record === null || typeof record !== "object" || Array.isArray(record)) return false;
    for (const field of kinds) {
      const value = (record as Record<string, unknown>)[field.name];
      if (value === undefined) {
        if (!field.acceptsAbsent) return false;
      } else if (value === null) {
        if (!field.acceptsNull) return false;
      } else if (field.kind !== "any" && typeof value !== field.kind) return false;
    }
  }
  return true;
}

/**
 * `records` staged as the response `text` they came in: its body, with where each record sits in
 * it (its position in the body's list, or its key in the body's map; `text` holds them in the
 * same order). Undefined when one is not there, or when they are less than half of the response.
 */
function asReceived(
  text: PageText,
  records: readonly unknown[],
): { body: string; positions: string } | undefined {
  if (records.length * 2 < text.records.length) return undefined;
  const positions: (number | string)[] = [];
  let at = 0;
  for (const record of records) {
    while (at < text.records.length && text.records[at] !== record) at++;
    if (at === text.records.length) return undefined;
    positions.push(text.keys?.[at] ?? at);
    at++;
  }
  return { body: text.body, positions: JSON.stringify(positions) };
}

/**
 * Splits `page` so that its head holds at most `room` records. A page whose records come oldest
 * first (no watermark of its own) gives its head that head's newest cursor; a page with a
 * watermark gives its head `deliveredMs`, the watermark reached before the page (its records need
 * not be in cursor order), and its tail the page's own.
 */
export function splitPage(page: Page, room: number, deliveredMs: number): [Page, Page | undefined] {
  if (room <= 0 || page.records.length <= room) return [page, undefined];
  const { text } = page;
  const head = page.records.slice(0, room);
  const tail = page.records.slice(room);
  if (page.watermarkMs === undefined)
    return [
      { records: head, text },
      { records: tail, text },
    ];
  return [
    { records: head, watermarkMs: deliveredMs, text },
    { records: tail, watermarkMs: page.watermarkMs, text },
  ];
}
