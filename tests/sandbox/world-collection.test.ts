import { describe, expect, it } from "vitest";
import { suiteqlStamp } from "../../sandbox/world/calendar.js";
import { compareIds, MemoryCollection } from "../../sandbox/world/memory-collection.js";
import { Rng } from "../../sandbox/world/rng.js";

const make = () =>
  new MemoryCollection({
    system: "netsuite",
    name: "timebill",
    primaryKey: "id",
    modifiedField: "lastmodifieddate",
    formatModified: suiteqlStamp,
  });

describe("MemoryCollection", () => {
  it("scans by (modified, id) with half-open ranges and by numeric key", () => {
    const c = make();
    c.upsert({ id: "10", hours: 1 }, 2000);
    c.upsert({ id: "9", hours: 1 }, 2000);
    c.upsert({ id: "100", hours: 1 }, 1000);
    expect([...c.scan()].map((r) => r.id)).toEqual(["100", "9", "10"]);
    expect([...c.scan({ fromMs: 1500, toMs: 2000 })]).toEqual([]);
    expect([...c.scan({ fromMs: 2000 })].map((r) => r.id)).toEqual(["9", "10"]);
    expect([...c.scanByKey()].map((r) => r.id)).toEqual(["9", "10", "100"]);
    expect([...c.scanByKey({ afterKey: "9" })].map((r) => r.id)).toEqual(["10", "100"]);
    expect(c.get("9")?.lastmodifieddate).toBe("1970-01-01 00:00:02");
  });

  it("moves re-stamped records and forgets removed ones, remembering the deletion", () => {
    const c = make();
    for (let i = 1; i <= 5; i += 1) c.upsert({ id: String(i) }, i * 1000);
    expect([...c.scan()]).toHaveLength(5);
    c.upsert({ id: "2" }, 9000);
    expect(c.remove("3", 9500)).toBe(true);
    expect(c.remove("3", 9600)).toBe(false);
    expect([...c.scan()].map((r) => r.id)).toEqual(["1", "4", "5", "2"]);
    expect([...c.scanByKey()].map((r) => r.id)).toEqual(["1", "2", "4", "5"]);
    expect(c.size).toBe(4);
    expect([...c.deleted({ fromMs: 9000 })].map((d) => [d.id, d.deletedMs])).toEqual([["3", 9500]]);
  });

  it("keeps both orders exact through interleaved writes, removals, re-inserts and reads", () => {
    const c = make();
    const rng = new Rng(5);
    const model = new Map<string, number>();
    let clock = 1_000_000;
    for (let step = 0; step < 3000; step += 1) {
      const roll = rng.float();
      const id = String(rng.int(1, roll < 0.3 ? 3000 : 400));
      if (roll < 0.15 && model.has(id)) {
        c.remove(id, clock);
        model.delete(id);
      } else {
        // Mostly stamped now (the append path); sometimes back in time (the merge path).
        const ms = roll < 0.9 ? clock : clock - rng.int(0, 500_000);
        c.upsert({ id }, ms);
        // The same record written twice at one instant must still appear once.
        if (roll > 0.8) c.upsert({ id }, ms);
        model.set(id, ms);
      }
      clock += rng.int(0, 2) * 1000;
      if (step % 97 !== 0 && step % 13 !== 0) continue;
      const byKey = [...model.keys()].sort(compareIds);
      expect([...c.scanByKey()].map((r) => r.id)).toEqual(byKey);
      const after = byKey[Math.floor(byKey.length / 2)];
      expect([...c.scanByKey({ afterKey: after })].map((r) => r.id)).toEqual(
        byKey.filter((k) => compareIds(k, after!) > 0),
      );
      const byTime = [...model].sort(([a, x], [b, y]) => x - y || compareIds(a, b)).map(([k]) => k);
      expect([...c.scan()].map((r) => r.id)).toEqual(byTime);
      expect(c.maxModifiedMs()).toBe(Math.max(0, ...model.values()));
      expect(c.size).toBe(model.size);
    }
  });
});
