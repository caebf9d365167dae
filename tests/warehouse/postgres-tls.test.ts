import { X509Certificate } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
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
  const failure = await open(keys, host, query, database).catch((error: unknown) => error);
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
