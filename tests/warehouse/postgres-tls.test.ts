import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/index.js";
import { describeError, PslinkError } from "../../core/errors.js";
import { describeWarehouse } from "../../warehouse/describe-warehouse.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import type { Warehouse } from "../../warehouse/warehouse.js";

/**
 * The test server's own certificate, read from a TLS handshake as PostgreSQL starts one (an
 * SSLRequest, then TLS on the same socket). Debian's cluster serves its self-signed "snakeoil"
 * certificate, issued to the machine's name; scripts/ensure-postgres.sh turns TLS on if not.
 */
async function serverCertificate(host: string, port: number): Promise<X509Certificate> {
  const socket = netConnect({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve).once("error", reject);
  });
  const request = Buffer.alloc(8);
  request.writeInt32BE(8, 0);
  request.writeInt32BE(80_877_103, 4);
  socket.write(request);
  const answer = await new Promise<string>((resolve) =>
    socket.once("data", (data) => resolve(data.toString("latin1", 0, 1))),
  );
  if (answer !== "S") {
    socket.destroy();
    throw new Error(
      `the test PostgreSQL at ${host}:${port} does not accept TLS: run scripts/ensure-postgres.sh, which turns ssl on`,
    );
  }
  const secure = tlsConnect({ socket, rejectUnauthorized: false });
  await new Promise<void>((resolve, reject) => {
    secure.once("secureConnect", resolve).once("error", reject);
  });
  const certificate = new X509Certificate(secure.getPeerCertificate().raw);
  secure.destroy();
  return certificate;
}

const server = new URL(
  process.env.PSLINK_TEST_PG_URL ??
    "postgres://pslink:pslink_test_pw_7c1e@127.0.0.1:5432/pslink_test",
);
const dir = mkdtempSync(join(tmpdir(), "pslink-pg-tls-"));
const opened: Warehouse[] = [];
afterAll(async () => {
  await Promise.all(opened.map((warehouse) => warehouse.close()));
});

/** The test server's warehouse as pslink.yml would say it, with TLS keys added. */
function warehouseWith(
  keys: string,
  host = server.hostname,
  query = "",
  database = server.pathname,
) {
  const port = server.port || "5432";
  const url = `postgres://${server.username}:\${PG_PASSWORD}@${host}:${port}${database}${query}`;
  return parseConfig(`version: 1\nwarehouse:\n  kind: postgres\n  url: '${url}'\n${keys}`, {
    file: join(dir, "pslink.yml"),
    baseDir: dir,
    env: { PG_PASSWORD: decodeURIComponent(server.password) },
  }).warehouse;
}

async function open(
  keys: string,
  host?: string,
  query?: string,
  database?: string,
): Promise<Warehouse> {
  const warehouse = await openWarehouse(warehouseWith(keys, host, query, database), dir);
  opened.push(warehouse);
  return warehouse;
}

async function openError(
  keys: string,
  host?: string,
  query?: string,
  database?: string,
): Promise<PslinkError> {
  return failureOf(open(keys, host, query, database));
}

async function failureOf(opening: Promise<Warehouse>): Promise<PslinkError> {
  const failure = await opening.catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(PslinkError);
  return failure as PslinkError;
}

/** Whether this session's connection is encrypted, as the server sees it. */
async function encrypted(warehouse: Warehouse): Promise<unknown> {
  const [row] = await warehouse.query<{ ssl: boolean }>(
    "select ssl from pg_stat_ssl where pid = pg_backend_pid()",
  );
  return row?.ssl;
}

