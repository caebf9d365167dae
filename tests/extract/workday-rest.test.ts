import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadConfig, type PslinkConfig } from "../../core/config/index.js";
import { Secret } from "../../core/secret.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { workerWid } from "../../sandbox/servers/workday/workday-rows.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { type WarehouseTarget, warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";

/**
 * Workday's REST workers list (`mode: rest`), the alternative to the RaaS report: read whole
 * every run by limit/offset (100 a page) and key-scanned for deletes. REST items are worker
 * summaries (Workday ID, name, work email, title): only those report columns are filled.
 */
let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(29);
  // The small world has 14 workers: 250 more make three pages.
  const workers = fixture.sandbox.world.collection("workday", "workers");
  const [model] = [...workers.scanByKey()];
  for (let i = 0; i < 250; i++) {
    workers.upsert({ ...model, Employee_ID: `REST${String(i).padStart(4, "0")}` }, Date.now());
  }
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();

/** The sandbox's config in REST mode, which takes an OAuth refresh token (not Basic auth). */
function restConfig(target: WarehouseTarget): PslinkConfig {
  const config = fixture.configFor(target);
  const workday = config.sources.workday;
  if (!workday) throw new Error("the sandbox config has no workday source");
  const { clientId, clientSecret, refreshToken } = fixture.sandbox.credentials.workday;
  const auth = {
    kind: "oauth2_refresh_token" as const,
    client_id: clientId,
    client_secret: new Secret(clientSecret),
    refresh_token: new Secret(refreshToken),
  };
  return {
    ...config,
    sources: { ...config.sources, workday: { ...workday, mode: "rest", auth } },
  };
}

/** What REST mode can land of each live worker: its Workday ID, name and work email. */
function expectedRows(): string[] {
  const workers = fixture.sandbox.world.collection("workday", "workers");
  return [...workers.scan()]
    .map((w) => JSON.stringify([workerWid(w.Employee_ID), w.Worker, w.Email || null, null]))
    .sort();
}

async function landedRows(wh: Warehouse): Promise<string[]> {
  const rows = await wh.query<Record<string, unknown>>(
    "select employee_id, worker, email, hire_date from src_workday.workers where _pslink_deleted_at is null",
  );
  return rows
    .map((r) => JSON.stringify([r.employee_id, r.worker, r.email, r.hire_date ?? null]))
    .sort();
}

describe.each(warehouseCases())("workday REST workers on $kind", (warehouse) => {
  it("lands exactly the sandbox's workers, and a worker removed while the list is read shifts none out", async () => {
    const { world, faults, requestLog } = fixture.sandbox;
    const workers = world.collection("workday", "workers");
    const target = await freshTarget(warehouse);
    const config = restConfig(target);
    const first = await syncSources(config, { streams: ["workday.workers"] });
    expect(first.streams[0]).toMatchObject({
      status: "succeeded",
      mode: "full",
      quarantinedRows: 0,
      driftFields: [],
    });
    const wh = await warehouse.open(target);
    expect(await landedRows(wh)).toEqual(expectedRows());

    // The second page answers slowly; meanwhile a worker of the first page goes. Every later
    // worker moves a place earlier: one of them onto the page already read.
    const [, gone] = [...workers.scanByKey()];
    const goneId = String(gone?.Employee_ID);
    const goneWid = workerWid(goneId);
    requestLog.clear();
    faults.add({ system: "workday", path: "/workers", kind: "slow", delay_ms: 800, times: 2 });
    const run = syncSources(config, { streams: ["workday.workers"] });
    while (requestLog.count({ system: "workday", path: "/workers" }) < 1) await sleep(10);
    workers.remove(goneId, Date.now());
    const [second] = (await run).streams;
    // The shift was seen and the list read again (three pages, twice): no live worker is
    // soft-deleted. The removed one was read before it went; the next scan deletes it.
    expect(second).toMatchObject({ status: "succeeded", deletedRows: 0 });
    expect(requestLog.count({ system: "workday", path: "/workers" })).toBeGreaterThanOrEqual(5);
    const softDeleted = () =>
      wh.query<{ employee_id: string }>(
        "select employee_id from src_workday.workers where _pslink_deleted_at is not null",
      );
    expect(await softDeleted()).toEqual([]);
    expect((await landedRows(wh)).length).toBe(expectedRows().length + 1);

    const [third] = (await syncSources(config, { streams: ["workday.workers"] })).streams;
    expect(third).toMatchObject({ status: "succeeded", deletedRows: 1 });
    expect(await softDeleted()).toEqual([{ employee_id: goneWid }]);
    expect(await landedRows(wh)).toEqual(expectedRows());
  });
});

describe("workday REST mode config", () => {
  it("refuses Basic auth, which Workday's REST API does not take", async () => {
    const doc = parse(await readFile(join(fixture.dir, "pslink.yml"), "utf8")) as {
      sources: { workday: Record<string, unknown> };
    };
    doc.sources.workday.mode = "rest";
    const path = join(fixture.dir, "pslink-rest-basic.yml");
    await writeFile(path, stringify(doc));
    expect(() => loadConfig(path)).toThrow(/mode: rest needs auth kind oauth2_refresh_token/);
  });
});
