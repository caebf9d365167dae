import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ConnectionOptions } from "node:tls";
import type pg from "pg";
import { type PostgresWarehouseConfig, postgresTargetProblem } from "../core/config/index.js";
import { acceptedSsl, type PostgresSsl } from "../core/config/postgres-ssl.js";
import { configError, fatalError, type PslinkError, transientError } from "../core/errors.js";
import type { Secret } from "../core/secret.js";
import { pslinkTypes } from "./postgres-values.js";

/** Where a warehouse connects, without the password: for messages. */
export interface PostgresTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  /** `user@host:port/database`. */
  label: string;
  /** The root certificate the server's is checked against (`ssl_root_cert`), as configured. */
  rootCert?: string;
}

export interface PostgresConnection {
  target: PostgresTarget;
  /** Client settings (the password is revealed by the driver only when it connects). */
  client: pg.ClientConfig;
}

/** Where the warehouse config points, for messages (checks the config; reads no file). */
export function postgresTarget(config: PostgresWarehouseConfig): PostgresTarget {
  return targetOf(partsOf(config));
}

/**
 * Client settings from the warehouse config: a URL secret, or host/port/database/user/password.
 * Relative `ssl_root_cert`, `ssl_cert` and `ssl_key` paths are read from `baseDir` (the config
 * file's folder).
 */
export function postgresConnection(
  config: PostgresWarehouseConfig,
  baseDir: string,
): PostgresConnection {
  const parts = partsOf(config);
  const { host, port, database, user, password } = parts;
  const ssl = acceptedSsl(config);
  return {
    target: { ...targetOf(parts), ...(ssl.rootCert ? { rootCert: ssl.rootCert } : {}) },
    client: {
      host,
      port,
      database,
      user,
      password,
      ssl: tlsOptions(ssl, baseDir, config.ssl_key_password),
      // UTC sessions: timestamps cast to text and dates derived from them read the same as DuckDB's.
      // No JIT: pslink's statements are many and wide (shredding a batch has hundreds of
      // expressions), and compiling them cost 4× running them (2.0 s vs 0.49 s per 10k records).
      options: "-c TimeZone=UTC -c jit=off",
      application_name: "pslink",
      connectionTimeoutMillis: 15_000,
      types: pslinkTypes,
    },
  };
}

function partsOf(config: PostgresWarehouseConfig): Parts {
  const problem = postgresTargetProblem(config);
  if (problem) throw configError(`${problem.path.join(".")}: ${problem.message}`);
  return config.url ? fromUrl(config.url) : fromFields(config);
}

function targetOf({ host, port, database, user }: Parts): PostgresTarget {
  return { host, port, database, user, label: `${user}@${host}:${port}/${database}` };
}

interface Parts {
  host: string;
  port: number;
  database: string;
  user: string;
  password: (() => string) | undefined;
}

/** A url `postgresTargetProblem` accepted. */
function fromUrl(url: Secret): Parts {
  const parsed = new URL(url.reveal());
  return {
    // An IPv6 address is written in brackets in a URL (`[::1]`), not in the driver's host.
    host: decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, "$1") || "localhost",
    port: parsed.port ? Number(parsed.port) : 5432,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "postgres",
    user: decodeURIComponent(parsed.username) || "postgres",
    // Read from the URL secret at connect time; the URL itself is what is registered for masking.
    password: parsed.password
      ? () => decodeURIComponent(new URL(url.reveal()).password)
      : undefined,
  };
}

/** Host, database and user, which `postgresTargetProblem` found set. */
function fromFields(config: PostgresWarehouseConfig): Parts {
  return {
    host: config.host as string,
    port: config.port,
    database: config.database as string,
    user: config.user as string,
    password: config.password ? () => (config.password as Secret).reveal() : undefined,
  };
}

/**
 * Node's TLS settings for a mode: `require` encrypts only (with a root certificate it checks
 * the chain, as libpq does); `verify-ca` checks the chain against the root certificate or
 * Node's CA store; `verify-full` also the host name. A client certificate goes with any mode.
 */
