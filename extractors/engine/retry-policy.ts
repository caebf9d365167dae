import type { SourceHttpConfig } from "../../core/config/index.js";

/** What the client does with one attempt's outcome (Airbyte's error handler, as data). */
export type RetryAction =
  | { kind: "done" }
  | { kind: "retry"; reason: string; waitMs?: number }
  | { kind: "reauthenticate" }
  | { kind: "redirected" }
  | { kind: "fail" };

/**
 * Classifies an HTTP status; 401 refreshes auth once, 429/408/5xx retry (not 501 or 505), 3xx
 * and other statuses end.
 * Redirects are never followed: an API answers at its own address, so a 3xx means the base URL
 * points somewhere else (http for https, a login page), and retrying cannot change that.
 */
export function actionForStatus(
  status: number,
  headers: Record<string, string | string[] | undefined>,
): RetryAction {
  if (status < 300) return { kind: "done" };
  if (status < 400) return { kind: "redirected" };
  if (status === 401) return { kind: "reauthenticate" };
  if (status === 429) {
    return {
      kind: "retry",
      reason: "rate limited (429)",
      waitMs: retryAfterMs(headers["retry-after"]),
    };
  }
  // 501 (the server does not implement the method there) and 505 do not pass with time.
  if (status === 408 || (status >= 500 && !FINAL_SERVER_STATUSES.has(status))) {
    return {
      kind: "retry",
      reason: `server error (${status})`,
      waitMs: retryAfterMs(headers["retry-after"]),
    };
  }
  return { kind: "fail" };
}

/** Server errors no retry mends: 501 Not Implemented, 505 HTTP Version Not Supported. */
export const FINAL_SERVER_STATUSES: ReadonlySet<number> = new Set([501, 505]);

/** Longest `Retry-After` we honour; a larger value is a misconfigured server, not a plan. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Parses `Retry-After` (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === "") return undefined;
  const seconds = Number(raw);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(raw) - Date.now();
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** Exponential backoff with jitter: half fixed, half random, capped at `backoff_max`. */
export function backoffMs(
  attempt: number,
  http: Pick<SourceHttpConfig, "backoff_base" | "backoff_max">,
): number {
  const ceiling = Math.min(http.backoff_max, http.backoff_base * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Network-level failures worth another attempt (got/Node error codes). */
export const RETRYABLE_CODES = new Set([
  "ETIMEDOUT",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "ERR_GOT_REQUEST_ERROR",
  "ERR_STREAM_PREMATURE_CLOSE",
]);
