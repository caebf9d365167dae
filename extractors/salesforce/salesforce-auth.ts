import type { SalesforceConfig } from "../../core/config/index.js";
import type { Authenticator } from "../engine/http-client.js";
import { isObject, vendorMessage } from "../engine/response-shape.js";
import { TokenAuthenticator } from "../engine/token-auth.js";

/**
 * Salesforce OAuth 2.0 client credentials flow, shared by the extractor and the writer.
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
 */
export function salesforceAuthenticator(config: SalesforceConfig): Authenticator {
  return new TokenAuthenticator("salesforce", async () => ({
    method: "POST",
    url: config.auth.token_url ?? `${config.base_url}/services/oauth2/token`,
    form: {
      grant_type: "client_credentials",
      client_id: config.auth.client_id,
      client_secret: config.auth.client_secret.reveal(),
    },
  }));
}

/** `errorCode: message` from Salesforce's error array `[{message, errorCode, fields}]`. */
export function describeSalesforceError(body: string): string | undefined {
  return vendorMessage(body, (parsed) =>
    Array.isArray(parsed) && isObject(parsed[0])
      ? `${String(parsed[0].errorCode)}: ${queryErrorReason(String(parsed[0].message))}`
      : undefined,
  );
}

/**
 * A SOQL error's message echoes the query, a caret and `ERROR at Row:1:Column:n` before the
 * reason; a long query would push the reason past the message's length limit, so only it is kept.
 */
function queryErrorReason(message: string): string {
  if (!message.includes("ERROR at Row")) return message;
  return message.trim().split("\n").at(-1) ?? message;
}
