import type { NetsuiteConfig } from "../../core/config/index.js";
import { SourceHttpClient } from "../engine/http-client.js";
import { RateBudget } from "../engine/rate-budget.js";
import type { OpenOptions, OpenSource, StreamHandle } from "../engine/source.js";
import { sourceSettings } from "../engine/source-settings.js";
import { describeNetsuiteError, netsuiteAuthenticator } from "./netsuite-auth.js";
import { NETSUITE_STREAMS } from "./netsuite-streams.js";
import { SUITEQL_ROWS, suiteqlPages } from "./suiteql-pages.js";

/**
 * NetSuite REST web services defaults: SuiteQL over limit/offset in windows of
 * `lastmodifieddate`, JWT or TBA auth; deletes by periodic key scans (rows just disappear).
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
export function openNetsuite(config: NetsuiteConfig, options: OpenOptions = {}): OpenSource {
  const client = new SourceHttpClient({
    signal: options.signal,
    system: "netsuite",
    http: config.http,
    budget: new RateBudget(config.http),
    auth: netsuiteAuthenticator(config),
    describeBody: describeNetsuiteError,
  });
  const paging = {
    client,
    baseUrl: config.base_url,
    pageSize: config.page_size,
    maxRowsPerQuery: config.max_rows_per_query,
    timeZone: config.account_timezone,
  };
  const handles: StreamHandle[] = NETSUITE_STREAMS.map((stream) => ({
    system: "netsuite",
    definition: stream,
    ignoredFields: ["links"],
    timeZone: config.account_timezone,
    recordsAt: SUITEQL_ROWS,
    pages: (window, metrics) => suiteqlPages(paging, stream, window.fromMs, window.toMs, metrics),
  }));
  return { system: "netsuite", streams: handles, ...sourceSettings(config) };
}
