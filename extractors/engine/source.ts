import type { SystemName } from "../../sandbox/world/types.js";
import type { StreamDefinition } from "./define-stream.js";

/** A closed extraction window `[fromMs, toMs)`; `full` means a whole-stream (key) scan. */
export interface ExtractWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly full: boolean;
}

/** Counters a stream's HTTP traffic adds to (reported in `pslink.run_streams`). */
export interface StreamMetrics {
  requests: number;
  pages: number;
}

/** One page of records as the source sent them. */
export interface Page {
  readonly records: readonly unknown[];
  /**
   * Everything modified before this instant has now been delivered. Omitted when records come
   * oldest first, where the newest record's cursor is the watermark.
   */
  readonly watermarkMs?: number;
  /** The response the records came in, for the warehouse to read them from as received. */
  readonly text?: PageText;
}

/**
 * A response body as received, with the records its stream's `RecordsAt` reads from it. A page's
 * records are some of these (as the same objects), in the same order: paging may drop records
 * already delivered, and a page may be split between batches.
 */
export interface PageText {
  readonly body: string;
  /** In the order of the body's list; for a map, in the order the source lists them. */
  readonly records: readonly unknown[];
  /** For a map, each record's key in it. */
  readonly keys?: readonly string[];
}

/**
 * Where a stream's records sit in a response body, as data the warehouse reads: the elements of
 * the list at `array`, or the values of the object at `map` (Kantata's maps of records by id,
 * which `results` lists).
 */
export type RecordsAt = { readonly array: string } | { readonly map: string };

/** A stream bound to its system's defaults (base URL, auth, paginator, error handling). */
export interface StreamHandle {
  readonly system: SystemName;
  readonly definition: StreamDefinition;
  /** Envelope fields the system adds to every record (not drift): Salesforce `attributes`. */
  readonly ignoredFields?: readonly string[];
  /** Zone the system's local timestamps are written in (NetSuite's account time zone). */
  readonly timeZone?: string;
  /** Where the records sit in the bodies its pages' `text` holds. */
  readonly recordsAt?: RecordsAt;
  /** The source cannot filter by cursor (e.g. Workday REST): every run reads the whole stream. */
  readonly fullScanOnly?: boolean;
  /** Records modified in the window, oldest first, a page at a time. */
  pages(window: ExtractWindow, metrics: StreamMetrics): AsyncIterable<Page>;
  /** Systems with a delete feed: keys deleted in the window, when the feed reaches back that far. */
  readonly deletes?: DeleteFeed;
}

export interface DeleteFeed {
  /** How far back the feed keeps history (ms); older windows fall back to a key scan. */
  readonly historyMs: number;
  /** Keys deleted in the window, and how much of the window the feed vouches for. */
  deletedKeys(window: ExtractWindow, metrics: StreamMetrics): Promise<DeletedKeys>;
}

/** What a delete feed answered for one window. */
export interface DeletedKeys {
  readonly keys: readonly string[];
  /**
   * The feed lost entries inside the window (purged before its usual history ran out): only a
   * key scan finds every delete now, and the stream runs one instead.
   */
  readonly purged: boolean;
  /**
   * Deletes up to here are all in `keys`; later ones may still be settling, so the stream's
   * cursor stops here and the next run asks again from it. At most the window's end.
   */
  readonly coveredToMs: number;
}

/** Per-stream settings from `sources.<system>.streams.<name>`. */
export interface StreamSettings {
  readonly enabled: boolean;
  readonly lookback?: number;
  readonly delete_scan_every?: number;
}

/** A configured source system, ready to extract. */
export interface OpenSource {
  readonly system: SystemName;
  readonly streams: readonly StreamHandle[];
  /** The initial value of every cursor: where a first sync starts reading. */
  readonly startMs: number;
  settings(stream: string): StreamSettings;
}

/** What a run gives the sources it opens. */
export interface OpenOptions {
  /** Stops the run: the sources' requests in flight are aborted, their backoffs cut short. */
  readonly signal?: AbortSignal;
}
