import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { networkInterfaces } from "node:os";
import { createProxy, type ProxyServer } from "proxy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeError } from "../../core/errors.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";

/** This machine's first address beyond loopback (loopback hosts are never proxied). */
const address = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry?.family === "IPv4" && !entry.internal)?.address;
if (!address) console.warn("skipping the proxy tests: no network address beyond loopback");

const [duckdb] = warehouseCases();
const freshTarget = freshTargets();
const PASSWORD = "proxy-pw-5b1d";

/**
 * Behind a corporate proxy: every source request goes through the proxy HTTP_PROXY/HTTPS_PROXY
 * name (with its credentials), hosts NO_PROXY lists go direct, and a proxy that refuses the
 * credentials fails the sources with an error that names the proxy and never its password.
 */
describe.skipIf(!address)("syncing through an HTTP proxy", () => {
  let fixture: SandboxSync;
  let proxy: ProxyServer;
  const seen: IncomingMessage[] = [];
  const tunnels = new Set<Socket>();
  const saved = { ...process.env };
  let proxyUrl = "";

  beforeAll(async () => {
    fixture = await startSandboxSync(43, { host: address });
    proxy = createProxy(createServer());
    proxy.authenticate = (req) => {
      seen.push(req);
      const given = req.headers["proxy-authorization"] ?? "";
      return given === `Basic ${Buffer.from(`pslink:${PASSWORD}`).toString("base64")}`;
    };
    // Tunnels stay open while pslink keeps their connections alive: closed with the proxy.
    proxy.on("connect", (_req: IncomingMessage, socket: Socket) => tunnels.add(socket));
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    proxyUrl = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    process.env = saved;
    for (const socket of tunnels) socket.destroy();
    await new Promise((resolve) => proxy?.close(resolve));
    await fixture?.close();
  });
  const useEnv = (env: Record<string, string>) => {
    process.env = { ...saved, ...env };
  };

  it("sends every request through the proxy with its credentials", async () => {
    useEnv({ HTTP_PROXY: `http://pslink:${PASSWORD}@${proxyUrl}` });
    seen.length = 0;
    const summary = await syncSources(fixture.configFor(await freshTarget(duckdb!)));
    expect(summary.status).toBe("succeeded");
    // Each kept-alive connection is one CONNECT tunnel to a sandbox system, and authenticated.
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((req) => `${req.method} ${req.url?.split(":")[0]}`))).toEqual(
      new Set([`CONNECT ${address}`]),
    );
  });

  it("goes direct to hosts NO_PROXY lists", async () => {
    useEnv({ HTTP_PROXY: `http://pslink:${PASSWORD}@${proxyUrl}`, NO_PROXY: address ?? "" });
    seen.length = 0;
    const summary = await syncSources(fixture.configFor(await freshTarget(duckdb!)));
    expect(summary.status).toBe("succeeded");
    expect(seen).toEqual([]);
  });

  it("fails the sources naming the proxy when it refuses the credentials, never printing them", async () => {
    useEnv({ HTTP_PROXY: `http://pslink:wrong-${PASSWORD}@${proxyUrl}` });
    const summary = await syncSources(fixture.configFor(await freshTarget(duckdb!)));
    expect(summary.status).toBe("failed");
    const said = summary.streams.map((stream) => describeError(stream.error)).join("\n");
    expect(said).toMatch(
      /failed: the proxy at http:\/\/127\.0\.0\.1:\d+ answered 407\n\s*fix: the proxy refused pslink's credentials/,
    );
    expect(said).not.toContain(PASSWORD);
    expect(JSON.stringify(summary.streams.map((s) => s.error?.details ?? null))).not.toContain(
      PASSWORD,
    );
  });
});
