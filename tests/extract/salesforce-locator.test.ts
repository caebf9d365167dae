import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opportunityStream } from "../../extractors/salesforce/streams/opportunity-stream.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { landedDifferences } from "./support/world-compare.js";

/**
 * Salesforce pages a query through `nextRecordsUrl` locators, which expire (idle for 15 minutes,
 * or too many open). An expired locator answers 400 INVALID_QUERY_LOCATOR; the query restarts
 * where the delivered records end. Pages of 200 opportunities here.
 */
let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(37);
  // The small world has a few dozen opportunities: 600 more, one a minute, make four pages.
  const opportunities = fixture.sandbox.world.collection("salesforce", "Opportunity");
  const [model] = [...opportunities.scanByKey()];
  for (let i = 0; i < 600; i++) {
    const id = `006LOCATOR${String(i).padStart(8, "0")}`;
    opportunities.upsert({ ...model, Id: id }, Date.now() - 20 * 3_600_000 + i * 60_000);
  }
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();

describe.each(warehouseCases())("salesforce locator expiry on $kind", (warehouse) => {
  it("restarts the query where the delivered records end and lands every opportunity once", async () => {
    const { world, faults, requestLog } = fixture.sandbox;
    const target = await freshTarget(warehouse);
    requestLog.clear();
    // The second locator followed expires: two pages were delivered before it.
    faults.add({ system: "salesforce", kind: "expired_locator", times: 1 });
    const run = await syncSources(fixture.configFor(target), {
      streams: ["salesforce.Opportunity"],
    });
    faults.clear();
    expect(run.streams[0]).toMatchObject({ status: "succeeded" });
    expect(requestLog.count({ system: "salesforce", path: "/query/", status: 400 })).toBe(1);
    // The first query and its restart.
    expect(requestLog.count({ system: "salesforce", path: "/query", status: 200 })).toBeGreaterThan(
      requestLog.count({ system: "salesforce", path: "/query/", status: 200 }),
    );
    const wh = await warehouse.open(target);
    expect(await landedDifferences(world, wh, "salesforce", opportunityStream)).toEqual([]);
  });

  it("keeps restarting while each restart gets further, and gives up on one that does not", async () => {
    const { world, faults } = fixture.sandbox;
    // Every locator expires: each restarted query delivers one page, and that is progress.
    const target = await freshTarget(warehouse);
    faults.add({ system: "salesforce", kind: "expired_locator", times: 1_000 });
    const run = await syncSources(fixture.configFor(target), {
      streams: ["salesforce.Opportunity"],
    });
    expect(run.streams[0]).toMatchObject({ status: "succeeded" });
    const wh = await warehouse.open(target);
    expect(await landedDifferences(world, wh, "salesforce", opportunityStream)).toEqual([]);

    // 250 opportunities of one second, more than a page: a restart from that second delivers
    // the same page again, and the locator after it expires again.
    const opportunities = world.collection("salesforce", "Opportunity");
    const [model] = [...opportunities.scanByKey()];
    const second = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    for (let i = 0; i < 250; i++) {
      opportunities.upsert({ ...model, Id: `006SAMESEC${String(i).padStart(8, "0")}` }, second);
    }
    const stuck = await syncSources(fixture.configFor(await freshTarget(warehouse)), {
      streams: ["salesforce.Opportunity"],
    });
    faults.clear();
    for (let i = 0; i < 250; i++)
      opportunities.remove(`006SAMESEC${String(i).padStart(8, "0")}`, Date.now());
    const [stream] = stuck.streams;
    expect(stream?.status).toBe("failed");
    expect(stream?.error?.message).toBe(
      `salesforce Opportunity: the query locator expired 3 times in a row before any record newer than ${new Date(second).toISOString().slice(0, 19)}Z arrived`,
    );
    expect(stream?.error?.hint).toContain("raise sources.salesforce.batch_size");
  });
});
