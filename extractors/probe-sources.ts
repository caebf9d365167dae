import type { PslinkConfig } from "../core/config/index.js";
import { openSources } from "./open-sources.js";
import { checkSyncConfig } from "./stream-selection.js";

/** What one source answered to a probe: its credentials and one list request. */
export interface SourceProbe {
  readonly system: string;
  /** The stream whose first page was asked for. */
  readonly stream: string;
  readonly ok: boolean;
  /** Records in that first page (modified in the probe's window). */
  readonly records: number;
  readonly requests: number;
  readonly durationMs: number;
  readonly error?: unknown;
}

/** How far back the probe's window reaches: a small, cheap read on any tenant. */
export const PROBE_WINDOW_MS = 3_600_000;

/**
 * At most this many attempts per probe request: a check answers in moments, where a sync's six
 * attempts of a server that never answers took minutes with nothing printed.
 */
export const PROBE_MAX_ATTEMPTS = 2;

/**
 * Probes every configured source the way a sync reads it, without landing anything: its auth
 * (token fetched, or Basic) and the first page of its first enabled stream, for records modified
 * in the last hour, through the same HTTP client (rate budget, paging; at most
 * `PROBE_MAX_ATTEMPTS` attempts a request) and paging. The sources are probed side by side; each
 * answer is reported, a failure as its error, to `onProbe` as soon as it is known.
 */
export async function probeSources(
  config: PslinkConfig,
  options: { signal?: AbortSignal; nowMs?: number; onProbe?: (probe: SourceProbe) => void } = {},
): Promise<SourceProbe[]> {
  checkSyncConfig(config);
  const nowMs = options.nowMs ?? Date.now();
  const window = { fromMs: nowMs - PROBE_WINDOW_MS, toMs: nowMs, full: false };
  return Promise.all(
    openSources(fewerAttempts(config), undefined, { signal: options.signal }).map(
      async (source) => {
        const handle =
          source.streams.find((stream) => source.settings(stream.definition.name).enabled) ??
          source.streams[0];
        const stream = handle?.definition.name ?? "(none)";
        const metrics = { requests: 0, pages: 0 };
        const started = performance.now();
        const probe = { system: source.system, stream };
        const answered = (result: SourceProbe) => {
          options.onProbe?.(result);
          return result;
        };
        try {
          let records = 0;
          for await (const page of handle?.pages(window, metrics) ?? []) {
            records = page.records.length;
            break; // one page is the answer: the iterator's return stops the paging
          }
          const durationMs = performance.now() - started;
          return answered({ ...probe, ok: true, records, requests: metrics.requests, durationMs });
        } catch (error) {
          const durationMs = performance.now() - started;
          return answered({
            ...probe,
            ok: false,
            records: 0,
            requests: metrics.requests,
            durationMs,
            error,
          });
        }
      },
    ),
  );
}

/** `config` with each source's `http.max_attempts` capped at `PROBE_MAX_ATTEMPTS`. */
function fewerAttempts(config: PslinkConfig): PslinkConfig {
  const sources: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(config.sources))
    sources[name] = source && {
      ...source,
      http: {
        ...source.http,
        max_attempts: Math.min(source.http.max_attempts, PROBE_MAX_ATTEMPTS),
      },
    };
  return { ...config, sources: sources as PslinkConfig["sources"] };
}
