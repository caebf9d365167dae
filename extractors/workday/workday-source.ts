import type { WorkdayConfig } from "../../core/config/index.js";
import { configError, fatalError, transientError } from "../../core/errors.js";
import { recordKey } from "../engine/define-stream.js";
import type { Authenticator, HttpResponse } from "../engine/http-client.js";
import { HttpStatusError, SourceHttpClient } from "../engine/http-client.js";
import { RateBudget } from "../engine/rate-budget.js";
import { arrayField, isObject, vendorMessage } from "../engine/response-shape.js";
import type {
  ExtractWindow,
  OpenSource,
  Page,
  RecordsAt,
  StreamHandle,
  StreamMetrics,
} from "../engine/source.js";
import { sourceSettings } from "../engine/source-settings.js";
import { isoSeconds } from "../engine/timestamps.js";
import { TokenAuthenticator } from "../engine/token-auth.js";
import { workersStream } from "./streams/workers-stream.js";

/** REST lists serve at most this many rows per request. */
const REST_LIMIT = 100;
/** Scans of the REST list started before giving up on one that keeps shifting. */
const REST_SCANS = 3;
/** Where a RaaS report and a REST list hold their rows. */
const REPORT_ROWS = { array: "Report_Entry" } satisfies RecordsAt;
const LIST_ROWS = { array: "data" } satisfies RecordsAt;

/** What tells a worker row apart: its key, or its whole text when it has none. */
function workerIdentity(row: unknown): string {
  return recordKey(workersStream, row) ?? JSON.stringify(row);
}

/**
 * Workday defaults: the workers report over RaaS, split into prompt date ranges of
 * `report.window` (reports are not paged), or the REST workers list (`mode: rest`, limit/offset
 * checked for shifts, no change filter, so every run reads it whole). Basic auth or an OAuth refresh token.
 * @see https://doc.workday.com/admin-guide/en-us/integrations/reports-as-a-service.html
 */
