import type { SalesforceConfig } from "../../core/config/index.js";
import { transientError } from "../../core/errors.js";
import { declaredFields, type StreamDefinition } from "../engine/define-stream.js";
import { HttpStatusError, SourceHttpClient } from "../engine/http-client.js";
import { RateBudget } from "../engine/rate-budget.js";
import { arrayField, isObject } from "../engine/response-shape.js";
import type {
  DeletedKeys,
  ExtractWindow,
  OpenOptions,
  OpenSource,
  Page,
  RecordsAt,
  StreamHandle,
  StreamMetrics,
} from "../engine/source.js";
import { joinUrl, sourceSettings } from "../engine/source-settings.js";
import { isoSeconds, parseTimestamp } from "../engine/timestamps.js";
import { describeSalesforceError, salesforceAuthenticator } from "./salesforce-auth.js";
import { classifySalesforceError } from "./salesforce-errors.js";
import type { SalesforceRequest } from "./salesforce-request.js";
import { SALESFORCE_STREAMS } from "./salesforce-streams.js";

/** getDeleted sees about 15 days of the recycle bin; older windows fall back to a key scan. */
const DELETED_HISTORY_MS = 14 * 86_400_000;
/** Restarts in a row that deliver nothing newer before the query is given up. */
const MAX_STALLED_RESTARTS = 3;
/** Where a query response holds its rows. */
const QUERY_ROWS = { array: "records" } satisfies RecordsAt;

/**
 * Salesforce REST defaults: OAuth2 client credentials, SOQL `query` paged by `nextRecordsUrl`
 * locators (`Sforce-Query-Options: batchSize`), deletes from `getDeleted`.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
 */
export function openSalesforce(config: SalesforceConfig, options: OpenOptions = {}): OpenSource {
  const auth = salesforceAuthenticator(config);
  const client = new SourceHttpClient({
    signal: options.signal,
    system: "salesforce",
    http: config.http,
    budget: new RateBudget(config.http),
    auth,
    describeBody: describeSalesforceError,
    classify: classifySalesforceError,
  });
  const dataUrl = `${config.base_url}/services/data/${config.api_version}`;

  async function* pages(
    stream: StreamDefinition<SalesforceRequest>,
    window: ExtractWindow,
    metrics: StreamMetrics,
  ): AsyncIterable<Page> {
    let fromMs = Math.floor(window.fromMs / 1000) * 1000;
    for (let stalled = 0; ; ) {
      let url = `${dataUrl}/query?q=${encodeURIComponent(soql(stream, fromMs, window.toMs))}`;
      let lastCursor: number | undefined;
      try {
        for (;;) {
          const { body, text } = await client.jsonText<unknown>(
            { url, headers: { "sforce-query-options": `batchSize=${config.batch_size}` } },
            metrics,
          );
          const records = arrayField(body, QUERY_ROWS.array, `salesforce ${stream.name}`);
          const last = records.at(-1);
          if (isObject(last))
            lastCursor = parseTimestamp(last[stream.cursor ?? "SystemModstamp"]) ?? lastCursor;
          yield { records, text: { body: text, records } };
          const next = isObject(body) ? body.nextRecordsUrl : undefined;
          if ((isObject(body) && body.done === true) || typeof next !== "string") return;
          url = joinUrl(config.base_url, next);
        }
      } catch (error) {
        // An expired locator restarts the query where the delivered records end (their last
        // second is read again; the repeats land once). Restarts go on while each one gets
        // further.
        if (!isExpiredLocator(error)) throw error;
        // The query reads from a whole second: only a later second is progress.
        const resumeMs = Math.floor((lastCursor ?? fromMs) / 1000) * 1000;
        stalled = resumeMs > fromMs ? 0 : stalled + 1;
        if (stalled >= MAX_STALLED_RESTARTS) throw stalledLocator(stream.name, fromMs, error);
        fromMs = resumeMs;
      }
    }
  }

  /**
   * getDeleted for the window. `earliestDateAvailable` after the window's start means the delete
   * log was purged early (recycle bin emptied, hard deletes, a log over its size limit), so the
   * feed cannot vouch for the window; `latestDateCovered` is where the next call must start.
   * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
   */
  async function deletedKeys(
    stream: StreamDefinition<SalesforceRequest>,
    window: ExtractWindow,
    metrics: StreamMetrics,
  ): Promise<DeletedKeys> {
    const url = `${dataUrl}/sobjects/${stream.request.object}/deleted/?start=${encodeURIComponent(
      isoSeconds(window.fromMs),
    )}&end=${encodeURIComponent(isoSeconds(window.toMs))}`;
    const body = await client.json<unknown>({ url }, metrics);
    const label = `salesforce ${stream.name} getDeleted`;
    const records = arrayField(body, "deletedRecords", label);
    const earliestMs = isObject(body) ? parseTimestamp(body.earliestDateAvailable) : undefined;
    const latestMs = isObject(body) ? parseTimestamp(body.latestDateCovered) : undefined;
    return {
      keys: records.flatMap((record) =>
        isObject(record) && typeof record.id === "string" ? [record.id] : [],
      ),
      purged: earliestMs !== undefined && earliestMs > window.fromMs,
      coveredToMs: Math.min(latestMs ?? window.toMs, window.toMs),
    };
  }

  const handles: StreamHandle[] = SALESFORCE_STREAMS.map((stream) => ({
    system: "salesforce",
    definition: stream,
    ignoredFields: ["attributes"],
    recordsAt: QUERY_ROWS,
    pages: (window, metrics) => pages(stream, window, metrics),
    deletes: {
      historyMs: DELETED_HISTORY_MS,
      deletedKeys: (window, metrics) => deletedKeys(stream, window, metrics),
    },
  }));
  return { system: "salesforce", streams: handles, ...sourceSettings(config) };
}

/** `SELECT … WHERE SystemModstamp >= from AND < to ORDER BY SystemModstamp, Id` (UTC literals). */
export function soql(
  stream: StreamDefinition<SalesforceRequest>,
  fromMs: number,
  toMs: number,
): string {
  const cursor = stream.cursor ?? "SystemModstamp";
  return [
    `SELECT ${declaredFields(stream).join(", ")} FROM ${stream.request.object}`,
    `WHERE ${cursor} >= ${isoSeconds(fromMs)} AND ${cursor} < ${isoSeconds(toMs)}`,
    `ORDER BY ${cursor}, ${stream.primaryKey.join(", ")}`,
  ].join(" ");
}

function isExpiredLocator(error: unknown): boolean {
  return error instanceof HttpStatusError && error.body.includes("INVALID_QUERY_LOCATOR");
}

function stalledLocator(stream: string, fromMs: number, cause: unknown) {
  return transientError(
    `salesforce ${stream}: the query locator expired ${MAX_STALLED_RESTARTS} times in a row before any record newer than ${isoSeconds(fromMs)} arrived`,
    {
      cause,
      hint: "more records share that second than one page holds: raise sources.salesforce.batch_size (up to 2000), or rerun when fewer queries hold locators open",
    },
  );
}
