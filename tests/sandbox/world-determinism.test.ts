import { describe, expect, it } from "vitest";
import { fixedWorld, snapshot } from "./world-test-helpers.js";

describe("world determinism", () => {
  it("gives identical collections for the same seed and as-of date", () => {
    expect(snapshot(fixedWorld("small", 11))).toEqual(snapshot(fixedWorld("small", 11)));
  });

  it("gives different data for a different seed", () => {
    const a = snapshot(fixedWorld("small", 11));
    const b = snapshot(fixedWorld("small", 12));
    expect(a["kantata.time_entries"]).not.toEqual(b["kantata.time_entries"]);
    expect(a["workday.workers"]).not.toEqual(b["workday.workers"]);
  });
});
