import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type PslinkConfig } from "../../core/config/index.js";
import { createWriter } from "../../reverse-etl/writers/create-writer.js";
import { type SandboxHandle, startSandbox } from "../../sandbox/sandbox.js";
import { writeSandboxConfig } from "../../sandbox/sandbox-config.js";
import { customFieldValues } from "../../sandbox/servers/kantata/custom-field-values.js";

/**
 * Kantata documents `subject_type` as the custom field values list's only filter. The writer asks
 * for one subject (`subject_id`) but must find a value on a tenant that ignores that filter too:
 * here the sandbox's Kantata is reached through a proxy that drops `subject_id` from each list
 * request, with more values of the same subject type than one page holds.
 */
describe("reading a Kantata custom field value", () => {
  let sandbox: SandboxHandle;
  let proxy: Server;
  let dir: string;
  let config: PslinkConfig;
  const requests: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ size: "small", seed: 3 });
    const upstream = sandbox.urls.kantata;
    proxy = createServer(async (request, response) => {
      const url = new URL(request.url ?? "/", upstream);
      url.searchParams.delete("subject_id");
      requests.push(`${url.pathname}?${url.searchParams}`);
      const forwarded = await fetch(url, {
        headers: { authorization: request.headers.authorization ?? "" },
      });
      response.writeHead(forwarded.status, { "content-type": "application/json" });
      response.end(await forwarded.text());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    dir = await mkdtemp(join(tmpdir(), "pslink-cfv-"));
    const written = writeSandboxConfig(sandbox, dir);
    config = loadConfig(written.config);
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy?.close(resolve));
    await sandbox?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("pages on until the subject's value is found when the tenant ignores the subject filter", async () => {
    const values = customFieldValues(sandbox.world);
    // 450 values of other groups, updated before the one looked for: it is on the third page.
    for (let i = 0; i < 450; i++) {
      values.upsert(
        {
          id: String(880_000 + i),
          subject_type: "WorkspaceGroup",
          subject_id: String(770_000 + i),
          custom_field_id: "1",
          value: `Other ${i}`,
          created_at: "2026-11-01T00:00:00Z",
          updated_at: "",
        },
        Date.now() - 60_000,
      );
    }
    values.upsert(
      {
        id: "889999",
        subject_type: "WorkspaceGroup",
        subject_id: "779999",
        custom_field_id: "1",
        value: "Wanted",
        created_at: "2026-11-01T00:00:00Z",
        updated_at: "",
      },
      Date.now(),
    );
    const address = proxy.address() as AddressInfo;
    const kantata = config.sources.kantata;
    if (!kantata) throw new Error("the sandbox config has no kantata source");
    const proxied = {
      ...config,
      sources: {
        ...config.sources,
        kantata: { ...kantata, base_url: `http://127.0.0.1:${address.port}/api/v1` },
      },
    };
    const writer = createWriter("kantata", proxied);

    requests.length = 0;
    const found = await writer.read("custom_field_values", "WorkspaceGroup:779999:1");
    expect(found).toMatchObject({ id: "889999", subject_id: "779999", value: "Wanted" });
    expect(requests.map((r) => new URLSearchParams(r.split("?")[1]).get("page"))).toEqual([
      "1",
      "2",
      "3",
    ]);

    // A value that is not there is looked for to the last page, then reported absent.
    requests.length = 0;
    expect(await writer.read("custom_field_values", "WorkspaceGroup:779999:2")).toBeUndefined();
    expect(requests).toHaveLength(3);
    expect(await writer.findByExternalId("custom_field_values", "WorkspaceGroup:779999:2")).toBe(
      undefined,
    );
  });

  it("reads one page when the tenant applies the subject filter", async () => {
    const writer = createWriter("kantata", config);
    const lists = () =>
      sandbox.requestLog.count({ system: "kantata", path: "/custom_field_values.json" });
    const before = lists();
    const found = await writer.read("custom_field_values", "WorkspaceGroup:779999:1");
    expect(found).toMatchObject({ value: "Wanted" });
    expect(lists() - before).toBe(1);
  });
});
