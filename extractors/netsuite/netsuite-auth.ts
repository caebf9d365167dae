import { createHmac, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import OAuth from "oauth-1.0a";
import type { NetsuiteConfig } from "../../core/config/index.js";
import { readNetsuiteKey } from "../../core/config/netsuite-key.js";
import { configError } from "../../core/errors.js";
import type { Authenticator, HttpRequest } from "../engine/http-client.js";
import { isObject, vendorMessage } from "../engine/response-shape.js";
import { TokenAuthenticator } from "../engine/token-auth.js";

type JwtAuth = Extract<NetsuiteConfig["auth"], { kind: "oauth2_jwt" }>;
type TbaAuth = Extract<NetsuiteConfig["auth"], { kind: "tba" }>;

/**
 * Lifetime of a client assertion. NetSuite wants `exp` less than 60 minutes after `iat`; the
 * assertion is spent at once, so a short one leaves room for clock skew.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_162790605110.html
 */
const ASSERTION_LIFETIME_S = 30 * 60;

/** NetSuite auth: OAuth2 client credentials with a signed JWT assertion, or TBA (OAuth 1.0a). */
export function netsuiteAuthenticator(config: NetsuiteConfig): Authenticator {
  const auth = config.auth;
  switch (auth.kind) {
    case "oauth2_jwt":
      return jwtAuthenticator(config, auth);
    case "tba":
      return tbaAuthenticator(auth);
  }
}

/**
 * Client credentials (M2M): a JWT signed with the certificate's private key (`kid` = certificate
 * id) is exchanged for an access token.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_162686838198.html
 */
function jwtAuthenticator(config: NetsuiteConfig, auth: JwtAuth): Authenticator {
  const tokenUrl = auth.token_url ?? `${config.base_url}/services/rest/auth/oauth2/v1/token`;
  return new TokenAuthenticator("netsuite", async () => {
    // The config's reading already refused a key it cannot sign with (`readNetsuiteKey`).
    const read = readNetsuiteKey(auth.private_key.reveal(), auth.algorithm);
    if ("problem" in read) throw configError(`sources.netsuite.auth.private_key: ${read.problem}`);
    const { key } = read;
    const nowSeconds = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: [auth.scope] })
      .setProtectedHeader({ alg: auth.algorithm, typ: "JWT", kid: auth.certificate_id })
      .setIssuer(auth.client_id)
      .setAudience(tokenUrl)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + ASSERTION_LIFETIME_S)
      .setJti(randomUUID())
      .sign(key);
    return {
      method: "POST",
      url: tokenUrl,
      form: {
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
      },
    };
  });
}

/**
 * Token-based authentication: every request signed with OAuth 1.0a HMAC-SHA256, realm = account.
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_4247337262.html
 */
function tbaAuthenticator(auth: TbaAuth): Authenticator {
  const oauth = new OAuth({
    consumer: { key: auth.consumer_key.reveal(), secret: auth.consumer_secret.reveal() },
    signature_method: "HMAC-SHA256",
    realm: auth.account_id,
    hash_function: (base, key) => createHmac("sha256", key).update(base).digest("base64"),
  });
  const token = { key: auth.token_id.reveal(), secret: auth.token_secret.reveal() };
  return {
    headers: async (request: HttpRequest) => {
      const data = oauth.authorize({ url: request.url, method: request.method ?? "GET" }, token);
      return { ...oauth.toHeader(data) };
    },
    invalidate: () => undefined,
  };
}

/** `o:errorCode: detail` of the first entry of NetSuite's `o:errorDetails`. */
export function describeNetsuiteError(body: string): string | undefined {
  return vendorMessage(body, (parsed) => {
    const details = isObject(parsed) ? parsed["o:errorDetails"] : undefined;
    const first = Array.isArray(details) && isObject(details[0]) ? details[0] : undefined;
    return first
      ? `${String(first["o:errorCode"] ?? "")}: ${String(first.detail ?? "")}`
      : undefined;
  });
}
