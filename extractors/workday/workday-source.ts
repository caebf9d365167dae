import type { WorkdayConfig } from "../../core/config/index.js";
import { configError, fatalError, transientError } from "../../core/errors.js";
import { recordKey } from "../engine/define-stream.js";
import type { Authenticator, HttpResponse } from "../engine/http-client.js";
import { HttpStatusError, SourceHttpClient } from "../engine/http-client.js";
import { RateBudget } from "../engine/rate-budget.js";
import { arrayField, isObject, vendorMessage } from "../engine/response-shape.js";
import type {
  ExtractWindow,
  OpenOptions,
  OpenSource,
  Page,
  RecordsAt,
  StreamHandle,
  StreamMetrics,
} from "../engine/source.js";
import { sourceSettings } from "../engine/source-settings.js";
import { TokenAuthenticator } from "../engine/token-auth.js";
import { promptClock, promptRanges } from "./report-prompts.js";
import { workersRestStream, workersStream } from "./streams/workers-stream.js";
import { REST_WORKER_FIELDS, restWorkerRow } from "./workday-rest-workers.js";

/** REST lists serve at most this many rows per request. */
const REST_LIMIT = 100;
/** Scans of the REST list started before giving up on one that keeps shifting. */
const REST_SCANS = 3;
/** Where a RaaS report holds its rows. */
const REPORT_ROWS = { array: "Report_Entry" } satisfies RecordsAt;

/** What tells a worker row apart: its key, or its whole text when it has none. */
function workerIdentity(row: unknown): string {
  return recordKey(workersRestStream, row) ?? JSON.stringify(row);
}

/**
 * Workday defaults: the workers report over RaaS, split into prompt date ranges of
 * `report.window` (reports are not paged), or the REST workers list (`mode: rest`, limit/offset
 * checked for shifts, no change filter, so every run reads it whole; the REST items fill only some
 * report columns). Basic auth (RaaS only) or an OAuth refresh token.
 * @see https://doc.workday.com/admin-guide/en-us/integrations/reports-as-a-service.html
 */
export function openWorkday(config: WorkdayConfig, options: OpenOptions = {}): OpenSource {
  const client = new SourceHttpClient({
    signal: options.signal,
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
   * back too large (the tenant caps a report's rows, or the report runs out of time) is halved,
   * down to the prompts' narrowest range (a second, or a day for date prompts), and its halves
   * are read in order.
   */
  async function* raasPages(window: ExtractWindow, metrics: StreamMetrics): AsyncIterable<Page> {
    if (!report) return;
    const path = [config.tenant, report.owner, report.name].map(encodeURIComponent).join("/");
    const url = `${config.base_url}/ccx/service/customreport2/${path}`;
    const clock = promptClock(report.prompt_format);
    /** Ranges still to read, the next one last. */
    const pending = promptRanges(clock, window.fromMs, window.toMs, report.window).reverse();
    for (let range = pending.pop(); range; range = pending.pop()) {
      const [from, to] = range;
      const params = new URLSearchParams({
        format: "json",
        [report.prompt_from]: clock.write(from),
        [report.prompt_to]: clock.write(to),
      });
      let response: { body: unknown; text: string };
      try {
        response = await client.jsonText<unknown>({ url: `${url}?${params}` }, metrics);
      } catch (error) {
        if (!(error instanceof HttpStatusError && oversizedReport(error))) throw error;
        const half = Math.floor((to - from) / 2 / clock.stepMs) * clock.stepMs;
        if (half === 0) throw tooManyInOneStep(clock.unit, clock.write(from), error);
        pending.push([from + half, to], [from, from + half]);
        continue;
      }
      // A report's row order is the author's: only the range's end is a safe watermark (and
      // never past the window: a date range may end later today).
      const records = arrayField(response.body, REPORT_ROWS.array, "workday workers report");
      yield {
        records,
        watermarkMs: Math.min(to, window.toMs),
        text: { body: response.text, records },
      };
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
        const url = `${config.base_url}/ccx/api/v1/${encodeURIComponent(config.tenant)}/workers?limit=${REST_LIMIT}&offset=${offset}`;
        const { body } = await client.jsonText<unknown>({ url }, metrics);
        const data = arrayField(body, "data", "workday workers").map(restWorkerRow);
        if (last !== undefined && (data.length === 0 || workerIdentity(data[0]) !== last)) break;
        // Rows are mapped from the REST items, not staged as the body holds them.
        yield { records: last === undefined ? data : data.slice(1) };
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

  const handle: StreamHandle = rest
    ? {
        system: "workday",
        definition: workersRestStream,
        ignoredFields: REST_WORKER_FIELDS,
        fullScanOnly: true,
        pages: restPages,
      }
    : { system: "workday", definition: workersStream, recordsAt: REPORT_ROWS, pages: raasPages };
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

/**
 * A report Workday could not produce for its size: a "Processing error occurred" answer (500)
 * about a limit the report went over (rows, output size, execution time). Narrower prompts cure
 * each; other processing errors (e.g. "The task submitted is not authorized") stay errors.
 */
function oversizedReport(response: Pick<HttpResponse, "status" | "body">): boolean {
  if (response.status !== 500) return false;
  const message = workdayMessage(response.body) ?? "";
  return /exceed|too (large|many|big)|maximum|limit|timed? ?out|narrow/i.test(message);
}

function tooManyInOneStep(unit: string, from: string, cause: HttpStatusError) {
  return fatalError(
    `the workers report is over the tenant's row limit for the one ${unit} from ${from}, the narrowest prompt range`,
    {
      cause,
      hint: "raise the report's row limit in Workday, or set sources.workday.mode: rest to read the REST workers list instead",
    },
  );
}
