import { visit } from "jsonc-parser";
import type { PageText, RecordsAt } from "./source.js";

/** Where one record's text starts and ends in a response body (`body.slice(start, end)`). */
export type Span = readonly [start: number, end: number];

/**
 * Where each of `text.records` sits in `text.body` (same order; undefined where `at` does not
 * find it): a record's text can then be staged exactly as the vendor wrote it (`1500.0`, an
 * integer past 2^53) without the warehouse reading the whole response again.
 */
export function recordSpans(text: PageText, at: RecordsAt): (Span | undefined)[] {
  const children = childSpans(text.body, "array" in at ? at.array : at.map);
  return text.records.map((_record, i) => children.get(text.keys?.[i] ?? i));
}

/** Where each member's value of the JSON object `json` sits in it, by key. */
export function memberSpans(json: string): Map<string, Span> {
  const spans = new Map<string, Span>();
  for (const [key, span] of childSpans(json)) if (typeof key === "string") spans.set(key, span);
  return spans;
}

/**
 * The spans of the values directly inside the top-level object's member `member` (or inside the
 * top-level value itself), by key for an object and by index for a list: one pass of
 * jsonc-parser's scanner, without building the values.
 */
function childSpans(body: string, member?: string): Map<string | number, Span> {
  const spans = new Map<string | number, Span>();
  /** Depth of the values wanted: inside the member, or inside the top-level value. */
  const depth = member === undefined ? 1 : 2;
  let level = 0;
  /** Whether the scanner is inside the wanted container. */
  let inside = member === undefined;
  let topKey: string | undefined;
  let key: string | number = 0;
  let index = 0;
  let start = 0;
  const begin = (offset: number) => {
    if (level === depth - 1 && !inside) {
      inside = topKey === member;
      key = index = 0;
    } else if (inside && level === depth) start = offset;
    level++;
  };
  const end = (offset: number, length: number) => {
    level--;
    if (inside && level === depth) spans.set(key, [start, offset + length]);
    else if (level === depth - 1 && member !== undefined) inside = false;
  };
  visit(body, {
    onObjectBegin: begin,
    onArrayBegin: begin,
    onObjectEnd: end,
    onArrayEnd: end,
    onObjectProperty: (property) => {
      if (level === 1) topKey = property;
      if (inside && level === depth) key = property;
    },
    onSeparator: (separator) => {
      if (inside && level === depth && separator === ",") key = ++index;
    },
    onLiteralValue: (_value, offset, length) => {
      if (inside && level === depth) spans.set(key, [offset, offset + length]);
    },
  });
  return spans;
}
