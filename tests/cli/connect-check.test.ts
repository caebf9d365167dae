import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";

/** A Kantata address that takes connections and never answers. */
const sockets = new Set<Socket>();
const silent = createServer((socket) => {
  sockets.add(socket);
  socket.on("error", () => {});
});
let origin: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

describe("pslink config check --connect", () => {
  it("tries a source that never answers twice, not max_attempts times, and says to check the address or the timeout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pslink-connect-"));
    writeFileSync(
      join(dir, "pslink.yml"),
      [
        "version: 1",
        "sources:",
        "  kantata:",
        `    base_url: ${origin}/api/v1`,
        "    auth: { kind: bearer, token: '${KT}' }",
        "    http: { timeout: 300ms, max_attempts: 6, backoff_base: 10ms }",
      ].join("\n"),
    );
    const check = await runCli(["-c", join(dir, "pslink.yml"), "config", "check", "--connect"], {
      KT: "k",
    });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      "  connections (at most 2 attempts per source, each line as it answers):\n",
    );
    expect(check.stdout).toMatch(
      /^ {4}kantata +FAILED kantata\.workspace_groups, 2 request\(s\) in [\d.]+s: kantata GET \S+ still failing after 2 attempts: network error \(timeout\)$/m,
    );
    expect(check.stdout).toContain(
      `fix: no answer from ${origin} within sources.kantata.http.timeout (now 0.3 s): check sources.kantata.base_url (something there takes connections but does not answer), or raise sources.kantata.http.timeout if the API is that slow, then rerun`,
    );
  });
});
