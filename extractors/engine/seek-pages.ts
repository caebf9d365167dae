import { recordKey } from "./define-stream.js";
import { isObject } from "./response-shape.js";
import type { Page, PageText } from "./source.js";
import { parseTimestamp } from "./timestamps.js";

/** One answer of a query paged by `SeekPaging.fetch`. */
export interface SeekAnswer {
  /** The page's records, ordered by (cursor, key). */
  readonly records: readonly unknown[];
  /** Nothing follows this page in its query. */
  readonly last: boolean;
  /** The response the records came in. */
  readonly text?: PageText;
}

export interface SeekPaging {
  /** Where the window starts (epoch ms). */
  readonly fromMs: number;
  /**
   * Where it ends, for a query that cannot say so itself (Kantata has `updated_after` only):
   * reading stops at the first record modified at or after it, which the next run reads.
   */
  readonly toMs?: number;
  /**
   * Page `page` (from 0) of the query for the records whose cursor is at or after `fromMs`
   * (a whole second), ordered by (cursor, key).
   */
  fetch(fromMs: number, page: number): Promise<SeekAnswer>;
  /** The field the query orders and seeks by (a vendor timestamp). */
  readonly cursor: string;
  /** Zone of the cursor's zone-less timestamps. */
  readonly timeZone?: string;
  /** The fields that tell records apart. */
  readonly primaryKey: readonly string[];
}

/**
 * Pages a live table by seeking, not by offset. An offset pages the table as it is at each
 * request: a record updated or deleted behind the reader moves away and shifts every later record
 * one place earlier, so one record the reader has not seen lands on a page already read and is
 * missed, by this run and by every incremental run after it (it did not change).
 *
 * Each query here starts at the newest second already read, so nothing unread can shift behind the
 * reader. The records of that second already delivered come again and are dropped. A second
 * holding more records than one page is read on by page number within its query, the one place
 * where a shift can still happen. While it does, the page after the next is asked for at once, so
 * that two requests are in flight (an incremental run's changes often share one second).
 */
export async function* seekPages(paging: SeekPaging): AsyncIterable<Page> {
  let fromMs = Math.floor(paging.fromMs / 1000) * 1000;
  let page = 0;
  /** Keys delivered whose cursor falls in the second `fromMs` starts. */
  let delivered = new Set<string>();
  /** Pages of the crowded second `fromMs` asked for before they are needed, by page number. */
  let ahead = new Map<number, Promise<SeekAnswer>>();
  const ask = (page: number): Promise<SeekAnswer> => {
    const early = ahead.get(page);
    ahead.delete(page);
    return early ?? paging.fetch(fromMs, page);
  };
  const askAhead = (page: number) => {
    const answer = paging.fetch(fromMs, page);
    // Not needed when the second ends first: its failure then concerns nobody.
    answer.catch(() => undefined);
    ahead.set(page, answer);
  };
  // Records in cursor order repeat the same cursor value (a crowded second holds hundreds): the
  // last value read is kept, so each distinct value is parsed once.
  let lastValue: unknown;
  let lastSecond: number | undefined;
  const secondOf = (record: unknown): number | undefined => {
    const value = isObject(record) ? record[paging.cursor] : undefined;
    if (value === lastValue && value !== undefined) return lastSecond;
    // A local time a fall-back change repeats is taken at its first instant: the next query
    // then starts no later than any record not read yet (those read again are dropped by key
    // or land unchanged).
    const ms = parseTimestamp(value, paging.timeZone, "earlier");
    lastValue = value;
    lastSecond = ms === undefined ? undefined : Math.floor(ms / 1000) * 1000;
    return lastSecond;
  };
  /** The records before the window's end: in cursor order, the first one past it ends the read. */
  const untilWindowEnd = (records: readonly unknown[]): readonly unknown[] => {
    const { toMs } = paging;
    const newest = secondOf(records.at(-1));
    if (toMs === undefined || (newest !== undefined && newest < toMs)) return records;
    const end = records.findIndex((record) => (secondOf(record) ?? -Infinity) >= toMs);
    return end === -1 ? records : records.slice(0, end);
  };
  for (;;) {
    const answer = await ask(page);
    const { text } = answer;
    const records = untilWindowEnd(answer.records);
    const last = answer.last || records.length < answer.records.length;
    // Records come in cursor order: only the ones of second `fromMs`, which open the page, can
    // have been delivered already.
    let head = 0;
    while (head < records.length && secondOf(records[head]) === fromMs) head++;
    // A crowded second's records are keyed twice (checked here, remembered below): once is enough.
    const keys: (string | undefined)[] = [];
    const keyAt = (i: number) => (keys[i] ??= recordKey(paging, records[i]));
    const fresh =
      delivered.size === 0 || head === 0
        ? records
        : records.filter((_record, i) => {
            if (i >= head) return true;
            const key = keyAt(i);
            return key === undefined || !delivered.has(key);
          });
    if (fresh.length > 0) yield { records: fresh, text };
    if (last || records.length === 0) return;
    const newest = secondOf(records.at(-1));
    if (newest !== undefined && newest > fromMs) {
      fromMs = newest;
      page = 0;
      delivered = new Set();
      ahead = new Map();
    } else {
      page += 1;
      askAhead(page + 1);
    }
    // The records of second `fromMs` now close the page.
    for (let i = records.length - 1; i >= 0; i--) {
      const second = secondOf(records[i]);
      if (second !== undefined && second < fromMs) break;
      const key = second === fromMs ? keyAt(i) : undefined;
      if (key !== undefined) delivered.add(key);
    }
  }
}
