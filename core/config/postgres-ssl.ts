import { configError } from "../errors.js";

/**
 * How a PostgreSQL warehouse's connection is encrypted, libpq's `sslmode` words: `disable`,
 * `require` (encrypted, the server not verified), `verify-ca` (its certificate chain checked),
 * `verify-full` (and the host name it was reached by). `ssl: true` is `require`, `false` is
 * `disable`; a url's `sslmode`, `sslrootcert`, `sslcert` and `sslkey` parameters say the same as
 * `ssl`, `ssl_root_cert`, `ssl_cert` and `ssl_key`.
 */
export const SSL_MODES = ["disable", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** libpq's modes that may fall back to a plain connection: pslink never does, it encrypts. */
const URL_ONLY_MODES: Readonly<Record<string, SslMode>> = { allow: "require", prefer: "require" };

export interface PostgresSsl {
  readonly mode: SslMode;
  /** PEM file of the CA(s) the server's certificate is checked against (else Node's CA store). */
  readonly rootCert?: string;
  /** PEM files of the certificate pslink signs in with and its private key. */
  readonly client?: { readonly cert: string; readonly key: string };
}

interface SslSettings {
  readonly url?: { reveal(): string };
  readonly ssl: SslMode;
  readonly ssl_root_cert?: string;
  readonly ssl_cert?: string;
  readonly ssl_key?: string;
  readonly ssl_key_password?: unknown;
}

/**
 * The TLS settings of a warehouse the config accepted (`postgresTargetProblem` refuses the ones
 * `postgresSsl` finds a problem in).
 */
export function acceptedSsl(warehouse: SslSettings): PostgresSsl {
  const ssl = postgresSsl(warehouse);
  if ("problem" in ssl) throw configError(`warehouse.${ssl.key}: ${ssl.problem}`);
  return ssl;
}

/** The warehouse's TLS settings, or what contradicts itself in them (key and message). */
export function postgresSsl(
  warehouse: SslSettings,
): PostgresSsl | { readonly problem: string; readonly key: string } {
  let fromUrl: SslMode | undefined;
  let params = new URLSearchParams();
  if (warehouse.url) {
    params = new URL(warehouse.url.reveal()).searchParams;
    const written = params.get("sslmode");
    if (written !== null) {
      fromUrl = URL_ONLY_MODES[written] ?? SSL_MODES.find((mode) => mode === written);
      if (!fromUrl)
        return {
          key: "url",
          problem: `sslmode=${written} is not one of PostgreSQL's modes: write disable, require, verify-ca or verify-full`,
        };
    }
  }
  if (fromUrl && warehouse.ssl !== "disable" && warehouse.ssl !== fromUrl)
    return {
      key: "ssl",
      problem: `says ${warehouse.ssl} and the url's sslmode says ${fromUrl}: keep one of them`,
    };
  const files: Partial<Record<FileKey, string>> = {};
  for (const [key, parameter] of FILE_PARAMETERS) {
    const inUrl = params.get(parameter) ?? undefined;
    const given = warehouse[key];
    if (inUrl && given && inUrl !== given)
      return { key, problem: `the url's ${parameter} names another file: keep one of them` };
    files[key] = given ?? inUrl;
  }
  const mode = fromUrl ?? warehouse.ssl;
  const { ssl_root_cert: rootCert, ssl_cert: cert, ssl_key: key } = files;
  if (rootCert && mode === "disable")
    return {
      key: "ssl_root_cert",
      problem:
        "is given but the connection is not encrypted: set ssl: verify-full (or verify-ca) to check the server's certificate against it",
    };
  if (cert && !key)
    return { key: "ssl_cert", problem: "needs its private key: set ssl_key to the key's PEM file" };
  if (key && !cert)
    return {
      key: "ssl_key",
      problem: "is given without its certificate: set ssl_cert to the certificate's PEM file",
    };
  if (warehouse.ssl_key_password !== undefined && !key)
    return {
      key: "ssl_key_password",
      problem: "is given without a key: set ssl_cert and ssl_key, or remove it",
    };
  if (cert && mode === "disable")
    return {
      key: "ssl_cert",
      problem:
        "is given but the connection is not encrypted, and a certificate is sent only over TLS: set ssl: verify-full (or true)",
    };
  return {
    mode,
    ...(rootCert ? { rootCert } : {}),
    ...(cert && key ? { client: { cert, key } } : {}),
  };
}

type FileKey = "ssl_root_cert" | "ssl_cert" | "ssl_key";

/** The keys naming PEM files, and the url parameters (libpq's) that may name them instead. */
const FILE_PARAMETERS: readonly (readonly [FileKey, string])[] = [
  ["ssl_root_cert", "sslrootcert"],
  ["ssl_cert", "sslcert"],
  ["ssl_key", "sslkey"],
];
