import type { TargetSystem } from "../../core/config/governance-schema.js";
import type { PslinkConfig } from "../../core/config/index.js";
import { configError } from "../../core/errors.js";
import type { Authenticator } from "../../extractors/engine/http-client.js";
import { isObject, vendorMessage } from "../../extractors/engine/response-shape.js";
import { TokenAuthenticator } from "../../extractors/engine/token-auth.js";
import { netsuiteAuthenticator } from "../../extractors/netsuite/netsuite-auth.js";
import { createKantataWriter } from "./kantata-writer.js";
import { createNetsuiteWriter } from "./netsuite-writer.js";
import { createSalesforceWriter } from "./salesforce-writer.js";
import { WriteClient } from "./write-client.js";
import type { Writer } from "./writer-types.js";

/** The writer of a target system, on the credentials of its `sources:` section. */
export function createWriter(
  target: TargetSystem,
  config: Pick<PslinkConfig, "sources" | "governance">,
): Writer {
  const limits = config.governance.rate_limits[target];
  const missing = () =>
    configError(`sources.${target} is not configured, so pslink cannot write to ${target}`, {
      hint: `add a sources.${target} section (base_url and auth) to pslink.yml`,
    });
  switch (target) {
    case "netsuite": {
      const source = config.sources.netsuite;
      if (!source) throw missing();
      const client = new WriteClient({
        system: "netsuite",
        auth: netsuiteAuthenticator(source),
        limits,
        timeoutMs: source.http.timeout,
        describeBody: (body) =>
          vendorMessage(body, (parsed) => {
            const detail =
              isObject(parsed) && Array.isArray(parsed["o:errorDetails"])
                ? parsed["o:errorDetails"][0]
                : undefined;
            return isObject(detail)
              ? `${String(detail["o:errorCode"] ?? "")}: ${String(detail.detail ?? "")}`
              : undefined;
          }),
      });
      return createNetsuiteWriter(source.base_url, client);
    }
    case "kantata": {
      const source = config.sources.kantata;
      if (!source) throw missing();
      const token = source.auth.token;
      const auth: Authenticator = {
        headers: async () => ({ authorization: `Bearer ${token.reveal()}` }),
        invalidate: () => undefined,
      };
      const client = new WriteClient({
        system: "kantata",
        auth,
        limits,
        timeoutMs: source.http.timeout,
        describeBody: (body) =>
          vendorMessage(body, (parsed) => {
            const error =
              isObject(parsed) && Array.isArray(parsed.errors) ? parsed.errors[0] : undefined;
            return isObject(error)
              ? `${String(error.type ?? "error")}: ${String(error.message ?? "")}`
              : undefined;
          }),
      });
      return createKantataWriter(source.base_url, client);
    }
    case "salesforce": {
      const source = config.sources.salesforce;
      if (!source) throw missing();
      const auth = new TokenAuthenticator("salesforce", async () => ({
        method: "POST",
        url: source.auth.token_url ?? `${source.base_url}/services/oauth2/token`,
        form: {
          grant_type: "client_credentials",
          client_id: source.auth.client_id,
          client_secret: source.auth.client_secret.reveal(),
        },
      }));
      const client = new WriteClient({
        system: "salesforce",
        auth,
        limits,
        timeoutMs: source.http.timeout,
        describeBody: (body) =>
          vendorMessage(body, (parsed) =>
            Array.isArray(parsed) && isObject(parsed[0])
              ? `${String(parsed[0].errorCode)}: ${String(parsed[0].message)}`
              : undefined,
          ),
      });
      return createSalesforceWriter(
        `${source.base_url}/services/data/${source.api_version}`,
        client,
      );
    }
  }
}
