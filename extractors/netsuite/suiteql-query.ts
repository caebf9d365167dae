import { localSeconds } from "../../core/zone-clock.js";
import type { ColumnType } from "../../warehouse/warehouse.js";
import { declaredFields, fieldMetaOf, type StreamDefinition } from "../engine/define-stream.js";
import { parseTimestamp } from "../engine/timestamps.js";
import type { NetsuiteRequest } from "./netsuite-request.js";

/**
 * How date and date-time columns are selected. Left bare, SuiteQL writes them in the integration
 * user's date-format preference (`5/7/2026`, `07/05/2026`, …) and drops the time of a date-time,
 * so a cursor would hold days and a D/M/Y account would be misread. `TO_CHAR` fixes the text;
 * the time stays in the user's time-zone preference (`account_timezone`).
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
const WIRE_FORMATS: Readonly<Partial<Record<ColumnType, string>>> = {
  timestamp: "YYYY-MM-DD HH24:MI:SS",
  date: "YYYY-MM-DD",
};

/** A declared field as selected: dates and date-times through `TO_CHAR`, under their own name. */
function selectColumn(stream: StreamDefinition<NetsuiteRequest>, field: string): string {
  const format = WIRE_FORMATS[fieldMetaOf(stream, field).column];
  return format === undefined ? field : `TO_CHAR(${field}, '${format}') AS ${field}`;
}

/**
 * The local time a window's bound is written as, in the account's zone. A local time the clocks
 * repeat (the hour a fall-back night shows twice) names two instants, and NetSuite does not say
 * which it reads: a `from` bound there is moved back and a `to` bound forward by the change of
 * offset, so that either reading holds the whole window. It then reads a little more, never less.
 */
export function boundLiteral(ms: number, timeZone: string, side: "from" | "to"): string {
  const second = Math.floor(ms / 1000) * 1000;
  let at = second;
  // A step the size of the change leaves the repeated span; the bound is checked again after it.
  for (let step = 0; step < 3; step++) {
    const text = localSeconds(at, timeZone);
    const earlier = parseTimestamp(text, timeZone, "earlier") ?? at;
    const later = parseTimestamp(text, timeZone, "later") ?? at;
    if (side === "from" ? later <= second : earlier >= second) return text;
    at += (side === "from" ? -1 : 1) * (later - earlier);
  }
  return localSeconds(at, timeZone);
}

/**
 * The window's query: declared columns, `[from, to)` on the cursor, stable unique order. The
 * order names the cursor, which Oracle resolves to its `TO_CHAR` alias: the format sorts as the
 * time does, to the second, and the key breaks ties within a second, except in the hour a
 * fall-back night repeats, where the two passes' records interleave (seek paging reads a repeated
 * time at its first instant, so it reads them all; `seek-pages.ts`).
 */
export function suiteql(
  stream: StreamDefinition<NetsuiteRequest>,
  fromMs: number,
  toMs: number,
  timeZone: string,
): string {
  const cursor = stream.cursor ?? "lastmodifieddate";
  const literal = (ms: number, side: "from" | "to") =>
    `TO_TIMESTAMP('${boundLiteral(ms, timeZone, side)}', 'YYYY-MM-DD HH24:MI:SS')`;
  const conditions = [
    `${cursor} >= ${literal(fromMs, "from")}`,
    `${cursor} < ${literal(toMs, "to")}`,
  ];
  if (stream.request.where) conditions.push(stream.request.where);
  const columns = declaredFields(stream).map((field) => selectColumn(stream, field));
  return [
    `SELECT ${columns.join(", ")} FROM ${stream.request.table}`,
    `WHERE ${conditions.join(" AND ")}`,
    `ORDER BY ${cursor}, ${stream.primaryKey.join(", ")}`,
  ].join(" ");
}
