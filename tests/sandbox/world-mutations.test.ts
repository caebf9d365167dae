import { describe, expect, it } from "vitest";
import type { Collection, RuleId, SandboxRecord } from "../../sandbox/world/types.js";
import { createWorld } from "../../sandbox/world/world.js";
import { AS_OF, comparable, fixedWorld, NOW } from "./world-test-helpers.js";

const RULES: RuleId[] = [
  "R01",
  "R02",
  "R03",
  "R04",
  "R05",
  "R06",
  "R07",
  "R08",
  "R09",
  "R10",
  "R11",
  "R12",
  "R13",
  "R14",
  "R15",
];

const modifiedMs = (c: Collection, r: SandboxRecord) => {
  const value = String(r[c.modifiedField]);
  return Date.parse(
    c.system === "netsuite" ? `${value.replace(" ", "T")}Z` : value.replace("+0000", "Z"),
  );
};

describe("fix", () => {
  it.each(RULES)(
    "fix({ rule: %s }) removes exactly that rule's cases and keeps the rest",
    (rule) => {
      let now = NOW;
      const world = createWorld({ size: "small", seed: 7, asOf: AS_OF, now: () => now });
      const before = comparable(world.groundTruth().entries);
      const expected = world
        .plantedCases()
        .filter((c) => c.rule_id === rule)
        .map((c) => c.case_id);
      now += 60_000;
      expect(world.fix({ rule }).sort()).toEqual(expected.sort());
      const after = comparable(world.groundTruth().entries);
      for (const [key, value] of before)
        if (!key.startsWith(`${rule}|`)) expect(after.get(key)).toEqual(value);
      expect([...after.keys()].filter((k) => k.startsWith(`${rule}|`))).toEqual([]);
      expect(after.size).toBe(before.size - expected.length);
    },
  );

  it("fixes only the named cases, at most count", () => {
    const world = fixedWorld();
    const ids = world
      .plantedCases()
      .slice(0, 5)
      .map((c) => c.case_id);
    expect(world.fix({ caseIds: ids, count: 2 })).toHaveLength(2);
    expect(world.groundTruth().entries).toHaveLength(world.plantedCases().length - 2);
    expect(world.fix({ caseIds: ids })).toHaveLength(3);
  });
});

describe("advance", () => {
  it("stamps what it changes at now, late arrivals within 10 minutes, and plants nothing", () => {
    let now = NOW;
    const world = createWorld({ size: "small", seed: 7, asOf: AS_OF, now: () => now });
    const before = comparable(world.groundTruth().entries);
    let previousMax = 0;
    for (const system of ["salesforce", "netsuite", "kantata", "workday"] as const) {
      for (const c of world.collections(system))
        for (const r of c.scan()) previousMax = Math.max(previousMax, modifiedMs(c, r));
    }
    now += 3_600_000;
    const report = world.advance({
      inserts: 5,
      updates: 6,
      backdated: 3,
      deletes: 8,
      lateArrivals: 4,
    });
    expect(report.atMs).toBe(now);
    expect(report.inserted["kantata.time_entries"]).toHaveLength(12);
    expect(report.updated["kantata.time_entries"]).toHaveLength(6);
    expect(report.deleted["kantata.time_entries"]?.length).toBeGreaterThan(0);
    for (const [kind, byCollection] of [
      ["inserted", report.inserted],
      ["updated", report.updated],
    ] as const) {
      for (const [key, ids] of Object.entries(byCollection)) {
        const [system, name] = key.split(".") as ["kantata", string];
        const c = world.collection(system, name);
        for (const id of ids) {
          const ms = modifiedMs(c, c.get(id)!);
          expect(ms, `${kind} ${key} ${id}`).toBeGreaterThanOrEqual(previousMax);
          expect(ms).toBeGreaterThanOrEqual(now - 10 * 60_000);
          expect(ms).toBeLessThanOrEqual(now);
        }
      }
    }
    for (const [key, ids] of Object.entries(report.deleted)) {
      const [system, name] = key.split(".") as ["kantata", string];
      const c = world.collection(system, name);
      const live = new Set([...c.scan()].map((r) => String(r[c.primaryKey])));
      for (const id of ids) {
        expect(c.get(id)).toBeUndefined();
        expect(live.has(id)).toBe(false);
      }
      expect([...c.deleted({ fromMs: now })].map((d) => d.id).sort()).toEqual([...ids].sort());
    }
    const newest = [
      ...world.collection("kantata", "time_entries").scan({ fromMs: now - 10 * 60_000 }),
    ];
    expect(newest.length).toBeGreaterThanOrEqual(18);
    expect(comparable(world.groundTruth().entries)).toEqual(before);
  });
});

describe("breakRecords and repairRecords", () => {
  it("spoils exactly the named records, stamps them now, and mends them later", () => {
    let now = NOW;
    const world = createWorld({ size: "small", seed: 7, asOf: AS_OF, now: () => now });
    const truth = comparable(world.groundTruth().entries);
    now += 60_000;
    const entries = world.collection("kantata", "time_entries");
    const ids = world.breakRecords({ system: "kantata", collection: "time_entries", count: 3 });
    const bills = world.breakRecords({ system: "netsuite", collection: "timebill", count: 2 });
    expect(ids).toHaveLength(3);
    expect([...entries.scan({ fromMs: now })].map((r) => r.id)).toEqual(
      [...ids].sort((a, b) => Number(a) - Number(b)),
    );
    for (const id of ids) expect(entries.get(id)?.time_in_minutes).toBe("12x");
    for (const id of bills) {
      expect(
        Number.isNaN(
          Date.parse(String(world.collection("netsuite", "timebill").get(id)?.trandate)),
        ),
      ).toBe(true);
    }
    expect(comparable(world.groundTruth().entries)).toEqual(truth);
    now += 60_000;
    expect(world.repairRecords(ids).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      expect(typeof entries.get(id)?.time_in_minutes).toBe("number");
      expect(modifiedMs(entries, entries.get(id)!)).toBe(now);
    }
    expect(() =>
      world.breakRecords({ system: "kantata", collection: "nothing", count: 1 }),
    ).toThrow(/cannot break/);
  });
});
