import { describe, expect, it } from "vitest";
import { machineFacts } from "../../bench/bench-report.js";

describe("the bench's machine facts", () => {
  it("time the calibration workload, so runs on machines of other speeds can be set side by side", () => {
    const { calibrationMs, nproc } = machineFacts();
    expect(nproc).toBeGreaterThan(0);
    expect(calibrationMs?.before).toBeGreaterThan(0);
    expect(Number.isFinite(calibrationMs?.before)).toBe(true);
  });
});