function tlsOptions(
  ssl: PostgresSsl,
  baseDir: string,
  keyPassword: Secret | undefined,
): ConnectionOptions | undefined {
  if (ssl.mode === "disable") return undefined;
  const ca = ssl.rootCert === undefined ? undefined : readRootCert(resolve(baseDir, ssl.rootCert));
  const identity =
    ssl.client === undefined
      ? {}
      : clientCertificate(
          resolve(baseDir, ssl.client.cert),
          resolve(baseDir, ssl.client.key),
          keyPassword,
        );
  if (ssl.mode === "require" && ca === undefined) return { rejectUnauthorized: false, ...identity };
  return {
    rejectUnauthorized: true,
    ...(ca === undefined ? {} : { ca }),
    ...(ssl.mode === "verify-full" ? {} : { checkServerIdentity: () => undefined }),
    ...identity,
  };
}

function readRootCert(path: string): string {
  const pem = readPem("ssl_root_cert", path, "the CA certificate that signed the server's");
  certificateIn("ssl_root_cert", path, pem);
  return pem;
}

/**
 * The certificate pslink signs in with and its private key, checked before connecting: that
 * both are PEM, that the key opens (with `keyPassword` when it is encrypted), and that it is
 * the certificate's key. A server would only say that the sign-in failed.
 */
function clientCertificate(
  certPath: string,
  keyPath: string,
  keyPassword: Secret | undefined,
): Pick<ConnectionOptions, "cert" | "key" | "passphrase"> {
  const cert = readPem("ssl_cert", certPath, "pslink's client certificate");
  const certificate = certificateIn("ssl_cert", certPath, cert);
  const key = readPem("ssl_key", keyPath, "the client certificate's private key");
  const passphrase = keyPassword?.reveal();
  // PKCS#8's "BEGIN ENCRYPTED PRIVATE KEY", or the older "Proc-Type: 4,ENCRYPTED" header.
  const encrypted = /^-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type: 4,ENCRYPTED/m.test(key);
  if (encrypted && !passphrase)
    throw configError(`warehouse.ssl_key: ${keyPath} is encrypted`, {
      hint: "set warehouse.ssl_key_password: ${PG_KEY_PASSWORD} (an environment variable holding its passphrase)",
    });
  let opened: KeyObject;
  try {
    opened = createPrivateKey({ key, format: "pem", ...(passphrase ? { passphrase } : {}) });
  } catch (error) {
    if (encrypted)
      throw configError(
        `warehouse.ssl_key: ${keyPath} does not open with warehouse.ssl_key_password`,
        {
          cause: error,
          hint: "set the environment variable that warehouse.ssl_key_password names to the key's passphrase",
        },
      );
    throw configError(`warehouse.ssl_key: ${keyPath} holds no PEM private key`, {
      cause: error,
      hint: "give the private key as PEM text (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----); convert a DER key with openssl pkey -inform der -in client.key.der -out client.key",
    });
  }
  if (!certificate.checkPrivateKey(opened))
    throw configError(
      `warehouse.ssl_key: ${keyPath} is not the key of the certificate in ${certPath}`,
      {
        hint: "give the key the certificate was issued for (openssl x509 -noout -pubkey -in the certificate shows its public key)",
      },
    );
  return { cert, key, ...(passphrase ? { passphrase } : {}) };
}

/** A PEM file a TLS key names, read (relative paths were resolved from the config's folder). */
function readPem(key: string, path: string, holding: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw configError(`warehouse.${key}: cannot read ${path}`, {
      cause: error,
      hint: `write the path of the PEM file holding ${holding} (relative paths are read from pslink.yml's folder)`,
    });
  }
}

function certificateIn(key: string, path: string, pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw configError(`warehouse.${key}: ${path} holds no PEM certificate`, {
      cause: error,
      hint: "give the certificate as PEM text (-----BEGIN CERTIFICATE-----); convert a DER file with openssl x509 -inform der -in cert.der -out cert.pem",
    });
  }
}

