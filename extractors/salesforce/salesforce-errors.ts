import type { ErrorVerdict, HttpResponse } from "../engine/http-client.js";
import { isObject } from "../engine/response-shape.js";

/**
 * Salesforce answers that mean more than their status says, read by the HTTP client.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 */
export function classifySalesforceError(
  response: HttpResponse,
  path: string,
): ErrorVerdict | undefined {
  const error = firstError(response.body);
  if (response.status === 403 && error?.errorCode === "REQUEST_LIMIT_EXCEEDED")
    return dailyLimitReached(response);
  if (response.status === 404 && error?.errorCode === "NOT_FOUND") {
    const version = QUERY_PATH.exec(path)?.[1];
    if (version) return versionNotServed(version, error.message);
  }
  if (error?.errorCode === "INVALID_FIELD") return missingField(error.message);
  return undefined;
}

/**
 * 403 REQUEST_LIMIT_EXCEEDED: the org's API requests over the last 24 hours are used up. Not a
 * permission problem, and asking again now fails again: it is retried by a later run.
 * @see https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
 */
function dailyLimitReached(response: HttpResponse): ErrorVerdict {
  const raw = response.headers["sforce-limit-info"];
  const usage = /api-usage=(\d+)\/(\d+)/.exec(Array.isArray(raw) ? raw.join(",") : (raw ?? ""));
  return {
    kind: "transient",
    reason: `REQUEST_LIMIT_EXCEEDED: the org's daily API request limit is used up${
      usage ? ` (api-usage ${usage[1]} of ${usage[2]} requests in the last 24 hours)` : ""
    }`,
    hint: "Salesforce counts API requests over a rolling 24 hours: run the sync again later, once the org's usage has dropped (Setup > Company Information shows API Requests, Last 24 Hours), or have the org's allowance raised",
  };
}

/** The query resources, which every API version an org serves has: `v60.0` of their path. */
const QUERY_PATH = /^\/services\/data\/(v\d+\.\d)\/query(?:All)?(?:\/|$)/;

/**
 * 404 NOT_FOUND from `query` or `queryAll`: every version an org serves has them, so the org does
 * not serve this version (one newer than its release, or one Salesforce has retired).
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_versions.htm
 */
function versionNotServed(version: string, message: string): ErrorVerdict {
  return {
    kind: "config",
    reason: `NOT_FOUND: ${message}`,
    hint: `every API version an org serves has the query resource, so this org does not serve ${version}: set sources.salesforce.api_version to one that GET /services/data/ at the base URL lists (unset, it is v60.0)`,
  };
}

/**
 * INVALID_FIELD in a query: the org has no such field, or hides it from the integration user.
 * The vendor's message echoes the whole query first; the field's name is in its last line.
 */
function missingField(message: string): ErrorVerdict | undefined {
  const match = /No such column '([^']+)' on entity '([^']+)'/.exec(message);
  if (!match) return undefined;
  const [, field, object] = match;
  const reason = `INVALID_FIELD: ${object}.${field} does not exist in this org or is hidden from the integration user`;
  if (field === "CurrencyIsoCode") {
    return {
      kind: "config",
      reason,
      hint: `CurrencyIsoCode exists only in orgs with multiple currencies enabled, and pslink's ${object} stream reads it: enable multiple currencies in the org (Setup > Company Information; it cannot be undone), or turn the stream off with sources.salesforce.streams.${object}.enabled: false`,
    };
  }
  return {
    kind: "config",
    reason,
    hint: `give the integration user read access to ${object}.${field} (field-level security), or turn the stream off with sources.salesforce.streams.${object}.enabled: false`,
  };
}

function firstError(body: string): { errorCode: string; message: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const first = Array.isArray(parsed) ? parsed[0] : undefined;
    if (!isObject(first)) return undefined;
    return { errorCode: String(first.errorCode), message: String(first.message) };
  } catch {
    return undefined;
  }
}
