import { describe, expect, it } from "vitest";
import { comparable, fixedWorld } from "./world-test-helpers.js";

describe("large world", () => {
  it("holds at least a million time entries and its planted cases, generation time printed", () => {
    const started = performance.now();
    const world = fixedWorld("large");
    const generatedMs = performance.now() - started;
    const truth = world.groundTruth();
    const evaluatedMs = performance.now() - started - generatedMs;
    const entries = world.collection("kantata", "time_entries").size;
    console.log(
      `large world: ${entries} time entries, generated in ${Math.round(generatedMs)} ms, ground truth in ${Math.round(evaluatedMs)} ms`,
    );
    expect(entries).toBeGreaterThanOrEqual(1_000_000);
    expect(comparable(truth.entries)).toEqual(comparable(world.plantedCases()));
  });
});
