import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { opportunityStream } from "../../extractors/salesforce/streams/opportunity-stream.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { landedDifferences } from "./support/world-compare.js";

/**
 * Salesforce's delete feed (`GET /sobjects/<Object>/deleted/?start=&end=`) says how much of a
 * window it vouches for: `earliestDateAvailable` moves past entries purged early (recycle bin
 * emptied), and `latestDateCovered` is where the next call must start.
 */
let fixture: SandboxSync;
// A sandbox per test: a purge in one would leave the other's feed purged too.
beforeEach(async () => {
  // No lookback: the next window starts exactly where the cursor stopped.
  fixture = await startSandboxSync(41, {
    sources: { salesforce: { streams: { Opportunity: { lookback: "0s" } } } },
  });
});
afterEach(() => fixture.close());
const freshTarget = freshTargets();
const OPPORTUNITY = { streams: ["salesforce.Opportunity"], safetyLagMs: 0 };

/** Hard-deletes `count` live opportunities at `atMs` (default now); returns their ids. */
function deleteOpportunities(count: number, atMs = Date.now()): string[] {
  const opportunities = fixture.sandbox.world.collection("salesforce", "Opportunity");
  const ids = [...opportunities.scanByKey()].slice(0, count).map((record) => String(record.Id));
  for (const id of ids) opportunities.remove(id, atMs);
  return ids;
}

/** Waits until the clock is well inside a minute, so a window's end is not a whole minute. */
async function offTheMinute(): Promise<void> {
  while (Date.now() % 60_000 < 3_000 || Date.now() % 60_000 > 55_000) await sleep(500);
}

describe.each(warehouseCases())("salesforce delete feed on $kind", (warehouse) => {
  it("reads deletes from the feed, and falls back to a key scan once the log was purged early", async () => {
    const { sandbox } = fixture;
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    expect((await syncSources(config, OPPORTUNITY)).streams[0]).toMatchObject({ mode: "full" });

    deleteOpportunities(2);
    await sleep(1_100);
    const fed = await syncSources(config, OPPORTUNITY);
    expect(fed.streams[0]).toMatchObject({
      status: "succeeded",
      mode: "incremental",
      deletedRows: 2,
    });

    // Emptied from the recycle bin before the next run: the feed no longer lists them.
    deleteOpportunities(3);
    const purge = await fetch(`${sandbox.urls.salesforce}/__sandbox/salesforce/purge-deleted`, {
      method: "POST",
      body: JSON.stringify({ objects: ["Opportunity"] }),
    });
    expect(((await purge.json()) as { purged: number }).purged).toBeGreaterThanOrEqual(3);
    await sleep(1_100);
    const scanned = await syncSources(config, OPPORTUNITY);
    expect(scanned.streams[0]).toMatchObject({ status: "succeeded", mode: "full", deletedRows: 3 });
    const wh = await warehouse.open(target);
    expect(await landedDifferences(sandbox.world, wh, "salesforce", opportunityStream)).toEqual([]);
  });

  it("stops the cursor at latestDateCovered, so the next run asks again from there", async () => {
    const { sandbox } = fixture;
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    await syncSources(config, OPPORTUNITY);
    await offTheMinute();
    const run = await syncSources(config, OPPORTUNITY);
    const [stream] = run.streams;
    expect(stream).toMatchObject({ status: "succeeded", mode: "incremental" });
    // The sandbox covers deletes up to the window's end, down to the minute.
    const covered = Math.floor(Date.parse(run.startedAt) / 60_000) * 60_000;
    expect(stream?.cursorAfter).toBe(covered);

    // A delete that settled after the feed was asked, stamped between its coverage and the
    // window's end: only a run that starts again from the coverage sees it.
    const late = deleteOpportunities(1, covered + 500);
    await sleep(1_100);
    const next = await syncSources(config, OPPORTUNITY);
    expect(next.streams[0]).toMatchObject({ mode: "incremental", deletedRows: 1 });
    const wh = await warehouse.open(target);
    expect(late).toHaveLength(1);
    expect(await landedDifferences(sandbox.world, wh, "salesforce", opportunityStream)).toEqual([]);
  });
});
