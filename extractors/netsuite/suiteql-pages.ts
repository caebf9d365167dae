import { fatalError } from "../../core/errors.js";
import type { StreamDefinition } from "../engine/define-stream.js";
import type { SourceHttpClient } from "../engine/http-client.js";
import { arrayField, isObject } from "../engine/response-shape.js";
import { seekPages } from "../engine/seek-pages.js";
import type { Page, RecordsAt, StreamMetrics } from "../engine/source.js";
import type { NetsuiteRequest } from "./netsuite-request.js";
import { suiteql } from "./suiteql-query.js";

/** Where a SuiteQL response holds its rows. */
export const SUITEQL_ROWS = { array: "items" } satisfies RecordsAt;

export interface SuiteqlPaging {
  client: SourceHttpClient;
  baseUrl: string;
  pageSize: number;
  /** SuiteQL serves at most this many rows per query (offset + limit). */
  maxRowsPerQuery: number;
  timeZone: string;
}

/**
 * Pages one window of a SuiteQL stream oldest first. Each query seeks from the newest second read
 * so far (`seekPages`) and is read from offset 0, so a row changed behind the reader cannot shift
 * an unread row onto a page already read, and no query comes near the rows-per-query cap; only a
 * second holding more rows than one page is paged on by offset.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
export function suiteqlPages(
  paging: SuiteqlPaging,
  stream: StreamDefinition<NetsuiteRequest>,
  fromMs: number,
  toMs: number,
  metrics: StreamMetrics,
): AsyncIterable<Page> {
  const limit = Math.min(paging.pageSize, paging.maxRowsPerQuery);
  const cursor = stream.cursor ?? "lastmodifieddate";
  return seekPages({
    fromMs,
    fetch: async (seekMs, page) => {
      const offset = page * limit;
      if (offset + limit > paging.maxRowsPerQuery) throw capError(paging, stream);
      const { body, text } = await fetchPage(paging, stream, seekMs, toMs, offset, limit, metrics);
      const records = arrayField(body, SUITEQL_ROWS.array, `netsuite ${stream.name}`);
      return {
        records,
        last: !(isObject(body) && body.hasMore === true),
        text: { body: text, records },
      };
    },
    cursor,
    timeZone: paging.timeZone,
    primaryKey: stream.primaryKey,
  });
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
): Promise<{ body: unknown; text: string }> {
  return paging.client.jsonText<unknown>(
    {
      method: "POST",
      url: `${paging.baseUrl}/services/rest/query/v1/suiteql?limit=${limit}&offset=${offset}`,
      headers: { prefer: "transient" },
      json: { q: suiteql(stream, fromMs, toMs, paging.timeZone) },
    },
    metrics,
  );
}
