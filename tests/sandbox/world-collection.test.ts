import { describe, expect, it } from "vitest";
import { suiteqlStamp } from "../../sandbox/world/calendar.js";
import { MemoryCollection } from "../../sandbox/world/memory-collection.js";

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
});
