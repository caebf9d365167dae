import type { KantataConfig } from "../../core/config/index.js";
import type { StreamDefinition } from "../engine/define-stream.js";
import { SourceHttpClient } from "../engine/http-client.js";
import { RateBudget } from "../engine/rate-budget.js";
import { arrayField, isObject } from "../engine/response-shape.js";
import { seekPages } from "../engine/seek-pages.js";
import type {
  ExtractWindow,
  OpenOptions,
  OpenSource,
  Page,
  StreamHandle,
  StreamMetrics,
} from "../engine/source.js";
import { sourceSettings } from "../engine/source-settings.js";
import { isoSeconds } from "../engine/timestamps.js";
import { describeKantataError, kantataAuthenticator } from "./kantata-auth.js";
import type { KantataRequest } from "./kantata-request.js";
import { KANTATA_STREAMS } from "./kantata-streams.js";

/**
 * Kantata OX API v1 defaults: bearer token, records ordered `updated_at:asc` and sought with
 * `updated_after` (page numbers only within one second: `seekPages`), which has no upper bound:
 * reading stops at the window's end by the records' own `updated_at`. Records are read through
 * `results` because the top-level maps also hold included associations. 429s carry no
 * Retry-After: the engine backs off itself.
 * @see https://developer.kantata.com/ox/api-reference/overview
 */
export function openKantata(config: KantataConfig, options: OpenOptions = {}): OpenSource {
  const auth = kantataAuthenticator(config);
  const client = new SourceHttpClient({
    signal: options.signal,
    system: "kantata",
    http: config.http,
    budget: new RateBudget(config.http),
    auth,
    describeBody: describeKantataError,
  });

  async function* pages(
    stream: StreamDefinition<KantataRequest>,
    window: ExtractWindow,
    metrics: StreamMetrics,
  ): AsyncIterable<Page> {
    const cursor = stream.cursor ?? "updated_at";
    const { map } = recordsAt(stream);
    const params = new URLSearchParams({
      per_page: String(config.per_page),
      order: `${cursor}:asc`,
      ...stream.request.params,
    });
    yield* seekPages({
      fromMs: window.fromMs,
      toMs: window.toMs,
      fetch: async (fromMs, page) => {
        // updated_after is exclusive and second-precise: one second earlier reads `>= fromMs`.
        params.set("updated_after", isoSeconds(fromMs - 1000));
        params.set("page", String(page + 1));
        const { body, text } = await client.jsonText<unknown>(
          { url: `${config.base_url}/${stream.request.path}?${params}` },
          metrics,
        );
        const results = arrayField(body, "results", `kantata ${stream.name}`);
        const meta = isObject(body) && isObject(body.meta) ? body.meta : undefined;
        const pageCount = typeof meta?.page_count === "number" ? meta.page_count : undefined;
        const { records, found } = resolveResults(body, results, map);
        return {
          records,
          last: results.length === 0 || (pageCount !== undefined && page + 1 >= pageCount),
          text: { body: text, records: found.records, keys: found.keys },
        };
      },
      cursor,
      primaryKey: stream.primaryKey,
    });
  }

  const handles: StreamHandle[] = KANTATA_STREAMS.map((stream) => ({
    system: "kantata",
    definition: stream,
    recordsAt: recordsAt(stream),
    pages: (window, metrics) => pages(stream, window, metrics),
  }));
  return { system: "kantata", streams: handles, ...sourceSettings(config) };
}

/** A stream's records: the map of its type, by id. */
function recordsAt(stream: StreamDefinition<KantataRequest>): { map: string } {
  return { map: stream.select ?? stream.name };
}

/**
 * The page's own records, in `results` order, each looked up by id in the map of its type; a
 * result pointing nowhere is kept as it is (to be quarantined). `found`: the records the map
 * holds, with their keys there (what the warehouse reads from the response text).
 */
function resolveResults(
  body: unknown,
  results: unknown[],
  type: string,
): { records: unknown[]; found: { records: unknown[]; keys: string[] } } {
  const map = isObject(body) && isObject(body[type]) ? body[type] : {};
  const records: unknown[] = [];
  const found = { records: [] as unknown[], keys: [] as string[] };
  for (const result of results) {
    if (isObject(result) && result.key !== type) continue;
    const key = isObject(result) ? String(result.id) : undefined;
    const record = key !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
    if (key !== undefined && isObject(record)) {
      found.records.push(record);
      found.keys.push(key);
    }
    records.push(record ?? result);
  }
  return { records, found };
}
