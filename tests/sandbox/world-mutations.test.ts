import { describe, expect, it } from "vitest";
import { RULE_IDS } from "../../core/rules.js";
import type { Collection, RuleId, SandboxRecord } from "../../sandbox/world/types.js";
import { type AdvanceReport, createWorld, type World } from "../../sandbox/world/world.js";
import { AS_OF, comparable, fixedWorld, NOW } from "./world-test-helpers.js";

const RULES: RuleId[] = RULE_IDS;

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

const SYSTEMS = ["salesforce", "netsuite", "kantata", "workday"] as const;
const TEN_MINUTES = 10 * 60_000;

/** Every record as JSON without its modified field, by "system.name" and id; "max" holds the newest stamp. */
function contents(world: World) {
  const out = new Map<string, Map<string, string>>();
  let max = 0;
  for (const system of SYSTEMS) {
    for (const c of world.collections(system)) {
      const records = new Map<string, string>();
      for (const r of c.scanByKey()) {
        records.set(String(r[c.primaryKey]), JSON.stringify({ ...r, [c.modifiedField]: null }));
        max = Math.max(max, modifiedMs(c, r));
      }
      out.set(`${system}.${c.name}`, records);
    }
  }
  out.set("max", new Map([["ms", String(max)]]));
  return out;
}

const ids = (byCollection: Record<string, string[]>, key: string) => byCollection[key] ?? [];
const systemsOf = (byCollection: Record<string, string[]>) =>
  new Set(Object.keys(byCollection).map((key) => key.split(".")[0]));

/** Checks one advance against the world before it: exact ids, stamps, deletions, ground truth. */
function checkAdvance(world: World, before: ReturnType<typeof contents>, report: AdvanceReport) {
  const now = report.atMs;
  const previousMax = before.get("max")!.get("ms")!;
  const after = contents(world);
  for (const system of SYSTEMS) {
    for (const c of world.collections(system)) {
      const key = `${system}.${c.name}`;
      const inserted = ids(report.inserted, key);
      const updated = ids(report.updated, key);
      const deleted = ids(report.deleted, key);
      const late = new Set(ids(report.late, key));
      const old = before.get(key)!;
      const current = after.get(key)!;
      for (const id of inserted) expect(old.has(id), `${key} ${id} is new`).toBe(false);
      for (const id of updated) {
        expect(old.has(id), `${key} ${id} existed`).toBe(true);
        expect(current.get(id), `${key} ${id} changed`).not.toEqual(old.get(id));
      }
      for (const id of deleted) {
        expect(old.has(id), `${key} ${id} existed`).toBe(true);
        expect(c.get(id), `${key} ${id} gone`).toBeUndefined();
      }
      // Nothing else moved: the window since the last stamp holds exactly the touched records.
      const touched = [...inserted, ...updated].sort();
      const recent = [...c.scan({ fromMs: now - TEN_MINUTES })].map((r) => String(r[c.primaryKey]));
      expect(recent.sort(), `${key} modified since the previous sync`).toEqual(touched);
      for (const id of touched) {
        const ms = modifiedMs(c, c.get(id)!);
        if (late.has(id)) {
          expect(ms, `${key} ${id} late`).toBeGreaterThanOrEqual(now - TEN_MINUTES);
          expect(ms).toBeLessThan(now);
        } else {
          expect(ms, `${key} ${id} stamped now`).toBe(now);
          expect(ms).toBeGreaterThanOrEqual(Number(previousMax));
        }
      }
      for (const id of late) expect(touched).toContain(id);
      const gone = [...c.deleted({ fromMs: now })].map((d) => d.id);
      expect(gone.sort(), `${key} deleted()`).toEqual([...deleted].sort());
      const unchanged = [...old.keys()].filter(
        (id) => !updated.includes(id) && !deleted.includes(id),
      );
      for (const id of unchanged) expect(current.get(id), `${key} ${id}`).toBe(old.get(id));
      expect(c.size).toBe(old.size + inserted.length - deleted.length);
    }
  }
}

