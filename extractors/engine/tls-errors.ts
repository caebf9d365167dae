import { isIP } from "node:net";
import { connect as tlsConnect } from "node:tls";
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

/**
 * How a server that speaks TLS takes a plain-HTTP request: it hangs up (Node, OpenSSL, most
 * load balancers), or answers with a TLS alert that is not HTTP (the parser's `HPE_` codes).
 */
function mayBeTlsPort(error: RequestError): boolean {
  return error.code === "ECONNRESET" || error.code === "EPIPE" || error.code.startsWith("HPE_");
}

/** Per origin, whether it completed a TLS handshake: asked once a process. */
const speaksTls = new Map<string, Promise<boolean>>();

/**
 * The error for an http:// request to a port that speaks TLS (`http://host:443`, or an
 * `https` gateway's own port), which fails as a reset that retries would only repeat and blame
 * on the API's availability. Asked only after such a failure, and only of a direct connection:
 * one TLS handshake to the same host and port, which sends nothing over it once done. Undefined
 * when the server does not speak TLS (the failure is then what it seemed).
 */
export async function plainHttpToTls(
  error: unknown,
  target: TlsTarget,
  timeoutMs: number,
): Promise<PslinkError | undefined> {
  if (!(error instanceof RequestError) || !mayBeTlsPort(error) || target.proxy) return undefined;
  const parsed = URL.parse(target.url);
  if (parsed?.protocol !== "http:") return undefined;
  let answer = speaksTls.get(parsed.origin);
  if (!answer) {
    answer = handshakes(parsed, timeoutMs);
    speaksTls.set(parsed.origin, answer);
  }
  if (!(await answer)) return undefined;
  const secure = `https://${parsed.host}`;
  return configError(
    `${target.label} failed: ${parsed.origin} speaks TLS (https), and the request was plain http`,
    {
      hint: `check ${target.setting}: that port serves https, so the address starts https:// (${secure}${parsed.port ? "" : ":80"}…)`,
      cause: error,
      details: { code: error.code },
    },
  );
}

/**
 * Whether `url`'s host and port complete a TLS handshake. Any certificate will do: the question
 * is only which protocol the port speaks, and the socket is closed as soon as it is answered.
 */
function handshakes(url: URL, timeoutMs: number): Promise<boolean> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host,
      port: Number(url.port || 80),
      servername: isIP(host) === 0 ? host : undefined,
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const settle = (tls: boolean) => {
      socket.destroy();
      resolve(tls);
    };
    socket.once("secureConnect", () => settle(true));
    socket.once("error", () => settle(false));
    socket.once("timeout", () => settle(false));
  });
}