/** Turns a driver's connection failure into an error that says what to fix (never the password). */
export function connectionError(error: unknown, target: PostgresTarget): PslinkError {
  const code = (error as { code?: string }).code ?? "";
  const message = error instanceof Error ? error.message : String(error);
  const where = `${target.host}:${target.port}`;
  const options = { cause: error, details: { code, target: target.label } };
  if (["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "EAI_AGAIN"].includes(code)) {
    return transientError(`cannot reach PostgreSQL at ${where} (${code})`, {
      ...options,
      hint: "start the server, or fix warehouse.host / warehouse.port (or the host in warehouse.url)",
    });
  }
  const tls = tlsProblem(code, message, where, target.rootCert);
  if (tls) return configError(tls.message, { ...options, hint: tls.hint });
  if (code === "28000" && /client certificate|certificate authentication failed/i.test(message)) {
    const refused = /certificate authentication failed/i.test(message);
    return configError(
      refused
        ? `PostgreSQL at ${where} did not accept pslink's client certificate for user "${target.user}": ${message}`
        : `PostgreSQL at ${where} wants a client certificate from "${target.user}": ${message}`,
      {
        ...options,
        hint: refused
          ? "the certificate's common name (CN) must be the user's name, or map to it in the server's pg_ident.conf: have one issued for this user, or connect as the user it names"
          : "set warehouse.ssl_cert and warehouse.ssl_key to the PEM files of a certificate issued to this user by a CA the server trusts (its ssl_ca_file)",
      },
    );
  }
  if (code === "28000" && /pg_hba\.conf/.test(message)) {
    const plain = /no encryption/.test(message);
    return configError(
      `PostgreSQL at ${where} does not let ${target.user} connect to ${target.database} from here${plain ? " without encryption" : ""}: ${message}`,
      {
        ...options,
        hint: `${plain ? "the server may take only encrypted connections from here: set warehouse.ssl: verify-full (or true; sslmode= in the url); if it still refuses, " : ""}ask the server's administrator for a pg_hba.conf line that lets this user connect to this database from this machine's address (then SELECT pg_reload_conf())`,
      },
    );
  }
  if (code === "28P01" || code === "28000") {
    return configError(`PostgreSQL at ${where} refused user "${target.user}": ${message}`, {
      ...options,
      hint: "correct the user, or the password in the environment variable that warehouse.password / warehouse.url names",
    });
  }
  if (code === "3D000") {
    return configError(`database "${target.database}" does not exist on PostgreSQL at ${where}`, {
      ...options,
      hint: `create it (createdb ${target.database}) or fix warehouse.database`,
    });
  }
  if (code === "53300" || /timeout/i.test(message)) {
    return transientError(`PostgreSQL at ${where} did not accept a connection: ${message}`, {
      ...options,
      hint: "retry later, or raise max_connections / lower warehouse.pool_size",
    });
  }
  return fatalError(`cannot connect to PostgreSQL as ${target.label}: ${message}`, {
    ...options,
    hint: "check the warehouse settings in pslink.yml and the server's log",
  });
}

/** Node's codes for a server certificate that no trusted CA signed. */
const UNTRUSTED_CERT = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
]);

/** A TLS connection the server or its certificate refused, with its fix. */
function tlsProblem(
  code: string,
  message: string,
  where: string,
  rootCert: string | undefined,
): { message: string; hint: string } | undefined {
  if (/does not support SSL/i.test(message))
    return {
      message: `PostgreSQL at ${where} does not accept encrypted connections`,
      hint: "turn ssl on in the server (postgresql.conf: ssl = on, with its certificate and key), or set warehouse.ssl: false (sslmode=disable in the url) where the network is trusted",
    };
  if (UNTRUSTED_CERT.has(code))
    return {
      message: `PostgreSQL at ${where} sent a certificate pslink does not trust: ${message}`,
      // With a root certificate given, every mode checks the chain against it (as libpq does).
      hint: rootCert
        ? `the server's certificate is not signed by the CA in warehouse.ssl_root_cert (${rootCert}): give that CA's certificate instead, or remove ssl_root_cert and set warehouse.ssl: true to encrypt without checking the server`
        : "give the certificate of the CA that signed the server's as warehouse.ssl_root_cert (a PEM file; managed services publish theirs), or set warehouse.ssl: true to encrypt without checking the server",
    };
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return {
      message: `PostgreSQL at ${where} sent a certificate for other names: ${message}`,
      hint: "connect by a name the certificate holds (warehouse.host, or the host in warehouse.url), or set warehouse.ssl: verify-ca to check the CA only",
    };
  if (code === "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA" || /alert unknown ca/i.test(message))
    return {
      message: `PostgreSQL at ${where} does not trust pslink's client certificate: ${message}`,
      hint: "have the certificate issued by a CA the server trusts (its ssl_ca_file), or ask the server's administrator to trust the CA that issued it",
    };
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID")
    return {
      message: `PostgreSQL at ${where} sent a certificate that is not valid now: ${message}`,
      hint: "renew the server's certificate (or check this machine's clock)",
    };
  return undefined;
}

/** What a pg error says, without the client object pg attaches to some (it would fill a log). */
export function pgErrorFields(error: unknown): { message: string; code?: string } {
  const code = (error as { code?: unknown }).code;
  return {
    message: error instanceof Error ? error.message : String(error),
    ...(typeof code === "string" ? { code } : {}),
  };
}

