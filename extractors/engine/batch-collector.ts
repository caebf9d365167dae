import type { BatchPage, PageGroup } from "../../loaders/batch-writer.js";
import { castsAsIs } from "../../warehouse/json-sql.js";
import type { DeclaredKind } from "./define-stream.js";
import { memberSpans, recordSpans, type Span } from "./response-spans.js";
import type { Page, PageText, RecordsAt } from "./source.js";
import { type JsonRefusals, maySetAside, setAside } from "./storable-json.js";

/** What a response's text tells, read once however many pieces its records are cut into. */
interface ReadText {
  /** It may hold JSON a warehouse refuses (`storable-json.ts`). */
  readonly suspect: boolean;
  /** Where each of its records sits in it, once a piece needs them. */
  spans?: readonly (Span | undefined)[];
}

export interface BatchCollectorOptions {
  /** `knownFields` of the stream. */
  readonly known: Iterable<string>;
  /** `declaredKinds` of the stream. */
  readonly kinds: readonly DeclaredKind[];
  /** Where the stream's records sit in a response (no texts to cut out without it). */
  readonly at?: RecordsAt;
  /**
   * The most records a response may hold and still be staged whole for each of its pieces
   * (default: no limit). Cutting costs a scan of the response in JavaScript (jsonc-parser,
   * ~27 MB/s: 10 ms for a 1,000-row NetSuite page) where the warehouse reads it in ~1.5 ms, so
   * staging it whole for each piece costs less until a response spans several batches.
   */
  readonly cutAbove?: number;
  /** What the warehouse refuses of JSON that JavaScript reads (`JSON_REFUSALS`). */
  readonly refuses: JsonRefusals;
  /**
   * Whether the warehouse wants to know which pages hold only date-times it casts without a
   * test (`BatchPage.castable`): PostgreSQL, which has no `try_cast`.
   */
  readonly castsDateTimes?: boolean;
}

/**
 * Gathers pages into a bounded group, staged at once. Records stay as the source sent them: the
 * warehouse parses, checks and converts them in bulk from the response text as received, so a
 * record's text, hash and raw version do not depend on where batch boundaries fall. A page, or a
 * piece of one a batch boundary cut, is staged as its response with the positions of its records
 * in it. Only a response holding more than `cutAbove` records (far larger than a batch, so cut
 * into many pieces) has its small pieces staged as their records' own texts cut out of it, so
 * the warehouse does not read it once per piece. A record not in its response's text (a Kantata
 * result pointing at no record) is staged as its JSON, and one a warehouse would refuse is set
 * aside alone, to be quarantined.
 */
export class BatchCollector {
  readonly #known: ReadonlySet<string>;
  readonly #kinds: readonly DeclaredKind[];
  readonly #at: RecordsAt | undefined;
  readonly #cutAbove: number;
  readonly #refuses: JsonRefusals;
  /** The date-time fields whose texts `castable` reads; undefined when not asked. */
  readonly #dateTimes: readonly string[] | undefined;
  readonly #texts = new WeakMap<PageText, ReadText>();
  #pages: BatchPage[] = [];
  #records = 0;
  #bytes = 0;

  constructor(options: BatchCollectorOptions) {
    this.#known = new Set(options.known);
    this.#kinds = options.kinds;
    this.#at = options.at;
    this.#cutAbove = options.cutAbove ?? Number.POSITIVE_INFINITY;
    this.#refuses = options.refuses;
    this.#dateTimes = options.castsDateTimes
      ? options.kinds.filter((field) => field.dateTime).map((field) => field.name)
      : undefined;
  }

  /** Records held. */
  get size(): number {
    return this.#records;
  }

