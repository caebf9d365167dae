import { fatalError } from "../../core/errors.js";
import { declaredFields, type StreamDefinition } from "../engine/define-stream.js";
import type { SourceHttpClient } from "../engine/http-client.js";
import { arrayField, isObject } from "../engine/response-shape.js";
import type { Page, StreamMetrics } from "../engine/source.js";
import { localSeconds, parseTimestamp } from "../engine/timestamps.js";
import type { NetsuiteRequest } from "./netsuite-request.js";

export interface SuiteqlPaging {
  client: SourceHttpClient;
  baseUrl: string;
  pageSize: number;
  /** SuiteQL serves at most this many rows per query (offset + limit). */
  maxRowsPerQuery: number;
  timeZone: string;
}

/**
 * Pages one window of a SuiteQL stream with limit/offset. A window holding more rows than one
 * query may serve is split in halves by `lastmodifieddate`, each restarting at offset 0, so
 * windows are delivered oldest first and every query stays under the cap.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
export async function* suiteqlPages(
  paging: SuiteqlPaging,
  stream: StreamDefinition<NetsuiteRequest>,
  fromMs: number,
  toMs: number,
  metrics: StreamMetrics,
): AsyncIterable<Page> {
  const limit = Math.min(paging.pageSize, paging.maxRowsPerQuery);
  const first = await fetchPage(paging, stream, fromMs, toMs, 0, limit, metrics);
  const total =
    isObject(first) && typeof first.totalResults === "number" ? first.totalResults : undefined;
  if (total !== undefined && total > paging.maxRowsPerQuery) {
    const middle = Math.floor((fromMs + (toMs - fromMs) / 2) / 1000) * 1000;
    if (middle <= fromMs) throw capError(paging, stream);
    yield* suiteqlPages(paging, stream, fromMs, middle, metrics);
    yield* suiteqlPages(paging, stream, middle, toMs, metrics);
    return;
  }
  let body = first;
  for (let offset = 0; ; ) {
    const records = arrayField(body, "items", `netsuite ${stream.name}`);
    yield { records };
    offset += limit;
    if (!(isObject(body) && body.hasMore === true)) return;
    if (offset >= paging.maxRowsPerQuery) {
      // No total to split by: carry on with a new query from the last row's timestamp.
      const last = records.at(-1);
      const lastMs = isObject(last)
        ? parseTimestamp(last[stream.cursor ?? "lastmodifieddate"], paging.timeZone)
        : undefined;
      if (lastMs === undefined || lastMs <= fromMs) throw capError(paging, stream);
      yield* suiteqlPages(paging, stream, lastMs, toMs, metrics);
      return;
    }
    body = await fetchPage(paging, stream, fromMs, toMs, offset, limit, metrics);
  }
}

function capError(paging: SuiteqlPaging, stream: StreamDefinition<NetsuiteRequest>) {
  return fatalError(
    `netsuite ${stream.name}: more than ${paging.maxRowsPerQuery} rows share one second of lastmodifieddate`,
    {
      hint: "raise sources.netsuite.max_rows_per_query if the account allows more rows per SuiteQL query",
    },
  );
}

function fetchPage(
  paging: SuiteqlPaging,
  stream: StreamDefinition<NetsuiteRequest>,
  fromMs: number,
  toMs: number,
  offset: number,
  limit: number,
  metrics: StreamMetrics,
): Promise<unknown> {
  return paging.client.json<unknown>(
    {
      method: "POST",
      url: `${paging.baseUrl}/services/rest/query/v1/suiteql?limit=${limit}&offset=${offset}`,
      headers: { prefer: "transient" },
      json: { q: suiteql(stream, fromMs, toMs, paging.timeZone) },
    },
    metrics,
  );
}

/** The window's query: declared columns, `[from, to)` on the cursor, stable unique order. */
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
  return [
    `SELECT ${declaredFields(stream).join(", ")} FROM ${stream.request.table}`,
    `WHERE ${conditions.join(" AND ")}`,
    `ORDER BY ${cursor}, ${stream.primaryKey.join(", ")}`,
  ].join(" ");
}
