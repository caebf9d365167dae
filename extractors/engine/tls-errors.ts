import { RequestError } from "got";
import { configError, type PslinkError } from "../../core/errors.js";

/** OpenSSL's verdicts that the certificate chain leads to no authority Node trusts. */
const UNTRUSTED_CODES: ReadonlySet<string> = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
]);

/** The certificate is outside its validity dates (or this machine's clock is). */
const DATE_CODES: ReadonlySet<string> = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);

/** Where the request went, for the messages: the API's address, and the proxy it went through. */
export interface TlsTarget {
  /** `kantata GET https://host/path?…`: the request as every error names it. */
  readonly label: string;
  readonly url: string;
  /** The pslink.yml setting that holds the address (`sources.kantata.base_url`). */
  readonly setting: string;
  /** The proxy's origin when the request went through one. */
  readonly proxy: string | undefined;
}

/**
 * The error for a request whose TLS connection failed for a reason no retry changes: a
 * certificate Node does not trust (a network that inspects TLS signs with its own authority), one
 * out of date or for another host, or a server that does not speak TLS at all. Undefined for any
 * other error. Failed at once, each with what to change; never advice to turn verification off.
 */
export function tlsFailure(error: unknown, target: TlsTarget): PslinkError | undefined {
  if (!(error instanceof RequestError)) return undefined;
  const { label, url, setting, proxy } = target;
  const parsed = URL.parse(url);
  const origin = parsed?.origin ?? "(invalid url)";
  const host = parsed?.hostname ?? "(invalid url)";
  const via = proxy ? ` (through the proxy at ${proxy})` : "";
  const fail = (what: string, hint: string) =>
    configError(`${label} failed: ${what}${via}`, {
      hint,
      cause: error,
      details: { code: error.code },
    });
  if (UNTRUSTED_CODES.has(error.code))
    return fail(
      `the certificate ${origin} presented is not signed by an authority Node trusts (${error.message})`,
      `if this network inspects TLS (a corporate proxy or firewall signs with its own authority), start pslink with NODE_EXTRA_CA_CERTS=/path/to/that-authority.pem in its environment (read when Node starts); otherwise something other than the API answers at ${origin}: check ${setting}`,
    );
  if (DATE_CODES.has(error.code))
    return fail(
      `the certificate ${origin} presented is ${error.code === "CERT_HAS_EXPIRED" ? "expired" : "not valid yet"}`,
      `check this machine's clock (date -u); if it is right, the server's certificate is out of date and its owner must renew it`,
    );
  if (error.code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return fail(
      `the certificate ${origin} presented is not for ${host}`,
      `check ${setting}: use the host name the API's certificate names (its own name, not an IP address or an alias)`,
    );
  if (error.code === "EPROTO" && /wrong version number/i.test(error.message))
    return fail(
      `${origin} does not speak TLS (https)`,
      `check ${setting}: the port of a server without TLS, or an http:// address given as https://`,
    );
  return undefined;
}
