import type { ColumnType } from "../../warehouse/warehouse.js";
import { declaredFields, fieldMetaOf, type StreamDefinition } from "../engine/define-stream.js";
import { localSeconds } from "../engine/timestamps.js";
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
 * The window's query: declared columns, `[from, to)` on the cursor, stable unique order. The
 * order names the cursor, which Oracle resolves to its `TO_CHAR` alias: the format sorts as the
 * time does, to the second, and the key breaks ties within a second.
 */
export function suiteql(
  stream: StreamDefinition<NetsuiteRequest>,
  fromMs: number,
  toMs: number,
  timeZone: string,
): string {
  const cursor = stream.cursor ?? "lastmodifieddate";
  const literal = (ms: number) =>
    `TO_TIMESTAMP('${localSeconds(ms, timeZone)}', 'YYYY-MM-DD HH24:MI:SS')`;
  const conditions = [`${cursor} >= ${literal(fromMs)}`, `${cursor} < ${literal(toMs)}`];
  if (stream.request.where) conditions.push(stream.request.where);
  const columns = declaredFields(stream).map((field) => selectColumn(stream, field));
  return [
    `SELECT ${columns.join(", ")} FROM ${stream.request.table}`,
    `WHERE ${conditions.join(" AND ")}`,
    `ORDER BY ${cursor}, ${stream.primaryKey.join(", ")}`,
  ].join(" ");
}
