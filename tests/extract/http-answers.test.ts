import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { connect, createServer as createTcpServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PslinkConfig, SalesforceConfig, SourceHttpConfig } from "../../core/config/index.js";
import { describeError } from "../../core/errors.js";
import { Secret } from "../../core/secret.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { warehouseCases } from "../support/warehouses.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";

/**
 * Transport answers no vendor sandbox gives on purpose: a base URL that redirects (http for
 * https, a login page), a permission 403, a token endpoint that echoes what it was sent. A tiny
 * loopback server stands in for the tenant; pslink is pointed at it as a user would.
 */
type Answer = (req: IncomingMessage, res: ServerResponse, origin: string) => void;
let answer: Answer;
let server: Server;
let origin: string;
let requests: string[] = [];
let fixture: SandboxSync;
// Transport behaviour, not warehouse behaviour: one warehouse is enough.
const duckdb = warehouseCases().find((warehouse) => warehouse.kind === "duckdb");

const TOKEN_SECRET = "tenant-client-secret-8c1f";

/** A token for any token request; `data` answers everything else. */
const withToken =
  (data: Answer): Answer =>
  (req, res, base) => {
    if (req.url?.startsWith("/services/oauth2/token")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ access_token: "00Dlocal!token-abc123", instance_url: base }));
      return;
    }
    data(req, res, base);
  };

/** Answers every request with `status`, a content type and `body`. */
const reply =
  (status: number, type: string, body: string): Answer =>
  (_req, res) => {
    res.writeHead(status, { "content-type": type });
    res.end(body);
  };

beforeAll(async () => {
  fixture = await startSandboxSync(47);
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => answer(req, res, origin));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await fixture.close();
});

/** Syncs Salesforce Account against the loopback server; its one stream result. */
async function syncAccount(http: Partial<SourceHttpConfig> = {}, at = origin, tokenAt = at) {
  requests = [];
  if (!duckdb) throw new Error("no DuckDB warehouse case");
  const config: PslinkConfig = fixture.configFor(await duckdb.target());
  const salesforce: SalesforceConfig = {
    ...(config.sources.salesforce as SalesforceConfig),
    base_url: at,
  };
  salesforce.http = { ...salesforce.http, ...http };
  salesforce.auth = {
    ...salesforce.auth,
    token_url: `${tokenAt}/services/oauth2/token`,
    client_secret: new Secret(TOKEN_SECRET),
  };
  const run = await syncSources(
    { ...config, sources: { ...config.sources, salesforce } },
    { streams: ["salesforce.Account"] },
  );
  return run.streams[0];
}

