import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/index.js";
import { checkWindow } from "../../reverse-etl/write-window.js";

const parse = (governance: string) =>
  parseConfig(`version: 1\n${governance}`, { file: "pslink.yml", baseDir: "/tmp", env: {} });

describe("governance config", () => {
  it("defaults to DESIGN's ownership matrix, no stewards, nightly windows and a 20% blast radius", () => {
    const { governance } = parse("");
    expect(governance.ownership.customer_master).toEqual({
      owner: "netsuite",
      subscribers: ["salesforce", "kantata"],
    });
    expect(governance.ownership.worker.owner).toBe("workday");
    expect(governance.ownership.project_execution).toEqual({
      owner: "kantata",
      subscribers: ["netsuite"],
    });
    expect(governance.stewards).toEqual([]);
    expect(governance.blast_radius).toBe(0.2);
    expect(governance.windows.netsuite).toEqual({
      start: "0 22 * * *",
      duration: 6 * 3_600_000,
      timezone: "UTC",
    });
    expect(governance.proposals_schema).toBe("proposals");
  });

  it("reports a bad cron, time zone, domain and blast radius with what to write instead", () => {
    const attempt = () =>
      parse(`governance:
  stewards: [{ name: ana, domains: [payroll] }]
  windows: { kantata: { start: "every night", duration: 2h, timezone: Mars/Olympus } }
  blast_radius: 3
`);
    expect(attempt).toThrow(
      /governance\.stewards\.0\.domains\.0: a domain is one of customer_master/,
    );
    expect(attempt).toThrow(/governance\.windows\.kantata\.start: ".*" is not a cron expression/);
    expect(attempt).toThrow(/governance\.windows\.kantata\.timezone: write an IANA time zone/);
    expect(attempt).toThrow(/governance\.blast_radius/);
  });
});

describe("write windows", () => {
  const window = { start: "0 22 * * 1-5", duration: 3 * 3_600_000, timezone: "Europe/London" };

  it("is open from the cron start for the duration, in the window's time zone", () => {
    // 22:00 London is 21:00 UTC in summer (BST) and 22:00 UTC in winter.
    expect(checkWindow(window, new Date("2026-07-08T21:30:00Z")).open).toBe(true);
    expect(checkWindow(window, new Date("2026-07-08T20:59:00Z")).open).toBe(false);
    expect(checkWindow(window, new Date("2026-01-14T21:30:00Z")).open).toBe(false);
    expect(checkWindow(window, new Date("2026-01-15T00:59:00Z")).open).toBe(true);
    expect(checkWindow(window, new Date("2026-01-15T01:00:00Z")).open).toBe(false);
  });

  it("counts the opening instant as open and names the next opening when closed", () => {
    expect(checkWindow(window, new Date("2026-07-08T21:00:00Z")).open).toBe(true);
    const closed = checkWindow(window, new Date("2026-07-11T12:00:00Z"));
    expect(closed.open).toBe(false);
    expect(closed.nextStart.toISOString()).toBe("2026-07-13T21:00:00.000Z");
    expect(closed.summary).toMatch(
      /window closed \("0 22 \* \* 1-5" Europe\/London for 3h\); next opens 2026-07-13T21:00:00.000Z/,
    );
  });
});
