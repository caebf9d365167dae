import { configError } from "../errors.js";

/**
 * How a PostgreSQL warehouse's connection is encrypted, libpq's `sslmode` words: `disable`,
 * `require` (encrypted, the server not verified), `verify-ca` (its certificate chain checked),
 * `verify-full` (and the host name it was reached by). `ssl: true` is `require`, `false` is
 * `disable`; a url's `sslmode` and `sslrootcert` parameters say the same as `ssl` and
 * `ssl_root_cert`.
 */
export const SSL_MODES = ["disable", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** libpq's modes that may fall back to a plain connection: pslink never does, it encrypts. */
const URL_ONLY_MODES: Readonly<Record<string, SslMode>> = { allow: "require", prefer: "require" };

export interface PostgresSsl {
  readonly mode: SslMode;
  /** PEM file of the CA(s) the server's certificate is checked against (else Node's CA store). */
  readonly rootCert?: string;
}

interface SslSettings {
  readonly url?: { reveal(): string };
  readonly ssl: SslMode;
  readonly ssl_root_cert?: string;
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
  let urlRootCert: string | undefined;
  if (warehouse.url) {
    const params = new URL(warehouse.url.reveal()).searchParams;
    const written = params.get("sslmode");
    urlRootCert = params.get("sslrootcert") ?? undefined;
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
  if (urlRootCert && warehouse.ssl_root_cert && urlRootCert !== warehouse.ssl_root_cert)
    return {
      key: "ssl_root_cert",
      problem: "the url's sslrootcert names another file: keep one of them",
    };
  const mode = fromUrl ?? warehouse.ssl;
  const rootCert = warehouse.ssl_root_cert ?? urlRootCert;
  if (rootCert && mode === "disable")
    return {
      key: "ssl_root_cert",
      problem:
        "is given but the connection is not encrypted: set ssl: verify-full (or verify-ca) to check the server's certificate against it",
    };
  return rootCert ? { mode, rootCert } : { mode };
}