const ROLLED_BACK =
  "what the failed transaction wrote was rolled back (a sync's batch is read again by the next run)";

/** What to do when the server refuses or cancels a statement by one of its limits or its mode, by SQLSTATE. */
const LIMIT_HINTS: Readonly<Record<string, string>> = {
  "53100": `the PostgreSQL server's disk is full: free space in its data directory (or the tablespace the warehouse's tables live in); ${ROLLED_BACK}`,
  "53200": `the PostgreSQL server ran out of memory: lower its work_mem / maintenance_work_mem or give it more memory; ${ROLLED_BACK}`,
  "57014": `the server's statement_timeout cancelled it: exempt pslink's user (ALTER ROLE <user> SET statement_timeout = 0) or raise it: a batch's statements on large tables take longer than interactive queries; ${ROLLED_BACK}`,
  "25006":
    "the PostgreSQL server takes no writes here: a standby (read replica), or default_transaction_read_only is on for the database or user; point the warehouse at the primary, or turn read-only off for pslink",
  "55P03": `the server's lock_timeout ran out while another session held a lock pslink needs: exempt pslink's user (ALTER ROLE <user> SET lock_timeout = 0) or find the session that holds it (pg_locks); ${ROLLED_BACK}`,
};

/**
 * The fix for a statement or COPY the server refused or cancelled by one of its limits (disk,
 * memory, timeouts), for being read-only, or for a privilege pslink's user lacks.
 */
export function pgLimitHint(error: unknown): string | undefined {
  const { code, message } = pgErrorFields(error);
  // 57014 is any cancel: only the timeout's is the server's limit.
  if (code === "57014" && !/statement timeout/i.test(message)) return undefined;
  if (code === "42501") return privilegeHint(message);
  return code === undefined ? undefined : LIMIT_HINTS[code];
}

/** pslink's schemas in a warehouse, which its user creates (and so owns) on the first sync. */
const PSLINK_SCHEMAS =
  "pslink, raw_<system>, src_<system>, staging, intermediate, canonical, reconciliation, marts, proposals";

/**
 * What to grant pslink's user for an insufficient_privilege (42501), by what the server names:
 * pslink creates its schemas and tables, and alters its own tables (a new column for a field a
 * source starts sending), so it needs to create in the database and own what it made.
 */
function privilegeHint(message: string): string {
  const [, kind, name] =
    /permission denied for (database|schema|table|relation|sequence) "?([^"\s]+)"?/i.exec(
      message,
    ) ??
    /must be (owner) of (?:table|relation) "?([^"\s]+)"?/i.exec(message) ??
    [];
  const grant = (what: string) =>
    `pslink's user creates its schemas (${PSLINK_SCHEMAS}) and owns their tables: ${what}, <user> being warehouse.user or the user in warehouse.url`;
  switch (kind?.toLowerCase()) {
    case "database":
      return grant(
        `GRANT CREATE ON DATABASE ${name} TO <user> (or let an owner create those schemas and ALTER SCHEMA … OWNER TO <user>)`,
      );
    case "schema":
      return grant(
        `ALTER SCHEMA ${name} OWNER TO <user> (or GRANT USAGE, CREATE ON SCHEMA ${name} TO <user>)`,
      );
    case "owner":
    case "table":
    case "relation":
    case "sequence":
      return grant(`ALTER TABLE ${name} OWNER TO <user> (another role made it)`);
    default:
      return grant(
        "GRANT CREATE ON DATABASE … TO <user>, or make <user> the owner of those schemas",
      );
  }
}

/**
 * Turns off the server's idle_session_timeout (PostgreSQL 14 and later) for one of pslink's
 * sessions. Its sessions sit idle by design while pages are awaited: the run lock's for the
 * whole run, a batch's between its groups. A server that ends idle sessions would end the run
 * lock and stop every run. Servers without the setting skip it.
 */
export const KEEP_IDLE_SESSION_SQL =
  "select set_config('idle_session_timeout', '0', false) from pg_settings where name = 'idle_session_timeout'";

/** pg's own words for a connection lost without a SQLSTATE. */
const CONNECTION_LOST =
  /Connection terminated|connection error and is not queryable|ECONNRESET|ECONNREFUSED|EPIPE/;

/** Whether a pg error means the connection went away (a restart, a failover, a cut network). */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^(08|57P0)/.test(code)) return true;
  return CONNECTION_LOST.test(error instanceof Error ? error.message : String(error));
}