export function openWorkday(config: WorkdayConfig): OpenSource {
  const client = new SourceHttpClient({
    system: "workday",
    http: config.http,
    budget: new RateBudget(config.http),
    auth: workdayAuthenticator(config),
    describeBody: workdayMessage,
    isFinal: oversizedReport,
  });
  const rest = config.mode === "rest";
  const report = config.report;
  if (!rest && !report) {
    throw configError("sources.workday.report is required in RaaS mode", {
      hint: "add report: {owner, name} naming the workers custom report, or set mode: rest",
    });
  }

  /**
   * The report over prompt ranges of `report.window`, oldest first. A range whose report comes
   * back too large (the tenant caps a report's rows) is halved, down to one second, and its
   * halves are read in order.
   */
  async function* raasPages(window: ExtractWindow, metrics: StreamMetrics): AsyncIterable<Page> {
    if (!report) return;
    const url = `${config.base_url}/ccx/service/customreport2/${config.tenant}/${report.owner}/${report.name}`;
    /** Ranges still to read, the next one last. */
    const pending: [number, number][] = [];
    for (let from = window.fromMs; from < window.toMs; from += report.window)
      pending.unshift([from, Math.min(from + report.window, window.toMs)]);
    for (let range = pending.pop(); range; range = pending.pop()) {
      const [from, to] = range;
      const params = new URLSearchParams({
        format: "json",
        [report.prompt_from]: isoSeconds(from),
        [report.prompt_to]: isoSeconds(to),
      });
      let response: { body: unknown; text: string };
      try {
        response = await client.jsonText<unknown>({ url: `${url}?${params}` }, metrics);
      } catch (error) {
        if (!(error instanceof HttpStatusError && oversizedReport(error))) throw error;
        // Prompts are whole seconds: a range of one second cannot be narrowed.
        const half = Math.floor((to - from) / 2000) * 1000;
        if (half === 0) throw tooManyInOneSecond(from, error);
        pending.push([from + half, to], [from, from + half]);
        continue;
      }
      // A report's row order is the author's: only the range's end is a safe watermark.
      const records = arrayField(response.body, REPORT_ROWS.array, "workday workers report");
      yield { records, watermarkMs: to, text: { body: response.text, records } };
    }
  }

  /**
   * The REST workers list, whole, by limit/offset in key order. The list is live: a worker
   * removed behind the reader shifts the rest one place earlier, and the worker that moves onto
   * a page already read would be missed, then soft-deleted by the key scan. So each page after
   * the first starts one row early and must begin with the last worker read; when it does not,
   * the list has shifted and the scan starts over (a worker read twice lands once).
   */
  async function* restPages(_window: ExtractWindow, metrics: StreamMetrics): AsyncIterable<Page> {
    for (let scan = 1; ; scan++) {
      let last: string | undefined;
      for (let next = 0; ; ) {
        const offset = last === undefined ? next : next - 1;
        const url = `${config.base_url}/ccx/api/v1/${config.tenant}/workers?limit=${REST_LIMIT}&offset=${offset}`;
        const { body, text } = await client.jsonText<unknown>({ url }, metrics);
        const data = arrayField(body, LIST_ROWS.array, "workday workers");
        if (last !== undefined && (data.length === 0 || workerIdentity(data[0]) !== last)) break;
        yield {
          records: last === undefined ? data : data.slice(1),
          text: { body: text, records: data },
        };
        next = offset + data.length;
        last = workerIdentity(data.at(-1));
        const total = isObject(body) && typeof body.total === "number" ? body.total : undefined;
        if (data.length < REST_LIMIT || (total !== undefined && next >= total)) return;
      }
      if (scan >= REST_SCANS) {
        throw transientError(
          `workday workers: the REST list shifted under ${REST_SCANS} scans in a row (workers removed while it was read)`,
          {
            hint: "run the sync again once the tenant is quieter, or use the RaaS report (mode: raas)",
          },
        );
      }
    }
  }

  const handle: StreamHandle = {
    system: "workday",
    definition: workersStream,
    ignoredFields: rest ? ["id", "descriptor", "href"] : [],
    fullScanOnly: rest,
    recordsAt: rest ? LIST_ROWS : REPORT_ROWS,
    pages: rest ? restPages : raasPages,
  };
  return { system: "workday", streams: [handle], ...sourceSettings(config) };
}

function workdayAuthenticator(config: WorkdayConfig): Authenticator {
  const auth = config.auth;
  switch (auth.kind) {
    case "basic": {
      const header = `Basic ${Buffer.from(`${auth.username}:${auth.password.reveal()}`).toString("base64")}`;
      return { headers: async () => ({ authorization: header }), invalidate: () => undefined };
    }
    case "oauth2_refresh_token":
      return new TokenAuthenticator("workday", async () => ({
        method: "POST",
        url: auth.token_url ?? `${config.base_url}/ccx/oauth2/${config.tenant}/token`,
        form: {
          grant_type: "refresh_token",
          refresh_token: auth.refresh_token.reveal(),
          client_id: auth.client_id,
          client_secret: auth.client_secret.reveal(),
        },
      }));
  }
}

function workdayMessage(body: string): string | undefined {
  return vendorMessage(body, (parsed) => (isObject(parsed) ? parsed.error : undefined));
}

/** Workday refuses a report over the tenant's row limit, asking for narrower prompts. */
function oversizedReport(response: Pick<HttpResponse, "status" | "body">): boolean {
  if (response.status !== 500) return false;
  const message = workdayMessage(response.body) ?? "";
  return /narrow the prompts|exceeds the maximum/i.test(message);
}

function tooManyInOneSecond(fromMs: number, cause: HttpStatusError) {
  return fatalError(
    `the workers report is over the tenant's row limit for the one second from ${isoSeconds(fromMs)}, the narrowest prompt range`,
    {
      cause,
      hint: "raise the report's row limit in Workday, or set sources.workday.mode: rest to read the REST workers list instead",
    },
  );
}
