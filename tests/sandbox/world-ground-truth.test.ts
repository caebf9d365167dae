import { describe, expect, it } from "vitest";
import { RULE_IDS } from "../../core/rules.js";
import type { RuleId } from "../../sandbox/world/types.js";
import { createWorld } from "../../sandbox/world/world.js";
import { AS_OF, comparable, fixedWorld, NOW } from "./world-test-helpers.js";

const RULES: RuleId[] = RULE_IDS;

describe.each([
  ["small", 3],
  ["medium", 10],
] as const)("ground truth of a fresh %s world", (size, minPerRule) => {
  const world = fixedWorld(size);
  const truth = world.groundTruth();

  it("equals the planted list in both directions, ids and impacts", () => {
    expect(comparable(truth.entries)).toEqual(comparable(world.plantedCases()));
    expect(truth.entries.every((e) => !e.case_id.startsWith("unplanted"))).toBe(true);
  });

  it(`plants at least ${minPerRule} cases of every rule`, () => {
    for (const rule of RULES) {
      expect(truth.entries.filter((e) => e.rule_id === rule).length, rule).toBeGreaterThanOrEqual(
        minPerRule,
      );
    }
  });

  it("reports its anchor, thresholds and counts", () => {
    expect(truth.as_of).toBe("2026-05-15");
    expect(truth.thresholds.r11_unbilled_days).toBe(60);
    expect(truth.counts.kantata?.time_entries).toBe(
      world.collection("kantata", "time_entries").size,
    );
  });
});

describe("planting when a drawn candidate cannot take its case", () => {
  it("draws another R11 project when the first drawn one has no free old entries (seed 1)", () => {
    // Seed 1's first R11 draw is a project whose old billable entries other cases already hold.
    const world = createWorld({ size: "small", seed: 1, asOf: AS_OF, now: () => NOW });
    const truth = world.groundTruth();
    expect(comparable(truth.entries)).toEqual(comparable(world.plantedCases()));
    expect(truth.entries.filter((e) => e.rule_id === "R11")).toHaveLength(3);
  });
});

describe("world sizes", () => {
  it("has a few thousand time entries when small and about 200k when medium", () => {
    const small = fixedWorld("small").collection("kantata", "time_entries").size;
    const medium = fixedWorld("medium").collection("kantata", "time_entries").size;
    expect(small).toBeGreaterThan(2_000);
    expect(small).toBeLessThan(10_000);
    expect(medium).toBeGreaterThan(170_000);
    expect(medium).toBeLessThan(260_000);
  });

  it("keeps every generated modified time inside the year before now", () => {
    const world = fixedWorld("small");
    for (const system of ["salesforce", "netsuite", "kantata", "workday"] as const) {
      for (const c of world.collections(system)) {
        for (const record of c.scan()) {
          const field = String(record[c.modifiedField]);
          const ms = Date.parse(
            system === "netsuite" ? `${field.replace(" ", "T")}Z` : field.replace("+0000", "Z"),
          );
          expect(ms, `${system}.${c.name}`).toBeLessThan(Date.parse("2026-05-16T12:00:00Z"));
          expect(ms).toBeGreaterThan(Date.parse("2025-05-16T00:00:00Z"));
        }
      }
    }
  });
});
