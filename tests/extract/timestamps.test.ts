import { describe, expect, it } from "vitest";
import {
  isoSeconds,
  localSeconds,
  parseTimestamp,
  sqlTimestamp,
} from "../../extractors/engine/timestamps.js";

describe("vendor timestamps", () => {
  const at = Date.UTC(2026, 4, 7, 22, 7, 19);
  it.each([
    ["Salesforce", "2026-05-07T22:07:19.000+0000"],
    ["Kantata", "2026-05-07T22:07:19Z"],
    ["Workday", "2026-05-07T22:07:19.000Z"],
    ["SuiteQL (UTC account)", "2026-05-07 22:07:19"],
    ["an offset", "2026-05-07T15:07:19-07:00"],
  ])("reads %s", (_vendor, text) => {
    expect(parseTimestamp(text)).toBe(at);
  });

  it("reads zone-less times in the account's zone, and writes literals back in it", () => {
    expect(parseTimestamp("2026-05-07 15:07:19", "America/Los_Angeles")).toBe(at);
    expect(localSeconds(at, "America/Los_Angeles")).toBe("2026-05-07 15:07:19");
    expect(parseTimestamp("5/7/2026 3:07 pm", "America/Los_Angeles")).toBe(at - 19_000);
  });

  it("refuses what is not a time, and formats literals to the second", () => {
    expect(parseTimestamp("31.31.20X6")).toBeUndefined();
    expect(parseTimestamp("someday")).toBeUndefined();
    expect(isoSeconds(at + 999)).toBe("2026-05-07T22:07:19Z");
    expect(sqlTimestamp(at + 5)).toBe("2026-05-07 22:07:19.005+00");
  });
});
