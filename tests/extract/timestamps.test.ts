import { describe, expect, it } from "vitest";
import { localSeconds } from "../../core/zone-clock.js";
import { isoSeconds, parseTimestamp, sqlTimestamp } from "../../extractors/engine/timestamps.js";

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

  it.each([
    ["a D/M/Y date read as M/D/Y (month 13)", "13/05/2026"],
    ["month 13", "2026-13-05"],
    ["month 0", "2026-00-05"],
    ["day 0", "2026-05-00"],
    ["31 April", "4/31/2026"],
    ["31 April (ISO)", "2026-04-31 10:00:00"],
    ["29 February of a common year", "2026-02-29"],
    ["hour 25", "2026-05-07 25:00:00"],
    ["hour 24", "2026-05-07T24:00:00Z"],
    ["minute 60", "5/7/2026 10:60"],
    ["second 60", "2026-05-07 10:00:60"],
    ["13 pm", "5/7/2026 13:07 pm"],
    ["an offset past 15:59, PostgreSQL's limit", "2026-05-07T10:00:00+16:00"],
    ["an offset of hours alone", "2026-05-07T10:00:00-13"],
    ["an offset after a date alone", "2026-05-07+05:30"],
    ["0 am", "5/7/2026 0:07 am"],
    ["year 0", "0000-05-07"],
  ])("refuses an impossible date or time instead of rolling it over: %s", (_case, text) => {
    expect(parseTimestamp(text)).toBeUndefined();
    expect(parseTimestamp(text, "America/Los_Angeles")).toBeUndefined();
  });

  // What PostgreSQL reads each as (`t::timestamp at time zone z`), and DuckDB with it: a time the
  // change of offset skips or repeats is the later of its instants.
  it.each([
    ["America/Los_Angeles", "2026-03-08 01:30:00", "2026-03-08T09:30:00Z"],
    ["America/Los_Angeles", "2026-03-08 02:30:00", "2026-03-08T10:30:00Z"],
    ["America/Los_Angeles", "2026-03-08 03:30:00", "2026-03-08T10:30:00Z"],
    ["America/Los_Angeles", "2026-03-08 09:00:00", "2026-03-08T16:00:00Z"],
    ["America/Los_Angeles", "2026-11-01 00:30:00", "2026-11-01T07:30:00Z"],
    ["America/Los_Angeles", "2026-11-01 01:30:00", "2026-11-01T09:30:00Z"],
    ["America/Los_Angeles", "11/1/2026 5:00 am", "2026-11-01T13:00:00Z"],
    ["Australia/Sydney", "2026-10-04 02:30:00", "2026-10-03T16:30:00Z"],
    ["Australia/Sydney", "2026-10-04 05:00:00", "2026-10-03T18:00:00Z"],
    ["Australia/Sydney", "2026-04-05 02:30:00", "2026-04-04T16:30:00Z"],
    ["Europe/Moscow", "2014-10-26 01:30:00", "2014-10-25T22:30:00Z"],
  ])(
    "reads a local time around a change of offset in %s as the warehouses do: %s",
    (zone, text, at) => {
      expect(new Date(parseTimestamp(text, zone) ?? 0).toISOString()).toBe(
        new Date(at).toISOString(),
      );
    },
  );

  it("reads a repeated local time at its first instant when asked (seek paging)", () => {
    const text = "2026-11-01 01:30:00";
    expect(parseTimestamp(text, "America/Los_Angeles", "earlier")).toBe(
      Date.parse("2026-11-01T08:30:00Z"),
    );
    expect(parseTimestamp(text, "America/Los_Angeles")).toBe(Date.parse("2026-11-01T09:30:00Z"));
    // A time no change repeats has one instant either way.
    expect(parseTimestamp("2026-11-01 05:00:00", "America/Los_Angeles", "earlier")).toBe(
      Date.parse("2026-11-01T13:00:00Z"),
    );
  });

  it("reads years before 100 as themselves, not as 1900-something", () => {
    expect(parseTimestamp("0026-05-07T10:00:00Z")).toBe(Date.parse("0026-05-07T10:00:00Z"));
    // Local mean time: Los Angeles had no standard zone before 1883.
    expect(new Date(parseTimestamp("0026-05-07", "America/Los_Angeles") ?? 0).toISOString()).toBe(
      "0026-05-07T07:52:58.000Z",
    );
  });

  it("still reads the last day of each month and 29 February of a leap year", () => {
    expect(parseTimestamp("2028-02-29")).toBe(Date.UTC(2028, 1, 29));
    expect(parseTimestamp("4/30/2026 11:59:59 pm")).toBe(Date.UTC(2026, 3, 30, 23, 59, 59));
    expect(parseTimestamp("12/31/2026 12:00 am")).toBe(Date.UTC(2026, 11, 31));
  });

  it("refuses what is not a time, and formats literals to the second", () => {
    expect(parseTimestamp("31.31.20X6")).toBeUndefined();
    expect(parseTimestamp("someday")).toBeUndefined();
    expect(isoSeconds(at + 999)).toBe("2026-05-07T22:07:19Z");
    expect(sqlTimestamp(at + 5)).toBe("2026-05-07 22:07:19.005+00");
  });
});
