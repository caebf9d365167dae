import { describe, expect, it } from "vitest";
import { localSeconds } from "../../core/zone-clock.js";
import { type SeekAnswer, seekPages } from "../../extractors/engine/seek-pages.js";

const ZONE = "America/Los_Angeles";

/**
 * A NetSuite-like table whose modified times are written zone-less in the account's zone, one
 * record every ten minutes from `from` to `to` (UTC), paged five at a time.
 */
function accountTable(from: string, to: string) {
  const start = Date.parse(from);
  const records = Array.from({ length: (Date.parse(to) - start) / 600_000 }, (_, i) => {
    const at = start + i * 600_000;
    return { id: String(i + 1), lastmodifieddate: localSeconds(at, ZONE), at };
  });
  const fetch = async (fromMs: number, page: number): Promise<SeekAnswer> => {
    // The server reads the query's literal in the account's zone: it means the instant fromMs.
    const matching = records.filter((record) => record.at >= fromMs);
    const rows = matching.slice(page * 5, page * 5 + 5);
    return {
      records: rows.map(({ id, lastmodifieddate }) => ({ id, lastmodifieddate })),
      last: (page + 1) * 5 >= matching.length,
    };
  };
  return { start, records, fetch };
}

describe("seek paging in an account zone with changes of offset", () => {
  it.each([
    // 02:00 PST becomes 03:00 PDT: no record is stamped 02:xx, and 03:00 follows 01:50.
    ["forward", "2026-03-08T08:00:00Z", "2026-03-08T19:00:00Z", " 02:"],
    // 02:00 PDT becomes 01:00 PST: 01:00–01:50 are stamped twice, an hour apart.
    ["back", "2026-11-01T06:00:00Z", "2026-11-01T14:00:00Z", " 01:50"],
  ])("reads every record once across the night the clocks go %s", async (_way, from, to, mark) => {
    const table = accountTable(from, to);
    const marked = table.records.filter((record) => record.lastmodifieddate.includes(mark));
    expect(marked.length).toBe(mark === " 02:" ? 0 : 2);
    const read: string[] = [];
    for await (const page of seekPages({
      fromMs: table.start,
      fetch: table.fetch,
      cursor: "lastmodifieddate",
      timeZone: ZONE,
      primaryKey: ["id"],
    })) {
      for (const record of page.records) read.push((record as { id: string }).id);
    }
    expect(read).toEqual(table.records.map((record) => record.id));
  });
});
