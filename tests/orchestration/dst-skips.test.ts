import { describe, expect, it } from "vitest";
import { skippedDays } from "../../orchestration/scheduler/dst-skips.js";

const FROM = new Date("2026-11-24T20:00:00Z");

describe("days a schedule has no run because the clocks go forward", () => {
  it("finds a daily or weekly time inside the skipped hour, in either hemisphere", () => {
    expect(skippedDays("0 2 * * *", "America/New_York", FROM)).toEqual([
      { date: "2027-03-14", times: ["02:00"], from: "02:00", to: "03:00" },
    ]);
    expect(skippedDays("30 1 * * *", "Europe/London", FROM)).toEqual([
      { date: "2027-03-28", times: ["01:30"], from: "01:00", to: "02:00" },
    ]);
    // 2027-03-14 is a Sunday.
    expect(skippedDays("30 2 * * 0", "America/New_York", FROM)).toEqual([
      { date: "2027-03-14", times: ["02:30"], from: "02:00", to: "03:00" },
    ]);
    expect(skippedDays("0 2 * * *", "Australia/Sydney", FROM)).toEqual([
      { date: "2027-10-03", times: ["02:00"], from: "02:00", to: "03:00" },
    ]);
    expect(skippedDays("*/15 2 * * *", "America/New_York", FROM)).toEqual([
      {
        date: "2027-03-14",
        times: ["02:00", "02:15", "02:30", "02:45"],
        from: "02:00",
        to: "03:00",
      },
    ]);
  });

  it("lists no day that keeps a run, nor a zone without daylight saving time", () => {
    expect(skippedDays("5 * * * *", "Europe/London", FROM)).toEqual([]);
    expect(skippedDays("0 2,4 * * *", "America/New_York", FROM)).toEqual([]);
    expect(skippedDays("0 2 * * 1-5", "America/New_York", FROM)).toEqual([]);
    expect(skippedDays("0 3 * * *", "America/New_York", FROM)).toEqual([]);
    expect(skippedDays("0 2 * * *", "UTC", FROM)).toEqual([]);
    expect(skippedDays("0 2 * * *", "Asia/Tokyo", FROM)).toEqual([]);
  });
});
