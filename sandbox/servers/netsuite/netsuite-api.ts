import { randomUUID } from "node:crypto";
import { decodeProtectedHeader, exportPKCS8, generateKeyPair, jwtVerify } from "jose";
import { bearerToken, bodyForm, json } from "../reply.js";
import type { ApiDeps, Reply, Route, SandboxRequest, SystemApi } from "../server-types.js";
import { TokenStore } from "../token-store.js";
import type { AccountZone } from "./account-zone.js";
import { netsuiteErrors } from "./netsuite-errors.js";
import { SuiteqlQueries } from "./netsuite-query.js";
import { NetsuiteRecords } from "./netsuite-records.js";

/** What a client needs: the integration's client id, the certificate id and its private key. */
export interface NetsuiteCredentials {
  accountId: string;
  clientId: string;
  certificateId: string;
  privateKeyPem: string;
  algorithm: "PS256";
  scope: string;
  /** The integration user's time-zone preference (pslink's `account_timezone`). */
  accountTimeZone: string;
}

const TOKEN_PATH = "/services/rest/auth/oauth2/v1/token";
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const RECORD = "/services/rest/record/v1/(?<type>\\w+)";
/** `exp` must be less than 60 minutes after `iat` (The Request Token Structure). */
const MAX_ASSERTION_LIFETIME_S = 3600;

/**
 * The NetSuite REST imitation: OAuth 2.0 client credentials with a PS256 JWT assertion (key
 * pair generated at start), SuiteQL, and the record service pslink writes through.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/article_162686838198.html
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_162790605110.html
 */
export async function createNetsuiteApi(
  deps: ApiDeps,
  zone: AccountZone,
): Promise<{ api: SystemApi; credentials: NetsuiteCredentials }> {
  const { publicKey, privateKey } = await generateKeyPair("PS256", { extractable: true });
  const credentials: NetsuiteCredentials = {
    accountId: "SANDBOX1",
    clientId: randomUUID().replaceAll("-", ""),
    certificateId: randomUUID().replaceAll("-", "").slice(0, 24),
    privateKeyPem: await exportPKCS8(privateKey),
    algorithm: "PS256",
    scope: "rest_webservices",
    accountTimeZone: zone.name,
  };
  const tokens = new TokenStore(deps.tokenTtlSeconds, deps.now);
  const queries = new SuiteqlQueries(deps, zone);
  const records = new NetsuiteRecords(deps);

  const issueToken = async (request: SandboxRequest): Promise<Reply> => {
    const form = bodyForm(request);
    if (form.get("grant_type") !== "client_credentials") {
      return json(400, { error: "unsupported_grant_type" });
    }
    const assertion = form.get("client_assertion");
    if (form.get("client_assertion_type") !== ASSERTION_TYPE || !assertion) {
      return json(400, { error: "invalid_request" });
    }
    try {
      const header = decodeProtectedHeader(assertion);
      if (header.kid !== credentials.certificateId) return json(400, { error: "invalid_client" });
      const { payload } = await jwtVerify(assertion, publicKey, {
        algorithms: ["PS256"],
        issuer: credentials.clientId,
        requiredClaims: ["iat", "exp", "scope", "aud"],
      });
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!audiences.some((aud) => typeof aud === "string" && aud.endsWith(TOKEN_PATH))) {
        return json(400, {
          error: "invalid_grant",
          error_description: "aud must be the token URL",
        });
      }
      const scopes = String(payload.scope).split(/[\s,]+/);
      const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
      if (!scopes.includes(credentials.scope) || lifetime >= MAX_ASSERTION_LIFETIME_S) {
        return json(400, {
          error: "invalid_grant",
          error_description: "scope or lifetime refused",
        });
      }
    } catch {
      return json(400, { error: "invalid_grant" });
    }
    const { token, expiresInSeconds } = tokens.issue("ns.");
    return json(200, {
      access_token: token,
      expires_in: String(expiresInSeconds),
      token_type: "bearer",
    });
  };

  const routes: Route[] = [
    { method: "POST", pattern: new RegExp(`^${TOKEN_PATH}$`), open: true, handle: issueToken },
    {
      method: "POST",
      pattern: /^\/services\/rest\/query\/v1\/suiteql$/,
      handle: (r) => queries.run(r),
    },
    {
      method: "POST",
      write: true,
      pattern: new RegExp(`^${RECORD}$`),
      handle: (r, p) => records.create(r, p.type ?? ""),
    },
    {
      method: "PATCH",
      write: true,
      pattern: new RegExp(`^${RECORD}/(?<key>[^/]+)$`),
      handle: (r, p) => records.update(r, p.type ?? "", p.key ?? ""),
    },
    {
      method: "PUT",
      write: true,
      pattern: new RegExp(`^${RECORD}/(?<key>[^/]+)$`),
      handle: (r, p) => records.upsert(r, p.type ?? "", p.key ?? ""),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${RECORD}/(?<key>[^/]+)$`),
      handle: (r, p) => records.read(r, p.type ?? "", p.key ?? ""),
    },
  ];

  const api: SystemApi = {
    system: "netsuite",
    routes,
    errors: netsuiteErrors,
    maxConcurrency: deps.limits.netsuiteConcurrency,
    authenticate: (request) =>
      tokens.valid(bearerToken(request)) ? undefined : netsuiteErrors.unauthorized(),
  };
  return { api, credentials };
}
