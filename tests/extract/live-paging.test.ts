import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncSources } from "../../extractors/sync-sources.js";
import type { Collection } from "../../sandbox/world/types.js";
import { type WarehouseCase, type WarehouseTarget, warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";

/**
 * Kantata and NetSuite page their live tables (as the sandbox does): a record that changes or
 * goes away behind a client paging by offset shifts every later record a place earlier. The
 * extractors seek instead, so no unchanged record is ever skipped.
 */
let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(23);
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();

const STREAMS = [
  {
    system: "kantata",
    collection: "time_entries",
    path: "time_entries",
    table: "src_kantata.time_entries",
  },
  { system: "netsuite", collection: "timebill", path: "suiteql", table: "src_netsuite.timebill" },
] as const;

describe.each(warehouseCases())("paging a live table on $kind", (warehouse) => {
  it.each(STREAMS)(
    "$system $collection: a record updated and one deleted behind the reader skip nothing",
    async ({ system, collection, path, table }) => {
      const { faults, world, requestLog } = fixture.sandbox;
      const records = world.collection(system, collection);
      const [oldest, second] = [...records.scan()];
      if (!oldest || !second) throw new Error("the sandbox world has no records to page");
      requestLog.clear();
      // The first pages answer slowly: the changes land while the reader is past page 1.
      faults.add({ system, path, kind: "slow", delay_ms: 1_000, times: 2 });
      const target = await freshTarget(warehouse);
      const run = syncSources(fixture.configFor(target), {
        streams: [`${system}.${collection}`],
      });
      while (requestLog.count({ system, path }) < 1) await sleep(20);
      records.upsert({ ...oldest }, Date.now());
      records.remove(String(second[records.primaryKey]), Date.now());

      const [result] = (await run).streams;
      expect(result?.status).toBe("succeeded");
      // Every live record landed. The deleted one was read before it went, and stays until an
      // incremental run learns of the delete.
      const landed = await liveKeys(warehouse, target, table, records);
      const missing = [...keysOf(records)].filter((key) => !landed.has(key));
      expect(missing).toEqual([]);
      expect(landed.size).toBe(records.size + 1);
    },
  );

  it.each(STREAMS)(
    "$system $collection: a second holding more records than a page is read whole, once",
    async ({ system, collection, table }) => {
      const records = fixture.sandbox.world.collection(system, collection);
      // 250 records stamped in the same second; the fixture's pages hold 100.
      const second = Math.floor(Date.now() / 1000) * 1000 - 60_000;
      for (const record of [...records.scan()].slice(0, 250)) records.upsert({ ...record }, second);

      const target = await freshTarget(warehouse);
      let toMs = 0;
      const [result] = (
        await syncSources(fixture.configFor(target), {
          streams: [`${system}.${collection}`],
          onEvent: (event) => {
            if (event.type === "stream-started") toMs = event.toMs;
          },
        })
      ).streams;
      expect(result?.status).toBe("succeeded");
      // The records of the window (one written in the last seconds waits for the next run).
      const expected = new Set(
        [...records.scan({ toMs })].map((record) => String(record[records.primaryKey])),
      );
      const landed = await liveKeys(warehouse, target, table, records);
      expect([...expected].filter((key) => !landed.has(key))).toEqual([]);
      expect(landed.size).toBe(expected.size);
      expect(result?.recordsRead).toBe(expected.size);
    },
  );
});

function keysOf(records: Collection): Set<string> {
  return new Set([...records.scanByKey()].map((record) => String(record[records.primaryKey])));
}

async function liveKeys(
  warehouse: WarehouseCase,
  target: WarehouseTarget,
  table: string,
  records: Collection,
): Promise<Set<string>> {
  const wh = await warehouse.open(target);
  const column = records.primaryKey.toLowerCase();
  const rows = await wh.query<{ key: unknown }>(
    `select ${column} as key from ${table} where _pslink_deleted_at is null`,
  );
  return new Set(rows.map((row) => String(row.key)));
}
