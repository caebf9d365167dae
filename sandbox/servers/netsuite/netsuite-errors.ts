import { json } from "../reply.js";
import type { Reply, VendorErrors } from "../server-types.js";

const TYPES: Record<number, { type: string; title: string }> = {
  400: { type: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1", title: "Bad Request" },
  401: {
    type: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2",
    title: "Unauthorized",
  },
  404: { type: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5", title: "Not Found" },
  429: {
    type: "https://www.rfc-editor.org/rfc/rfc6585.html#section-4",
    title: "Too Many Requests",
  },
  500: {
    type: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1",
    title: "Internal Server Error",
  },
  503: {
    type: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.4",
    title: "Service Unavailable",
  },
};

/** NetSuite REST's error body: `{type, title, status, o:errorDetails: [{detail, o:errorCode}]}`. */
export function nsError(status: number, errorCode: string, detail: string, path?: string): Reply {
  const { type, title } = TYPES[status] ?? { type: "about:blank", title: "Error" };
  const item =
    path === undefined
      ? { detail, "o:errorCode": errorCode }
      : { detail, "o:errorPath": path, "o:errorCode": errorCode };
  return json(status, { type, title, status, "o:errorDetails": [item] });
}

/** NetSuite REST conventions for the sandbox's generic failures. */
export const netsuiteErrors: VendorErrors = {
  rateLimited(retryAfterSeconds?: number): Reply {
    const reply = nsError(
      429,
      "CONCURRENCY_LIMIT_EXCEEDED",
      "Concurrent request limit exceeded. Request blocked.",
    );
    if (retryAfterSeconds !== undefined) {
      reply.headers = { ...reply.headers, "retry-after": String(retryAfterSeconds) };
    }
    return reply;
  },
  serverError(status: 500 | 503): Reply {
    return status === 503
      ? nsError(503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable.")
      : nsError(500, "UNEXPECTED_ERROR", "An unexpected error occurred. Error ID: sandbox");
  },
  unauthorized(): Reply {
    return nsError(
      401,
      "INVALID_LOGIN",
      "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.",
    );
  },
  validation(message: string, field?: string): Reply {
    return nsError(400, "INVALID_CONTENT", message, field);
  },
  notFound(message: string): Reply {
    return nsError(404, "NONEXISTENT_ID", message);
  },
};