describe("PostgreSQL over TLS (the test server's own certificate)", () => {
  it("encrypts with ssl: true, and not by default", async () => {
    expect(await encrypted(await open("  ssl: true\n"))).toBe(true);
    expect(await encrypted(await open(""))).toBe(false);
  });

  it("checks the server's certificate with verify-ca and verify-full", async () => {
    const certificate = await serverCertificate(server.hostname, Number(server.port || 5432));
    writeFileSync(join(dir, "server-ca.pem"), certificate.toString());

    // Self-signed: no CA in Node's store vouches for it.
    const untrusted = await openError("  ssl: verify-full\n");
    expect(untrusted.kind).toBe("config");
    expect(untrusted.message).toContain("sent a certificate pslink does not trust");
    expect(untrusted.hint).toContain("warehouse.ssl_root_cert");
    expect(describeError(untrusted)).not.toContain(decodeURIComponent(server.password));

    // The url's sslmode says the same (before, any mode there only encrypted, checking nothing).
    const viaUrl = await openError("", undefined, "?sslmode=verify-full");
    expect(viaUrl.message).toContain("sent a certificate pslink does not trust");
    expect(
      await encrypted(await open("", undefined, "?sslmode=verify-ca&sslrootcert=server-ca.pem")),
    ).toBe(true);

    // Against its own certificate as the root (a relative path, from the config's folder).
    const checked = await open("  ssl: verify-ca\n  ssl_root_cert: server-ca.pem\n");
    expect(await encrypted(checked)).toBe(true);
    // ssl: true with a root certificate checks the chain too, as libpq's require does.
    expect(await encrypted(await open("  ssl: true\n  ssl_root_cert: server-ca.pem\n"))).toBe(true);
    expect(
      describeWarehouse(warehouseWith("  ssl: true\n  ssl_root_cert: server-ca.pem\n"), dir),
    ).toContain(`, TLS require (chain checked) against ${join(dir, "server-ca.pem")}`);
    // A root certificate that did not sign the server's: ssl: true is set already, so the fix
    // is that CA's certificate, or no ssl_root_cert.
    const otherCa = await openError(
      `  ssl: true\n  ssl_root_cert: ${join(clients, "pslink.crt")}\n`,
    );
    expect(otherCa.message).toContain("sent a certificate pslink does not trust");
    expect(otherCa.hint).toContain(
      `the server's certificate is not signed by the CA in warehouse.ssl_root_cert (${join(clients, "pslink.crt")})`,
    );

    // verify-full also wants the name the server was reached by in the certificate: Debian's
    // is issued to localhost (or the machine's name), not to 127.0.0.1.
    const full = "  ssl: verify-full\n  ssl_root_cert: server-ca.pem\n";
    if (certificate.checkIP(server.hostname) === undefined) {
      const elsewhere = await openError(full);
      expect(elsewhere.message).toContain("sent a certificate for other names");
      expect(elsewhere.hint).toContain("verify-ca");
    }
    if (certificate.checkHost("localhost")) {
      expect(await encrypted(await open(full, "localhost"))).toBe(true);
    }
  });

  it("says when the root certificate file is missing or holds no certificate", async () => {
    const missing = await openError("  ssl: verify-ca\n  ssl_root_cert: no-such-ca.pem\n");
    expect(missing.message).toBe(
      `warehouse.ssl_root_cert: cannot read ${join(dir, "no-such-ca.pem")}`,
    );
    // Naming the warehouse (config check, status) reads no file.
    expect(
      describeWarehouse(warehouseWith("  ssl: verify-ca\n  ssl_root_cert: no-such-ca.pem\n"), dir),
    ).toBe(
      `postgres ${server.username}@${server.hostname}:${server.port || 5432}${server.pathname}, TLS verify-ca against ${join(dir, "no-such-ca.pem")}`,
    );
    writeFileSync(join(dir, "not-a-cert.pem"), "just some text\n");
    const wrong = await openError("  ssl: verify-ca\n  ssl_root_cert: not-a-cert.pem\n");
    expect(wrong.message).toContain("holds no PEM certificate");
  });

  // scripts/ensure-postgres.sh gives the test server two pg_hba.conf rules: pslink_tls_only takes
  // no unencrypted connection, pslink_hba_closed none at all (neither database exists).
  it("says when the server's pg_hba.conf refuses, and whether encryption would help", async () => {
    const plain = await openError("", undefined, undefined, "/pslink_tls_only");
    expect(plain.kind).toBe("config");
    expect(plain.message).toContain(
      `does not let ${server.username} connect to pslink_tls_only from here without encryption`,
    );
    expect(plain.hint).toContain("set warehouse.ssl: verify-full (or true");
    // Encrypted, the same connection gets past pg_hba.conf: only the database is missing.
    const encrypted = await openError("  ssl: true\n", undefined, undefined, "/pslink_tls_only");
    expect(encrypted.message).toContain('database "pslink_tls_only" does not exist');

    const closed = await openError("  ssl: true\n", undefined, undefined, "/pslink_hba_closed");
    expect(closed.message).toContain(
      `does not let ${server.username} connect to pslink_hba_closed from here:`,
    );
    expect(closed.hint).toMatch(/^ask the server's administrator for a pg_hba\.conf line/);
    expect(closed.hint).not.toContain("ssl");
  });
});

/**
 * scripts/ensure-postgres.sh has the test server trust a CA for client certificates and issue
 * pslink.crt to the test role (stranger.crt to another name; untrusted.crt is self-signed), and
 * lets database pslink_cert_only take a client certificate and nothing else (the database does
 * not exist: "does not exist" means the sign-in passed).
 */
const clients = process.env.PSLINK_TEST_PG_CLIENT_CERTS ?? "/var/lib/postgresql/pslink-test-client";

describe("PostgreSQL sign-in with a client certificate", () => {
  const certOnly = "/pslink_cert_only";
  const identity = (name: string, key = name) =>
    `  ssl: true\n  ssl_cert: ${join(clients, `${name}.crt`)}\n  ssl_key: ${join(clients, `${key}.key`)}\n`;

  it("signs in with a certificate issued to the user, and no password", async () => {
    const signedIn = await openError(identity("pslink"), undefined, undefined, certOnly);
    expect(signedIn.message).toContain('database "pslink_cert_only" does not exist');
    // No password in the url at all.
    const url = `postgres://${server.username}@${server.hostname}:${server.port || 5432}${certOnly}`;
    const config = parseConfig(
      `version: 1\nwarehouse:\n  kind: postgres\n  url: '${url}?sslcert=${join(clients, "pslink.crt")}&sslkey=${join(clients, "pslink.key")}'\n  ssl: true\n`,
      { file: join(dir, "pslink.yml"), baseDir: dir, env: {} },
    ).warehouse;
    const noPassword = await failureOf(openWarehouse(config, dir));
    expect(noPassword.message).toContain('database "pslink_cert_only" does not exist');
    expect(describeWarehouse(config, dir)).toContain(
      `, TLS require, client certificate ${join(clients, "pslink.crt")}`,
    );
    // A session of the test database shows the certificate it signed in with.
    const warehouse = await open(identity("pslink"));
    const [row] = await warehouse.query<{ client_dn: string }>(
      "select client_dn from pg_stat_ssl where pid = pg_backend_pid()",
    );
    expect(row?.client_dn).toBe(`/CN=${server.username}`);
  });

  it("says what the server wanted when it refuses", async () => {
    const none = await openError("  ssl: true\n", undefined, undefined, certOnly);
    expect(none.kind).toBe("config");
    expect(none.message).toContain(`wants a client certificate from "${server.username}"`);
    expect(none.hint).toMatch(/^set warehouse\.ssl_cert and warehouse\.ssl_key/);

    const stranger = await openError(identity("stranger"), undefined, undefined, certOnly);
    expect(stranger.message).toContain(
      `did not accept pslink's client certificate for user "${server.username}"`,
    );
    expect(stranger.hint).toContain("common name (CN) must be the user's name");

    const untrusted = await openError(identity("untrusted"), undefined, undefined, certOnly);
    expect(untrusted.kind).toBe("config");
    expect(untrusted.message).toContain("does not trust pslink's client certificate");
    expect(untrusted.hint).toContain("ssl_ca_file");
    for (const error of [none, stranger, untrusted])
      expect(describeError(error)).not.toContain(decodeURIComponent(server.password));
  });

  it("checks the certificate and key before connecting: files, pairing, passphrase", async () => {
    const missing = await openError(identity("no-such"));
    expect(missing.message).toBe(`warehouse.ssl_cert: cannot read ${join(clients, "no-such.crt")}`);
    const mismatched = await openError(identity("pslink", "stranger"));
    expect(mismatched.message).toBe(
      `warehouse.ssl_key: ${join(clients, "stranger.key")} is not the key of the certificate in ${join(clients, "pslink.crt")}`,
    );
    writeFileSync(join(dir, "not-a-key.pem"), "just some text\n");
    const notKey = await openError(
      `  ssl: true\n  ssl_cert: ${join(clients, "pslink.crt")}\n  ssl_key: not-a-key.pem\n`,
    );
    expect(notKey.message).toContain("holds no PEM private key");

    // The same key, encrypted: it opens with its passphrase from the environment only.
    const passphrase = "key-passphrase-9d2f";
    const encryptedKey = createPrivateKey(readFileSync(join(clients, "pslink.key"))).export({
      format: "pem",
      type: "pkcs8",
      cipher: "aes-256-cbc",
      passphrase,
    });
    writeFileSync(join(dir, "pslink-encrypted.key"), encryptedKey);
    const keys = `  ssl: true\n  ssl_cert: ${join(clients, "pslink.crt")}\n  ssl_key: pslink-encrypted.key\n`;
    const locked = await openError(keys);
    expect(locked.message).toBe(
      `warehouse.ssl_key: ${join(dir, "pslink-encrypted.key")} is encrypted`,
    );
    expect(locked.hint).toContain("ssl_key_password: ${PG_KEY_PASSWORD}");
    const withPassword = (value: string) =>
      failureOf(
        openWarehouse(
          parseConfig(
            `version: 1\nwarehouse:\n  kind: postgres\n  url: 'postgres://${server.username}@${server.hostname}:${server.port || 5432}${certOnly}'\n${keys}  ssl_key_password: \${PG_KEY_PASSWORD}\n`,
            { file: join(dir, "pslink.yml"), baseDir: dir, env: { PG_KEY_PASSWORD: value } },
          ).warehouse,
          dir,
        ),
      );
    const wrong = await withPassword("not-the-passphrase");
    expect(wrong.message).toContain("does not open with warehouse.ssl_key_password");
    expect(describeError(wrong)).not.toContain("not-the-passphrase");
    const unlocked = await withPassword(passphrase);
    expect(unlocked.message).toContain('database "pslink_cert_only" does not exist');
    expect(describeError(unlocked)).not.toContain(passphrase);
  });
});
