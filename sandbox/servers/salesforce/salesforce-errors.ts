import { json } from "../reply.js";
import type { Reply, VendorErrors } from "../server-types.js";

/** Salesforce's error body: a JSON array of `{message, errorCode, fields}`. */
export function sfError(status: number, errorCode: string, message: string, fields: string[] = []) {
  return json(status, [{ message, errorCode, fields }]);
}

/** Salesforce REST conventions for the sandbox's generic failures. */
export const salesforceErrors: VendorErrors = {
  rateLimited(retryAfterSeconds?: number): Reply {
    const reply = sfError(429, "REQUEST_LIMIT_EXCEEDED", "Too many requests: retry later.");
    if (retryAfterSeconds !== undefined) {
      reply.headers = { ...reply.headers, "retry-after": String(retryAfterSeconds) };
    }
    return reply;
  },
  serverError(status: 500 | 503): Reply {
    return status === 503
      ? sfError(503, "SERVER_UNAVAILABLE", "Server is temporarily unavailable.")
      : sfError(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred.");
  },
  unauthorized(): Reply {
    return sfError(401, "INVALID_SESSION_ID", "Session expired or invalid");
  },
  validation(message: string, field?: string): Reply {
    return sfError(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", message, field ? [field] : []);
  },
  notFound(message: string): Reply {
    return sfError(404, "NOT_FOUND", message);
  },
};

/** 403 REQUEST_LIMIT_EXCEEDED: the org's rolling API request allowance is spent. */
export function requestLimitExceeded(): Reply {
  return sfError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
}
