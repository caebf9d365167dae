import { createPrivateKey, type KeyObject } from "node:crypto";

/**
 * What NetSuite's OAuth 2.0 client credentials flow signs with (RSA-PSS or ECDSA; not RS256).
 * @see https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_162790605110.html
 */
export const NETSUITE_JWT_ALGORITHMS = [
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
] as const;
export type NetsuiteJwtAlgorithm = (typeof NETSUITE_JWT_ALGORITHMS)[number];

/** The curve each ECDSA algorithm signs on, as Node names it, and as people do. */
const CURVES = {
  ES256: ["prime256v1", "P-256"],
  ES384: ["secp384r1", "P-384"],
  ES512: ["secp521r1", "P-521"],
} as const;

/**
 * The private key NetSuite's client credentials sign with, read from its PEM text: PKCS#8
 * (`BEGIN PRIVATE KEY`, what NetSuite's own `openssl req … -nodes` makes), or PKCS#1/SEC1
 * (`BEGIN RSA PRIVATE KEY`, `BEGIN EC PRIVATE KEY`), and of the kind `algorithm` signs with.
 * Otherwise the problem, in words that say what to put in the variable; never the key's text.
 */
export function readNetsuiteKey(
  pem: string,
  algorithm: NetsuiteJwtAlgorithm,
): { key: KeyObject } | { problem: string } {
  const text = pemLines(pem);
  if (!text.includes("-----BEGIN "))
    return {
      problem:
        'the variable holds no PEM key: set it to the key\'s text, from "-----BEGIN PRIVATE KEY-----" to "-----END PRIVATE KEY-----" (NS_PRIVATE_KEY="$(cat private.pem)"), not the file\'s name',
    };
  if (!text.includes("-----END "))
    return {
      problem:
        "the variable holds the start of a PEM key but not its end: in a .env file a key on several lines needs double quotes, one before its BEGIN line and one after its END line",
    };
  if (!text.includes("PRIVATE KEY-----"))
    return {
      problem:
        "the variable holds a certificate, not its private key: NetSuite keeps the certificate (certificate_id names it); pslink signs with the private key made with it",
    };
  if (text.includes("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
    return {
      problem:
        "the key is encrypted with a passphrase: export it without one (openssl pkcs8 -topk8 -nocrypt -in private.pem -out private-plain.pem)",
    };
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (error) {
    return { problem: unreadable(text, (error as Error).message) };
  }
  const type = key.asymmetricKeyType;
  if (algorithm.startsWith("PS")) {
    if (type === "rsa" || type === "rsa-pss") return { key };
    const es = esFor(key.asymmetricKeyDetails?.namedCurve);
    return {
      problem: `the key is an ${String(type).toUpperCase()} key and ${algorithm} signs with RSA: ${es ? `write algorithm: ${es} for this key` : "use an RSA key, or an EC key on P-256, P-384 or P-521"}`,
    };
  }
  const es = algorithm as keyof typeof CURVES;
  if (type !== "ec")
    return {
      problem: `the key is an ${String(type).toUpperCase()} key and ${algorithm} signs with EC: write algorithm: PS256 for an RSA key`,
    };
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === CURVES[es][0]) return { key };
  const matching = esFor(curve);
  return {
    problem: `the key's curve is ${curve} and ${algorithm} signs on ${CURVES[es][1]}: ${matching ? `write algorithm: ${matching}` : "NetSuite takes EC keys on P-256, P-384 or P-521 only"}`,
  };
}

const PEM = /^-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END ([A-Z0-9 ]+)-----\s*$/s;

/**
 * The PEM text with its line breaks where OpenSSL wants them. A key kept on one line (a CI
 * secret, `--env-file`, a JSON value) has its breaks written as `\n`, or lost to spaces: the
 * body between the BEGIN and END lines is joined and set on a line of its own.
 */
function pemLines(pem: string): string {
  const text = pem.replace(/(?:\\r)?\\n/g, "\n").trim();
  const parts = PEM.exec(text);
  if (!parts) return text;
  const body = (parts[2] as string).replace(/\s+/g, "");
  return `-----BEGIN ${parts[1]}-----\n${body}\n-----END ${parts[3]}-----\n`;
}

/** What is wrong with PEM text Node cannot read as a key, as precisely as can be said. */
function unreadable(text: string, reason: string): string {
  const parts = PEM.exec(text);
  const prefix = `the variable holds no private key Node can read (${reason})`;
  if (!parts)
    return `${prefix}: it must hold one key, from its "-----BEGIN …-----" line to its "-----END …-----" line and nothing else around them`;
  if (parts[1] !== parts[3])
    return `${prefix}: its BEGIN line names ${parts[1]} and its END line ${parts[3]}; the two name the same kind in one key`;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test((parts[2] as string).replace(/\s+/g, "")))
    return `${prefix}: between its BEGIN and END lines it holds characters a PEM key has not (only A-Z, a-z, 0-9, +, / and = belong there): quotes, or an escape other than \\n, were kept in the value`;
  return `${prefix}: its text between BEGIN and END is not a whole ${parts[1]?.toLowerCase()} (cut short, or of another format): export the key again as PEM (openssl pkcs8 -topk8 -nocrypt -in private.pem)`;
}

function esFor(curve: string | undefined): keyof typeof CURVES | undefined {
  return (Object.keys(CURVES) as Array<keyof typeof CURVES>).find((es) => CURVES[es][0] === curve);
}
