import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PslinkConfig } from "../../core/config/index.js";
import { type RunSummary, syncSources } from "../../extractors/sync-sources.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import {
  allStreams,
  differences,
  landedContent,
  type StreamContent,
  tableCounts,
  worldContent,
} from "./support/world-compare.js";

/** Each test mutates its own world (advance consumes the pool of editable records). */
let fixture: SandboxSync;
beforeEach(async () => {
  fixture = await startSandboxSync(42);
});
afterEach(() => fixture.close());
const freshTarget = freshTargets();

/** Streams' counters of a run, by `system.stream`. */
function counters(summary: RunSummary) {
  return Object.fromEntries(
    summary.streams.map((s) => [
      `${s.system}.${s.stream}`,
      { new: s.newRows, changed: s.changedRows, deleted: s.deletedRows, mode: s.mode },
    ]),
  );
}

/** Current state of every stream equals the sandbox's records. */
async function expectWorldLanded(wh: Warehouse, streams = allStreams()): Promise<void> {
  for (const { system, stream } of streams) {
    const landed = await landedContent(wh, system, stream);
    expect(
      differences(worldContent(fixture.sandbox.world, system, stream), landed),
      `${system}.${stream.name}`,
    ).toEqual([]);
  }
}

/** Records stamped at the advance fall inside the next window once the safety lag has passed. */
const afterSafetyLag = () => sleep(3_100);

