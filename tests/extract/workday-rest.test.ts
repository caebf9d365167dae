import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncSources } from "../../extractors/sync-sources.js";
import { workersStream } from "../../extractors/workday/streams/workers-stream.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { landedDifferences } from "./support/world-compare.js";

/**
 * Workday's REST workers list (`mode: rest`), the alternative to the RaaS report: read whole
 * every run by limit/offset (100 a page) and key-scanned for deletes.
 */
let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(29, { sources: { workday: { mode: "rest" } } });
  // The small world has 14 workers: 250 more make three pages.
  const workers = fixture.sandbox.world.collection("workday", "workers");
  const [model] = [...workers.scanByKey()];
  for (let i = 0; i < 250; i++) {
    workers.upsert({ ...model, Employee_ID: `REST${String(i).padStart(4, "0")}` }, Date.now());
  }
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();

describe.each(warehouseCases())("workday REST workers on $kind", (warehouse) => {
  it("lands exactly the sandbox's workers, and a worker removed while the list is read shifts none out", async () => {
    const { world, faults, requestLog } = fixture.sandbox;
    const workers = world.collection("workday", "workers");
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    const first = await syncSources(config, { streams: ["workday.workers"] });
    expect(first.streams[0]).toMatchObject({ status: "succeeded", mode: "full" });
    const wh = await warehouse.open(target);
    const landed = () => landedDifferences(world, wh, "workday", workersStream);
    expect(await landed()).toEqual([]);

    // The second page answers slowly; meanwhile a worker of the first page goes. Every later
    // worker moves a place earlier: one of them onto the page already read.
    const [, gone] = [...workers.scanByKey()];
    const goneId = String(gone?.Employee_ID);
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
    expect(await landed()).toEqual([`${goneId}: unexpected`]);

    const [third] = (await syncSources(config, { streams: ["workday.workers"] })).streams;
    expect(third).toMatchObject({ status: "succeeded", deletedRows: 1 });
    expect(await softDeleted()).toEqual([{ employee_id: goneId }]);
    expect(await landed()).toEqual([]);
  });
});