describe("source HTTP answers", () => {
  it("fails a redirected token request at once, naming the status and where it pointed", async () => {
    answer = (req, res) => {
      res.writeHead(301, { location: `https://127.0.0.1:1${req.url}?ec=301&sid=leak` });
      res.end();
    };
    const stream = await syncAccount();
    expect(stream?.error?.kind).toBe("config");
    expect(stream?.error?.message).toBe(
      `salesforce POST ${origin}/services/oauth2/token was redirected (301) to https://127.0.0.1:1/services/oauth2/token?…; pslink does not follow redirects`,
    );
    expect(stream?.error?.hint).toContain("set sources.salesforce.base_url (or auth.token_url) to");
    expect(requests).toHaveLength(1);
  });

  it("fails a redirected data request at once instead of retrying a 'malformed body'", async () => {
    answer = withToken((_req, res) => {
      res.writeHead(302, { location: "/secur/frontdoor.jsp?sid=00Dsession" });
      res.end("<html>login</html>");
    });
    const stream = await syncAccount();
    expect(stream?.error?.kind).toBe("config");
    expect(stream?.error?.message).toMatch(
      new RegExp(
        `^salesforce GET ${origin}/services/data/v\\d+\\.\\d/query\\?… was redirected \\(302\\) to ${origin}/secur/frontdoor\\.jsp\\?…; pslink does not follow redirects$`,
      ),
    );
    expect(stream?.error?.hint).toContain("set sources.salesforce.base_url to");
    expect(describeError(stream?.error)).not.toContain("00Dsession");
    expect(requests.filter((line) => line.startsWith("GET"))).toHaveLength(1);
  });

  it("fails a data answer that is a web page at once, naming the page and the base URL", async () => {
    answer = withToken(
      reply(
        200,
        "text/html; charset=utf-8",
        "<!DOCTYPE html>\n<html><head><title>\n  Login | Salesforce\n</title></head><body>…</body></html>",
      ),
    );
    const stream = await syncAccount();
    expect(stream?.error?.kind).toBe("config");
    expect(stream?.error?.message).toMatch(
      new RegExp(
        `^salesforce GET ${origin}/services/data/v\\d+\\.\\d/query\\?… answered 200 with an HTML page titled "Login \\| Salesforce", not JSON$`,
      ),
    );
    expect(stream?.error?.hint).toBe(
      "that address is not the salesforce API: set sources.salesforce.base_url to the API's own address (not the web application's, a sign-in page or a network's portal)",
    );
    // The same page would come back every time: no retries.
    expect(requests.filter((line) => line.startsWith("GET"))).toHaveLength(1);
  });

  it("names an XML document where JSON was expected, whatever its content type says", async () => {
    answer = withToken(
      reply(
        200,
        "application/octet-stream",
        '<?xml version="1.0" encoding="UTF-8"?>\n<!-- gateway -->\n<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"/>',
      ),
    );
    const stream = await syncAccount();
    expect(stream?.error?.kind).toBe("config");
    expect(stream?.error?.message).toMatch(
      /answered 200 with an XML document \(<soapenv:Envelope>\), not JSON$/,
    );
  });

  it("still retries a JSON page cut short, and says so when the attempts run out", async () => {
    // Mislabelled as a page: the body is what counts.
    answer = withToken(
      reply(
        200,
        "text/html",
        '{"totalSize": 2, "done": true, "records": [{"attributes": {"type": "Acc',
      ),
    );
    const stream = await syncAccount({ max_attempts: 3, backoff_base: 1, backoff_max: 5 });
    expect(stream?.error?.kind).toBe("transient");
    expect(stream?.error?.message).toMatch(
      /still failing after 3 attempts: .* returned a malformed or truncated body$/,
    );
    expect(requests.filter((line) => line.startsWith("GET"))).toHaveLength(3);
  });

  it("fails a token URL that is a web page, or nothing, naming auth.token_url", async () => {
    answer = reply(
      200,
      "text/html",
      "<html><head><title>Sign in to your account</title></head></html>",
    );
    let stream = await syncAccount();
    expect(stream?.error?.kind).toBe("config");
    expect(stream?.error?.message).toBe(
      `salesforce token endpoint ${origin}/services/oauth2/token answered 200 with an HTML page titled "Sign in to your account": no token endpoint is there`,
    );
    expect(stream?.error?.hint).toBe(
      "set sources.salesforce.auth.token_url to the address the vendor issues tokens at (unset, it is derived from base_url)",
    );
    expect(requests).toHaveLength(1);

    answer = reply(404, "text/plain", "Not Found");
    stream = await syncAccount();
    expect(stream?.error?.message).toBe(
      `salesforce token endpoint ${origin}/services/oauth2/token answered 404: no token endpoint is there`,
    );
    expect(requests).toHaveLength(1);

    // A static web server's answer to a POST: not a failure that passes with time.
    answer = reply(501, "text/html", "<html><head><title>Error response</title></head></html>");
    stream = await syncAccount();
    expect(stream?.error?.message).toBe(
      `salesforce token endpoint ${origin}/services/oauth2/token answered 501 with an HTML page titled "Error response": no token endpoint is there`,
    );
    expect(requests).toHaveLength(1);
  });

  it("fails a 501 at once, as a server that does not serve the API's method there", async () => {
    answer = withToken(reply(501, "text/plain", "Not Implemented"));
    const stream = await syncAccount();
    expect(stream?.error?.message).toMatch(/query\?… returned 501$/);
    expect(stream?.error?.hint).toBe(
      `the server at ${origin} does not serve GET there, which the salesforce API does: check sources.salesforce.base_url`,
    );
    expect(requests.filter((line) => line.startsWith("GET"))).toHaveLength(1);
  });

  it("names the page a web server answers an error with when the vendor's error is missing", async () => {
    answer = withToken(
      reply(
        400,
        "text/html",
        "<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head></html>",
      ),
    );
    const stream = await syncAccount();
    expect(stream?.error?.message).toMatch(
      /query\?… returned 400: an HTML page titled "400 The plain HTTP request was sent to HTTPS port"$/,
    );

    // Go's HTTPS server answering plain HTTP: a line of text.
    answer = withToken(
      reply(400, "text/plain; charset=utf-8", "Client sent an HTTP request to an HTTPS server.\n"),
    );
    const text = await syncAccount();
    expect(text?.error?.message).toMatch(
      /query\?… returned 400: "Client sent an HTTP request to an HTTPS server\."$/,
    );
  });

  it("says what a gateway answered when its server errors outlast the retries", async () => {
    answer = withToken(reply(503, "text/plain", "no healthy upstream"));
    const text = await syncAccount({ max_attempts: 2, backoff_base: 10 });
    expect(text?.error?.message).toMatch(
      /query\?… still failing after 2 attempts: server error \(503\): "no healthy upstream"$/,
    );
    answer = withToken(
      reply(502, "text/html", "<html><head><title>502 Bad Gateway</title></head></html>"),
    );
    const page = await syncAccount({ max_attempts: 2, backoff_base: 10 });
    expect(page?.error?.message).toMatch(
      /still failing after 2 attempts: server error \(502\): an HTML page titled "502 Bad Gateway"$/,
    );
  });

  it("gives up on a host that never answers a connection after the connect timeout, not the request's", async () => {
    // A listening socket that never accepts, its one-slot queue taken: the kernel drops every
    // further connection attempt unanswered, as a firewall that drops the traffic does.
    const blackHole = spawn(
      "python3",
      [
        "-c",
        "import socket, time\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen(0)\nprint(s.getsockname()[1], flush=True)\ntime.sleep(120)",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      const [line] = (await once(blackHole.stdout, "data")) as [Buffer];
      const port = Number(line.toString().trim());
      const filler = connect(port, "127.0.0.1");
      await once(filler, "connect");
      const stream = await syncAccount(
        { connect_timeout: 300, timeout: 60_000, max_attempts: 2, backoff_base: 1, backoff_max: 5 },
        `http://127.0.0.1:${port}`,
      );
      filler.destroy();
      // The connection's timeout ended each attempt (the request's is 60 s and says "timeout").
      expect(stream?.error?.message).toMatch(
        /still failing after 2 attempts: network error \(connect timeout\)$/,
      );
      expect(stream?.error?.hint).toBe(
        `nothing answered at http://127.0.0.1:${port}: check sources.salesforce.base_url and the network (a firewall that drops the traffic answers nothing), or raise sources.salesforce.http.connect_timeout (now 0.3 s), then rerun`,
      );
    } finally {
      blackHole.kill();
    }
  });

  it("keeps a permission 403 a config error with a hint", async () => {
    answer = withToken(
      reply(
        403,
        "application/json",
        JSON.stringify([
          { message: "insufficient access rights", errorCode: "INSUFFICIENT_ACCESS" },
        ]),
      ),
    );
    const stream = await syncAccount();
    expect(stream?.error?.kind).toBe("config");
    expect(stream?.error?.message).toContain(
      "returned 403: INSUFFICIENT_ACCESS: insufficient access rights",
    );
    expect(stream?.error?.hint).toContain("lacks a permission");

    // A firewall's page in front of the API: not a permission the user lacks.
    answer = withToken(
      reply(
        403,
        "text/html",
        "<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>Reference #18.2f</BODY></HTML>",
      ),
    );
    const blocked = await syncAccount();
    expect(blocked?.error?.kind).toBe("config");
    expect(blocked?.error?.message).toMatch(/returned 403: an HTML page titled "Access Denied"$/);
    expect(blocked?.error?.hint).toBe(
      "an HTML page titled \"Access Denied\" is not the salesforce API's refusal: something in front of it (a web application firewall, a proxy or a CDN) refused the request; check sources.salesforce.base_url, else ask whoever runs that firewall to let this machine's requests through",
    );
  });

  it("fails a data request refused after a fresh token, naming the auth settings", async () => {
    answer = withToken(
      reply(
        401,
        "application/json",
        JSON.stringify([
          { message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" },
        ]),
      ),
    );
    const stream = await syncAccount();
    expect(stream?.status).toBe("failed");
    expect(stream?.error?.message).toContain("returned 401");
    expect(stream?.error?.hint).toBe(
      "check sources.salesforce.auth in pslink.yml and the secrets it references (environment or .env)",
    );
    // One token refresh, then the same refusal is final: two data requests, no retries.
    expect(requests.filter((line) => line.startsWith("GET"))).toHaveLength(2);
  });

  it("masks a secret the token endpoint echoes in its OAuth error", async () => {
    answer = reply(
      400,
      "application/json",
      JSON.stringify({
        error: "invalid_client",
        error_description: `client_secret ${TOKEN_SECRET} does not match`,
      }),
    );
    const stream = await syncAccount();
    expect(stream?.error?.message).toBe(
      "salesforce token request was refused (400 invalid_client: client_secret *** does not match)",
    );
  });

  it("names auth.token_url, not base_url, when the token URL is a closed port", async () => {
    answer = withToken(reply(200, "application/json", '{"records": [], "done": true}'));
    const closed = await closedPort();
    const stream = await syncAccount(
      { max_attempts: 2, backoff_base: 1, backoff_max: 5 },
      origin,
      closed,
    );
    expect(stream?.error?.message).toBe(
      `salesforce POST ${closed}/services/oauth2/token still failing after 2 attempts: network error (ECONNREFUSED)`,
    );
    expect(stream?.error?.hint).toBe(
      `nothing answered at ${closed}: check sources.salesforce.auth.token_url and the network, then rerun`,
    );
    expect(requests).toHaveLength(0);
  });

  it("says an address that answers another protocol did not answer HTTP, naming its setting", async () => {
    const banner = await tcpServer((socket) => socket.end("SSH-2.0-OpenSSH_9.6\r\n"));
    try {
      const token = await syncAccount({}, origin, banner.origin);
      expect(token?.error?.kind).toBe("config");
      expect(token?.error?.message).toBe(
        `salesforce POST ${banner.origin}/services/oauth2/token failed: ${banner.origin} did not answer in HTTP (Parse Error: Expected HTTP/, RTSP/ or ICE/)`,
      );
      expect(token?.error?.hint).toBe(
        "check sources.salesforce.auth.token_url: its host and port serve something other than the salesforce API's HTTP(S)",
      );
      // The data request's address: base_url.
      answer = withToken(reply(200, "application/json", "{}"));
      const data = await syncAccount({}, banner.origin, origin);
      expect(data?.error?.message).toMatch(
        new RegExp(
          `^salesforce GET ${banner.origin}/services/data/v\\d+\\.0/query\\?… failed: ${banner.origin} did not answer in HTTP`,
        ),
      );
      expect(data?.error?.hint).toContain("check sources.salesforce.base_url: its host and port");
    } finally {
      await banner.close();
    }
  });

  it("gives a request timeout its own fix: the address, or a longer http.timeout", async () => {
    const silent = await tcpServer(() => {}); // takes the connection, never answers
    try {
      answer = withToken(reply(200, "application/json", "{}"));
      const stream = await syncAccount(
        { timeout: 200, max_attempts: 2, backoff_base: 1, backoff_max: 5 },
        silent.origin,
        origin,
      );
      expect(stream?.error?.message).toMatch(
        /still failing after 2 attempts: network error \(timeout\)$/,
      );
      expect(stream?.error?.hint).toBe(
        `no answer from ${silent.origin} within sources.salesforce.http.timeout (now 0.2 s): check sources.salesforce.base_url (something there takes connections but does not answer), or raise sources.salesforce.http.timeout if the API is that slow, then rerun`,
      );
    } finally {
      await silent.close();
    }
  });
});

/** An http:// origin on a loopback port nothing listens on. */
async function closedPort(): Promise<string> {
  const probe = await tcpServer(() => {});
  await probe.close();
  return probe.origin;
}

/** A loopback TCP server that is not HTTP: `onConnection` decides what each connection gets. */
async function tcpServer(onConnection: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const tcp = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => tcp.close(resolve));
    },
  };
}