describe.each(warehouseCases())("incremental sync on $kind", (warehouse) => {
  it("follows world.advance with an incremental run, then a rerun changes nothing", async () => {
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    const first = await syncSources(config);
    expect(first.status).toBe("succeeded");
    const wh = await warehouse.open(target);
    const before = new Map<string, StreamContent>();
    for (const { system, stream } of allStreams())
      before.set(`${system}.${stream.name}`, await landedContent(wh, system, stream));

    const report = fixture.sandbox.world.advance({
      inserts: 4,
      updates: 4,
      backdated: 3,
      deletes: 4,
      lateArrivals: 3,
    });
    expect(Object.values(report.late).flat().length).toBeGreaterThan(0);
    await afterSafetyLag();
    const second = await syncSources(config);
    expect(second.status).toBe("succeeded");
    const runs = counters(second);
    expect(Object.values(runs).every((run) => run.mode === "incremental")).toBe(true);

    for (const { system, stream } of allStreams()) {
      const name = `${system}.${stream.name}`;
      const was = before.get(name) ?? new Map();
      const world = worldContent(fixture.sandbox.world, system, stream);
      const landed = await landedContent(wh, system, stream);
      // Only Salesforce has a delete feed; elsewhere deleted keys stay live until the key scan.
      const pendingDeletes = new Set(system === "salesforce" ? [] : (report.deleted[name] ?? []));
      const diff = differences(world, landed).filter(
        (d) => !(d.endsWith(": unexpected") && pendingDeletes.has(d.split(":")[0] ?? "")),
      );
      expect(diff, name).toEqual([]);
      const added = [...world.keys()].filter((key) => !was.has(key)).length;
      const changed = [...world.keys()].filter(
        (key) => was.has(key) && was.get(key) !== world.get(key),
      ).length;
      const deleted =
        system === "salesforce" ? [...was.keys()].filter((key) => !world.has(key)).length : 0;
      expect(runs[name], name).toMatchObject({ new: added, changed, deleted });
    }
    expect(
      Object.values(runs).reduce((total, run) => total + run.new + run.changed, 0),
    ).toBeGreaterThan(0);

    const rawBefore = await Promise.all(
      allStreams().map(({ system, stream }) => tableCounts(wh, system, stream)),
    );
    const third = await syncSources(config);
    expect(Object.values(counters(third)).filter((c) => c.new + c.changed + c.deleted > 0)).toEqual(
      [],
    );
    const rawAfter = await Promise.all(
      allStreams().map(({ system, stream }) => tableCounts(wh, system, stream)),
    );
    expect(rawAfter).toEqual(rawBefore);
  });

  it("leaves changes stamped after the window's end to the next run, in every system", async () => {
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    await syncSources(config);
    // Stamped now: past this run's window, which ends the safety lag before the run starts.
    fixture.sandbox.world.advance({ inserts: 4, updates: 4 });
    const early = await syncSources(config);
    expect(Object.values(counters(early)).filter((c) => c.new + c.changed + c.deleted > 0)).toEqual(
      [],
    );
    await afterSafetyLag();
    const next = await syncSources(config);
    expect(
      Object.values(counters(next)).reduce((total, c) => total + c.new + c.changed, 0),
    ).toBeGreaterThan(0);
    await expectWorldLanded(await warehouse.open(target));
  });

  it("does not take records changed after a key scan's window end for deleted", async () => {
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    await syncSources(config);
    fixture.sandbox.world.advance({ inserts: 4, updates: 4 });
    // At once: the changed records' stamps are past the scan's window end.
    const scan = await syncSources(config, { fullRefresh: true });
    expect(scan.status).toBe("succeeded");
    expect(Object.values(counters(scan)).filter((c) => c.deleted > 0)).toEqual([]);
    await expectWorldLanded(await warehouse.open(target));
  });

  it("closes the quarantine rows of records deleted at the source", async () => {
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    const { world } = fixture.sandbox;
    const broken = world.breakRecords({ system: "kantata", collection: "time_entries", count: 2 });
    await afterSafetyLag();
    await syncSources(config, { sources: ["kantata"], streams: ["time_entries"] });
    const wh = await warehouse.open(target);
    const open = () =>
      wh.query<{ record_key: string }>(
        "select record_key from pslink.quarantine where resolved_at is null order by record_key",
      );
    expect((await open()).map((row) => row.record_key)).toEqual([...broken].sort());
    const gone = broken[0] ?? "";
    world.collection("kantata", "time_entries").remove(gone, Date.now());
    const scan = await syncSources(config, {
      sources: ["kantata"],
      streams: ["time_entries"],
      fullRefresh: true,
    });
    expect(scan.status).toBe("succeeded");
    // The record still broken at the source stays quarantined; the deleted one's row closes.
    expect((await open()).map((row) => row.record_key)).toEqual(broken.filter((id) => id !== gone));
  });

  it("soft-deletes vanished keys when the key scan is due", async () => {
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    await syncSources(config, { sources: ["kantata"] });
    const report = fixture.sandbox.world.advance({ deletes: 4 });
    const gone = [
      ...(report.deleted["kantata.time_entries"] ?? []),
      ...(report.deleted["kantata.expenses"] ?? []),
    ];
    expect(gone.length).toBeGreaterThan(0);
    await afterSafetyLag();
    const kantata = config.sources.kantata;
    if (!kantata) throw new Error("the sandbox config has no kantata source");
    const due = Object.fromEntries(
      allStreams()
        .filter((s) => s.system === "kantata")
        .map((s) => [s.stream.name, { enabled: true, delete_scan_every: 1000 }]),
    );
    const scanning: PslinkConfig = {
      ...config,
      sources: { ...config.sources, kantata: { ...kantata, streams: due } },
    };
    const summary = await syncSources(scanning, { sources: ["kantata"] });
    expect(summary.streams.every((s) => s.mode === "full")).toBe(true);
    expect(summary.streams.reduce((total, s) => total + s.deletedRows, 0)).toBe(gone.length);
    const wh = await warehouse.open(target);
    await expectWorldLanded(
      wh,
      allStreams().filter((s) => s.system === "kantata"),
    );
    const deleted = await wh.query<{ id: string }>(
      "select id from src_kantata.time_entries where _pslink_deleted_at is not null union all select id from src_kantata.expenses where _pslink_deleted_at is not null",
    );
    expect(deleted.map((row) => row.id).sort()).toEqual([...gone].sort());
  });
});
