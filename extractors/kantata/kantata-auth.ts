import type { KantataConfig } from "../../core/config/index.js";
import type { Authenticator } from "../engine/http-client.js";
import { isObject, vendorMessage } from "../engine/response-shape.js";

/** Kantata OX: the integration user's OAuth bearer token, sent as is. */
export function kantataAuthenticator(config: KantataConfig): Authenticator {
  return {
    headers: async () => ({ authorization: `Bearer ${config.auth.token.reveal()}` }),
    invalidate: () => undefined,
  };
}

/** `type: message` of the first entry of Kantata's `{errors: [{type, message, field}]}`. */
export function describeKantataError(body: string): string | undefined {
  return vendorMessage(body, (parsed) => {
    const errors = isObject(parsed) ? parsed.errors : undefined;
    const first = Array.isArray(errors) ? errors[0] : undefined;
    return isObject(first)
      ? `${String(first.type ?? "error")}: ${String(first.message ?? "")}`
      : undefined;
  });
}
