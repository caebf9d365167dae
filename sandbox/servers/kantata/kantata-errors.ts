import { json } from "../reply.js";
import type { Reply, VendorErrors } from "../server-types.js";

/** Kantata's error body: `{errors: [{type: "validation"|"oauth"|"system", message, field?}]}`. */
export function koError(
  status: number,
  type: "validation" | "oauth" | "system",
  message: string,
  field?: string,
): Reply {
  return json(status, {
    errors: [field === undefined ? { type, message } : { type, message, field }],
  });
}

/** Kantata OX conventions: 429 without Retry-After, 422 for validation failures. */
export const kantataErrors: VendorErrors = {
  rateLimited(retryAfterSeconds?: number): Reply {
    const reply = koError(429, "system", "Rate limit exceeded. Please slow down your requests.");
    if (retryAfterSeconds !== undefined) {
      reply.headers = { ...reply.headers, "retry-after": String(retryAfterSeconds) };
    }
    return reply;
  },
  serverError(status: 500 | 503): Reply {
    return koError(
      status,
      "system",
      status === 503 ? "Service temporarily unavailable." : "Internal server error.",
    );
  },
  unauthorized(): Reply {
    return koError(401, "oauth", "Invalid OAuth 2 Bearer token");
  },
  validation(message: string, field?: string): Reply {
    return koError(422, "validation", message, field);
  },
  notFound(message: string): Reply {
    return koError(404, "system", message);
  },
};
