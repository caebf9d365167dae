import { json } from "../reply.js";
import type { Reply, SandboxRequest, VendorErrors } from "../server-types.js";

/** Workday's error body: `{error, errors: [{error}]}`. */
export function wdError(status: number, message: string): Reply {
  return json(status, { error: message, errors: [{ error: message }] });
}

/** Workday conventions for the sandbox's generic failures. */
export const workdayErrors: VendorErrors = {
  rateLimited: (retryAfter) => {
    const reply = wdError(429, "Too many requests");
    if (retryAfter !== undefined)
      reply.headers = { ...reply.headers, "retry-after": String(retryAfter) };
    return reply;
  },
  serverError: (status) =>
    wdError(status, status === 503 ? "Service unavailable" : "Internal server error"),
  unauthorized: () => wdError(401, "invalid username or password"),
  validation: (message, field) => wdError(400, field ? `${field}: ${message}` : message),
  notFound: (message) => wdError(404, message),
};

/** The user and password of a Basic Authorization header, if the request sent one. */
export function decodeBasic(
  request: SandboxRequest,
): { user: string; password: string } | undefined {
  const header = request.headers.authorization;
  const match = typeof header === "string" ? /^Basic\s+(\S+)$/i.exec(header.trim()) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
