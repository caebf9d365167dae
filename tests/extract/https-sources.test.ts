import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createProxy } from "proxy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { STREAM_CATALOG } from "../../extractors/stream-catalog.js";
import { warehouseCases } from "../support/warehouses.js";
import { runPslink } from "./support/cli-run.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { landedDifferences } from "./support/world-compare.js";

const [duckdb] = warehouseCases();
const freshTarget = freshTargets();
const KANTATA_STREAMS = STREAM_CATALOG.kantata.length;
/** This machine's first address beyond loopback, for the proxy (loopback is never proxied). */
const address = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry?.family === "IPv4" && !entry.internal)?.address;

/** A certificate and its key, as PEM files. */
interface KeyPair {
  cert: string;
  key: string;
}

/**
 * An authority and two server certificates it signs, made with openssl (PostgreSQL's Debian
 * packages bring it): one for 127.0.0.1, one for another host only.
 */
function makeCertificates(dir: string): {
  ca: string;
  local: KeyPair;
  elsewhere: KeyPair;
  expired: KeyPair;
  remote: KeyPair | undefined;
} {
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  openssl(
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"],
    ...["-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=pslink test inspection CA"],
    ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
  );
  const sign = (name: string, altNames: string, days = 2): KeyPair => {
    openssl(
      ...["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`],
      ...["-out", `${name}.csr`, "-subj", `/CN=${name}`],
    );
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${altNames}\n`);
    openssl(
      ...["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key"],
      ...[
        "-CAcreateserial",
        "-out",
        `${name}.pem`,
        "-days",
        String(days),
        "-extfile",
        `${name}.ext`,
      ],
    );
    return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  };
  return {
    ca: join(dir, "ca.pem"),
    local: sign("local", "IP:127.0.0.1"),
    elsewhere: sign("elsewhere", "DNS:api.pslink.invalid"),
    expired: sign("expired", "IP:127.0.0.1", -1),
    remote: address ? sign("remote", `IP:${address}`) : undefined,
  };
}

/** A server the file closes at its end, with the connections pslink keeps alive. */
interface Closable {
  close(callback: () => void): unknown;
  closeAllConnections(): void;
}

/** An HTTPS server in front of a sandbox system, as a vendor's TLS endpoint; counts handshakes. */
async function tlsFront(
  pair: KeyPair,
  upstream: string,
  host = "127.0.0.1",
): Promise<{ server: Closable; url: string; failed: () => number }> {
  const target = new URL(upstream);
  const server = createHttpsServer(
    { cert: await readFile(pair.cert), key: await readFile(pair.key) },
    (req, res) => {
      const up = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(up);
    },
  );
  let failed = 0;
  server.on("tlsClientError", () => {
    failed += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `https://${host}:${port}`, failed: () => failed };
}

/**
 * The vendors' APIs over HTTPS. A certificate whose authority Node trusts syncs: here because
 * NODE_EXTRA_CA_CERTS names the authority, as on a network that inspects TLS with its own. A
 * certificate from an authority Node does not trust, one for another host or out of date, or
 * https:// to a server without TLS fail at once, each saying what to change, and never by turning checks off.
 */
describe("syncing from sources over HTTPS", () => {
  let fixture: SandboxSync;
  let dir = "";
  let certs: ReturnType<typeof makeCertificates>;
  const fronts: Closable[] = [];
  const front = async (pair: KeyPair, system: "kantata" | "salesforce") => {
    const made = await tlsFront(pair, fixture.sandbox.urls[system]);
    fronts.push(made.server);
    return made;
  };

  beforeAll(async () => {
    fixture = await startSandboxSync(47);
    dir = await mkdtemp(join(tmpdir(), "pslink-tls-"));
    certs = makeCertificates(dir);
  });
  afterAll(async () => {
    for (const server of fronts) server.closeAllConnections();
    await Promise.all(fronts.map((s) => new Promise<void>((resolve) => s.close(resolve))));
    await fixture?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `pslink sync --source <system>` with the source's addresses replaced by `urls`. */
  const syncVia = async (
    system: "kantata" | "salesforce",
    urls: Record<string, string>,
    env: Record<string, string> = {},
  ) => {
    const target = await freshTarget(duckdb!);
    const written = await fixture.writeConfigFor(target, env);
    const doc = parse(await readFile(written, "utf8")) as {
      sources: Record<string, Record<string, unknown> & { auth: Record<string, unknown> }>;
    };
    const source = doc.sources[system]!;
    if (urls.base_url) source.base_url = urls.base_url;
    if (urls.token_url) source.auth.token_url = urls.token_url;
    // Beside the sandbox's .env, which holds the secrets the config references.
    const config = join(dirname(written), `https-${system}-${fronts.length}.yml`);
    await writeFile(config, stringify(doc));
    const run = await runPslink(["--config", config, "sync", "--source", system], env);
    return { ...run, target };
  };

  it("lands a source over HTTPS when NODE_EXTRA_CA_CERTS names the authority of its certificate", async () => {
    const kantata = await front(certs.local, "kantata");
    const run = await syncVia(
      "kantata",
      { base_url: `${kantata.url}/api/v1` },
      { NODE_EXTRA_CA_CERTS: certs.ca },
    );
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(kantata.failed()).toBe(0);
    const wh = await duckdb!.open(run.target);
    try {
      for (const stream of STREAM_CATALOG.kantata)
        expect({
          stream: stream.name,
          differences: await landedDifferences(fixture.sandbox.world, wh, "kantata", stream),
        }).toEqual({ stream: stream.name, differences: [] });
    } finally {
      await wh.close();
    }
  });

  it("fails at once on a certificate from an authority Node does not trust, saying how to trust it", async () => {
    const kantata = await front(certs.local, "kantata");
    const run = await syncVia("kantata", { base_url: `${kantata.url}/api/v1` });
    expect(run.code).toBe(1);
    const said = run.stdout + run.stderr;
    expect(said).toContain(
      `kantata.time_entries: kantata GET ${kantata.url}/api/v1/time_entries.json?… failed: the certificate ${kantata.url} presented is not signed by an authority Node trusts`,
    );
    expect(said).toContain(
      "fix: if this network inspects TLS (a corporate proxy or firewall signs with its own authority), start pslink with NODE_EXTRA_CA_CERTS=/path/to/that-authority.pem",
    );
    expect(said).not.toMatch(/NODE_TLS_REJECT_UNAUTHORIZED|still failing after/);
    // One handshake per stream, none retried: a retry meets the same certificate.
    expect(kantata.failed()).toBeGreaterThan(0);
    expect(kantata.failed()).toBeLessThanOrEqual(KANTATA_STREAMS);
  });

  it("names a certificate for another host or out of date, and an https:// address without TLS", async () => {
    const elsewhere = await front(certs.elsewhere, "kantata");
    const misnamed = await syncVia(
      "kantata",
      { base_url: `${elsewhere.url}/api/v1` },
      { NODE_EXTRA_CA_CERTS: certs.ca },
    );
    expect(misnamed.code).toBe(1);
    expect(misnamed.stdout + misnamed.stderr).toContain(
      `failed: the certificate ${elsewhere.url} presented is not for 127.0.0.1\n      fix: check sources.kantata.base_url: use the host name the API's certificate names`,
    );

    const expired = await front(certs.expired, "kantata");
    const outOfDate = await syncVia(
      "kantata",
      { base_url: `${expired.url}/api/v1` },
      { NODE_EXTRA_CA_CERTS: certs.ca },
    );
    expect(outOfDate.code).toBe(1);
    expect(outOfDate.stdout + outOfDate.stderr).toContain(
      `failed: the certificate ${expired.url} presented is expired\n      fix: check this machine's clock (date -u); if it is right, the server's certificate is out of date`,
    );

    const plain = fixture.sandbox.urls.kantata.replace("http://", "https://");
    const noTls = await syncVia("kantata", { base_url: `${plain}/api/v1` });
    expect(noTls.code).toBe(1);
    expect(noTls.stdout + noTls.stderr).toContain(
      `failed: ${plain} does not speak TLS (https)\n      fix: check sources.kantata.base_url: the port of a server without TLS, or an http:// address given as https://`,
    );
  });

  it("names an http:// address whose port speaks TLS, for base_url and token_url, without retrying", async () => {
    const kantata = await front(certs.local, "kantata");
    const plainKantata = kantata.url.replace("https://", "http://");
    const base = await syncVia("kantata", { base_url: `${plainKantata}/api/v1` });
    expect(base.code).toBe(1);
    const said = base.stdout + base.stderr;
    expect(said).toContain(
      `kantata.time_entries: kantata GET ${plainKantata}/api/v1/time_entries.json?… failed: ${plainKantata} speaks TLS (https), and the request was plain http\n      fix: check sources.kantata.base_url: that port serves https, so the address starts https:// (${kantata.url}…)`,
    );
    expect(said).not.toMatch(/still failing after|unavailable or throttling/);

    const salesforce = await front(certs.local, "salesforce");
    const plainSalesforce = salesforce.url.replace("https://", "http://");
    const token = await syncVia("salesforce", {
      token_url: `${plainSalesforce}/services/oauth2/token`,
    });
    expect(token.code).toBe(1);
    expect(token.stdout + token.stderr).toContain(
      `salesforce POST ${plainSalesforce}/services/oauth2/token failed: ${plainSalesforce} speaks TLS (https), and the request was plain http\n      fix: check sources.salesforce.auth.token_url: that port serves https`,
    );
  });

  it.skipIf(!address)(
    "goes through HTTPS_PROXY's CONNECT tunnel, verifying the API's certificate inside it",
    async () => {
      const kantata = await tlsFront(certs.remote!, fixture.sandbox.urls.kantata, address);
      fronts.push(kantata.server);
      const proxy = createProxy(createHttpServer());
      const connects: string[] = [];
      proxy.on("connect", (req: IncomingMessage) => connects.push(req.url ?? ""));
      await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
      fronts.push(proxy);
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const run = await syncVia(
        "kantata",
        { base_url: `${kantata.url}/api/v1` },
        { NODE_EXTRA_CA_CERTS: certs.ca, HTTPS_PROXY: proxyUrl },
      );
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(connects.length).toBeGreaterThan(0);
      expect(new Set(connects)).toEqual(new Set([kantata.url.replace("https://", "")]));

      // Without the authority the same tunnel fails at once, naming the proxy as well.
      const untrusted = await syncVia(
        "kantata",
        { base_url: `${kantata.url}/api/v1` },
        { HTTPS_PROXY: proxyUrl },
      );
      expect(untrusted.code).toBe(1);
      expect(untrusted.stdout + untrusted.stderr).toContain(
        `${kantata.url} presented is not signed by an authority Node trusts (unable to verify the first certificate) (through the proxy at ${proxyUrl})`,
      );
    },
  );

  it("names auth.token_url when the token endpoint's certificate is not trusted", async () => {
    const salesforce = await front(certs.local, "salesforce");
    const run = await syncVia("salesforce", {
      token_url: `${salesforce.url}/services/oauth2/token`,
    });
    expect(run.code).toBe(1);
    const said = run.stdout + run.stderr;
    expect(said).toContain(
      `salesforce POST ${salesforce.url}/services/oauth2/token failed: the certificate ${salesforce.url} presented is not signed by an authority Node trusts`,
    );
    expect(said).toContain("check sources.salesforce.auth.token_url");
  });
});