  /** Length of the held pages' JSON text. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Holds a page, or a piece of one, for the next group. */
  add(page: Page): void {
    const { records, text } = page;
    const read = text && this.#read(text);
    const indexes = text && indexesIn(text, records);
    if (
      text &&
      !read?.suspect &&
      indexes?.every((index) => index !== undefined) &&
      (text.records.length <= this.#cutAbove || records.length * 2 >= text.records.length)
    ) {
      const positions = indexes.map((index) => text.keys?.[index] ?? index);
      this.#push(page, records, text.body, JSON.stringify(positions), null);
      return;
    }
    const spans = text && read && this.#spansOf(text, read);
    let run: { records: unknown[]; texts: string[] } = { records: [], texts: [] };
    const flush = () => {
      if (run.records.length > 0)
        this.#push(page, run.records, `[${run.texts.join(",")}]`, null, null);
      run = { records: [], texts: [] };
    };
    records.forEach((record, i) => {
      const index = indexes?.[i];
      const span = index === undefined ? undefined : spans?.[index];
      const json = span && text ? text.body.slice(...span) : (JSON.stringify(record) ?? "null");
      const aside = (span ? read?.suspect : maySetAside(json, this.#refuses))
        ? setAside(json, this.#refuses)
        : undefined;
      if (aside === undefined) {
        run.records.push(record);
        run.texts.push(json);
        return;
      }
      flush();
      const fields = [...memberSpans(json)]
        .filter(([, at]) => setAside(json.slice(...at), this.#refuses) !== undefined)
        .map(([field]) => field);
      const where = fields.length > 0 ? `${fields.join(", ")}: ` : "";
      this.#push(page, [record], `[${aside.json}]`, null, where + aside.reason);
    });
    flush();
  }

  /** Hands over the held pages as a group and starts a new one. */
  take(): PageGroup {
    const group: PageGroup = { pages: this.#pages, records: this.#records, bytes: this.#bytes };
    this.#pages = [];
    this.#records = 0;
    this.#bytes = 0;
    return group;
  }

  #read(text: PageText): ReadText {
    let read = this.#texts.get(text);
    if (read === undefined) {
      read = { suspect: maySetAside(text.body, this.#refuses) };
      this.#texts.set(text, read);
    }
    return read;
  }

  /** Where each record of `text` sits in it, found once however many pieces need it. */
  #spansOf(text: PageText, read: ReadText): readonly (Span | undefined)[] {
    if (read.spans === undefined) read.spans = this.#at ? recordSpans(text, this.#at) : [];
    return read.spans;
  }

  /** Holds `records` of `page` as one staged page: `body` and where they sit in it. */
  #push(
    page: Page,
    records: readonly unknown[],
    body: string,
    positions: string | null,
    setAside: string | null,
  ): void {
    this.#pages.push({
      body,
      positions,
      watermarkMs: page.watermarkMs ?? null,
      drifts: carriesUnknownKey(records, this.#known),
      checked: setAside === null && holdDeclaredKinds(records, this.#kinds),
      setAside,
      castable:
        this.#dateTimes !== undefined &&
        setAside === null &&
        holdCastableDateTimes(records, this.#dateTimes),
    });
    this.#records += records.length;
    this.#bytes += body.length;
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
 * Whether every text the records hold in the `dateTimes` fields has a form the warehouse casts
 * as it is (`castsAsIs`). Values of other kinds are the warehouse's to refuse: its
 * date-time reading takes only strings.
 */
function holdCastableDateTimes(records: readonly unknown[], dateTimes: readonly string[]): boolean {
  for (const record of records) {
    if (record === null || typeof record !== "object") continue;
    for (const field of dateTimes) {
      const value = (record as Record<string, unknown>)[field];
      if (typeof value === "string" && !castsAsIs(value)) return false;
    }
  }
  return true;
}

/**
 * Where each of `records` sits in `text.records` (they are some of them, as the same objects, in
 * the same order); undefined for one that is not there.
 */
function indexesIn(text: PageText, records: readonly unknown[]): (number | undefined)[] {
  const indexes: (number | undefined)[] = [];
  let at = 0;
  for (const record of records) {
    let found = at;
    while (found < text.records.length && text.records[found] !== record) found++;
    if (found === text.records.length) {
      indexes.push(undefined);
      continue;
    }
    indexes.push(found);
    at = found + 1;
  }
  return indexes;
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