describe("advance", () => {
  it("changes all four systems, stamps at now (late arrivals within 10 minutes), plants nothing", () => {
    let now = NOW;
    const world = createWorld({ size: "small", seed: 7, asOf: AS_OF, now: () => now });
    const truth = comparable(world.groundTruth().entries);
    let before = contents(world);
    now += 3_600_000;
    const options = { inserts: 5, updates: 6, backdated: 3, deletes: 8, lateArrivals: 4 };
    const report = world.advance(options);
    expect(report.atMs).toBe(now);
    checkAdvance(world, before, report);
    expect(comparable(world.groundTruth().entries)).toEqual(truth);

    expect(ids(report.inserted, "kantata.time_entries")).toHaveLength(12);
    // Updates alternate approve-and-post and revise; late arrivals also approve ⌈4/2⌉ entries.
    expect(ids(report.updated, "kantata.time_entries")).toHaveLength(6 + 2);
    expect(ids(report.inserted, "netsuite.timebill")).toHaveLength(3 + 2);
    expect(systemsOf(report.inserted)).toEqual(new Set(SYSTEMS));
    expect(systemsOf(report.updated)).toEqual(new Set(SYSTEMS));
    expect(systemsOf(report.deleted)).toEqual(new Set(["salesforce", "netsuite", "kantata"]));
    for (const key of [
      "salesforce.Account",
      "salesforce.Opportunity",
      "kantata.expenses",
      "workday.workers",
    ])
      expect(ids(report.inserted, key).length, key).toBeGreaterThan(0);
    // The small world's eight customers: all but two are named by a case, which advance leaves alone.
    expect(ids(report.updated, "netsuite.customer")).toHaveLength(2);
    for (const key of [
      "salesforce.Account",
      "salesforce.Opportunity",
      "netsuite.job",
      "kantata.stories",
      "kantata.expenses",
      "workday.workers",
    ])
      expect(ids(report.updated, key).length, key).toBe(3);
    for (const key of ["salesforce.Opportunity", "netsuite.timebill", "kantata.expenses"])
      expect(ids(report.deleted, key).length, key).toBeGreaterThan(0);
    // Each deleted posting goes with its entry: no R03 (posting without entry) can appear.
    const entriesGone = new Set(ids(report.deleted, "kantata.time_entries"));
    for (const id of ids(report.deleted, "netsuite.timebill")) {
      const [deletion] = [
        ...world.collection("netsuite", "timebill").deleted({ fromMs: now }),
      ].filter((d) => d.id === id);
      expect(entriesGone.has(String(deletion?.record.custcol_kantata_time_entry))).toBe(true);
    }
    expect(ids(report.late, "kantata.time_entries")).toHaveLength(4 + 2);
    expect(ids(report.late, "netsuite.timebill")).toHaveLength(2);

    // A second sync window: pre-hires from the first advance may now be rescinded (removed).
    before = contents(world);
    now += 3_600_000;
    const second = world.advance(options);
    checkAdvance(world, before, second);
    expect(systemsOf(second.deleted)).toEqual(new Set(SYSTEMS));
    for (const id of ids(second.deleted, "workday.workers"))
      expect(ids(report.inserted, "workday.workers")).toContain(id);
    expect(comparable(world.groundTruth().entries)).toEqual(truth);
  });

  it("stops at empty pools without touching planted records, however large the counts", () => {
    let now = NOW;
    const world = createWorld({ size: "small", seed: 3, asOf: AS_OF, now: () => now });
    const truth = comparable(world.groundTruth().entries);
    const before = contents(world);
    now += 3_600_000;
    const report = world.advance({ updates: 400, deletes: 400, lateArrivals: 50 });
    checkAdvance(world, before, report);
    expect(comparable(world.groundTruth().entries)).toEqual(truth);
    const planted = new Set(
      world
        .plantedCases()
        .flatMap((c) => Object.values(c.systems).flatMap((s) => Object.values(s ?? {})))
        .flat(),
    );
    for (const byCollection of [report.updated, report.deleted])
      for (const list of Object.values(byCollection))
        for (const id of list) expect(planted.has(id), id).toBe(false);
    expect(ids(report.deleted, "salesforce.Account").length).toBeGreaterThan(0);
  });

  it("leaves the world alone when asked for nothing", () => {
    let now = NOW;
    const world = createWorld({ size: "small", seed: 7, asOf: AS_OF, now: () => now });
    const before = contents(world);
    now += 60_000;
    const report = world.advance({});
    expect(report).toEqual({ atMs: now, inserted: {}, updated: {}, deleted: {}, late: {} });
    expect(contents(world)).toEqual(before);
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
