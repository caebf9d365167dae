import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BatchCollector } from "../../extractors/engine/batch-collector.js";
import { declaredKinds, defineStream, knownFields } from "../../extractors/engine/define-stream.js";
import {
  blankableDate,
  bool,
  date,
  flag,
  int,
  json,
  money,
  num,
  numericText,
  text,
  timestamp,
} from "../../extractors/engine/fields.js";
import { JSON_REFUSALS } from "../../extractors/engine/storable-json.js";
import { parseTimestamp } from "../../extractors/engine/timestamps.js";
import type { BatchPage } from "../../loaders/batch-writer.js";
import { landingLayout } from "../../loaders/landing-layout.js";
import { shredSql } from "../../loaders/shred-sql.js";
import { PAGE_COLUMNS, pageRows, pagesTable, stagingTable } from "../../loaders/staging-table.js";
import { castsAsIs } from "../../warehouse/json-sql.js";
import { migrate } from "../../warehouse/migrate.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { warehouseCases } from "../support/warehouses.js";

/** One field of every helper, nullable and optional ones among them. */
const stream = defineStream({
  name: "kinds",
  primaryKey: "id",
  cursor: "updated_at",
  schema: z.looseObject({
    id: text(),
    count: int().nullable(),
    amount: money().optional(),
    ratio: num(),
    active: bool(),
    flagged: flag("T", "F"),
    hours: numericText().nullable(),
    day: date().nullable(),
    ended: blankableDate(),
    detail: json(),
    note: text().nullable().optional(),
    updated_at: timestamp(),
  }),
  request: {},
  docs: "test",
});

const GOOD = {
  id: "1",
  count: 3,
  amount: 12.5,
  ratio: 0.25,
  active: true,
  flagged: "T",
  hours: "7.5",
  day: "2026-05-07",
  ended: "5/7/2026",
  detail: { a: [1, "x"] },
  note: 'é "quoted"',
  updated_at: "2026-05-07T22:07:19Z",
};

/**
 * Records whose declared fields all hold their kinds, so JavaScript lets the warehouse skip its
 * JSON type tests; some are still bad by their values, which only the warehouse reads.
 */
const OF_THEIR_KINDS: Record<string, unknown>[] = [
  GOOD,
  // Null and absent where allowed.
  { ...GOOD, id: "2", count: null, amount: undefined, hours: null, day: null, note: undefined },
  { ...GOOD, id: "3", note: null, detail: [], ended: "" },
  { ...GOOD, id: "4", ratio: 1e300, count: -9007199254740991, active: false, flagged: "F" },
  // Bad by value: an unsafe integer, an impossible date, a flag, a number text, a time.
  { ...GOOD, id: "5", count: 2 ** 60 },
  { ...GOOD, id: "6", day: "31.31.20X6", ended: "soon" },
  { ...GOOD, id: "7", flagged: "X", hours: "12x" },
  { ...GOOD, id: "8", updated_at: "someday" },
  // An empty key.
  { ...GOOD, id: "" },
  // Undeclared fields are drift, not kinds.
  { ...GOOD, id: "9", extra: { nested: true } },
].map((record) => JSON.parse(JSON.stringify(record)));

/**
 * `records` collected into one page as a sync into `wh` collects them, and a function that stages
 * that page with some of its flags set otherwise, shreds it, and reads staging back.
 */
async function shredder(
  wh: Warehouse,
  records: readonly unknown[],
  options: { timeZone?: string; castsDateTimes?: boolean } = {},
) {
  // PostgreSQL's shredding calls migration 0005's date-time reader.
  await migrate(wh);
  const layout = landingLayout("kantata", stream);
  const pages = pagesTable(wh, layout);
  const stage = stagingTable(wh, layout);
  const { timeZone, castsDateTimes } = options;
  const sql = shredSql(wh, layout, stream, pages.sql, stage.sql, timeZone ? { timeZone } : {});
  const collector = new BatchCollector({
    known: knownFields(stream),
    kinds: declaredKinds(stream),
    refuses: JSON_REFUSALS[wh.kind],
    ...(castsDateTimes ? { castsDateTimes } : {}),
  });
  collector.add({ records });
  const [page] = collector.take().pages as [BatchPage];
  const shred = (flags: { checked?: boolean; castable?: boolean }) =>
    wh.session((session) =>
      session.scratchTransaction(async (tx) => {
        await pages.reset(tx);
        const checked = flags.checked ?? page.checked;
        const castable = flags.castable ?? page.castable;
        await tx.append(pages.target, PAGE_COLUMNS, pageRows([{ ...page, checked, castable }]));
        await stage.reset(tx);
        await tx.execute(sql.shred());
        return tx.query(`select * from ${stage.sql} order by _pslink_ord`);
      }),
    );
  return { page, shred };
}

describe.each(warehouseCases())("shredding records JavaScript checked on $kind", (warehouse) => {
  it("lands the same rows and problems as the records' JSON type tests do", async () => {
    const { page, shred } = await shredder(await warehouse.open(), OF_THEIR_KINDS);
    expect(page.checked).toBe(true);
    const staged = (checked: boolean) => shred({ checked });
    const tested = await staged(false);
    expect(await staged(true)).toEqual(tested);

    expect(tested.map((row) => [row._pslink_key, row._pslink_problem])).toEqual([
      ["1", null],
      ["2", null],
      ["3", null],
      ["4", null],
      ["5", "count"],
      ["6", "day,ended"],
      ["7", "flagged,hours"],
      ["8", "updated_at"],
      [null, null],
      ["9", null],
    ]);
    expect(tested.filter((row) => row._pslink_bad).length).toBe(5);
  });
});

/** Date-times in every form PostgreSQL casts without a test (`castsAsIs`). */
const CASTABLE: Record<string, unknown>[] = [
  { updated_at: "2026-05-07T22:07:19Z", day: "2026-02-28", ended: "2026-05-07" },
  { updated_at: "2026-05-07 22:07:19", day: "2026-05-07T23:30:00+05:30", ended: "2026-05-07" },
  { updated_at: "2026-05-07T22:07:19.123456-0700", day: null, ended: "2026-05-07 00:30" },
  { updated_at: "2026-05-07T22:07", day: "2026-05-07", ended: "2026-05-07T01:00:00-13:00" },
  { updated_at: "1999-12-28", day: "2026-05-07T23:59:59.5Z", ended: "2026-05-07" },
  // The days its regular expressions leave to the slow path: a month's last, a leap day.
  { updated_at: "2026-05-31T23:00:00Z", day: "2024-02-29", ended: "2026-01-30 12:00" },
].map((dates, index) => ({ ...GOOD, id: `c${index + 1}`, ...dates }));

describe.each(warehouseCases())(
  "shredding date-times JavaScript found castable on $kind",
  (warehouse) => {
    it("lands the same instants and dates as the tested forms do", async () => {
      // A zone of its own for zone-less date-times: the two paths must read them alike.
      const { page, shred } = await shredder(await warehouse.open(), CASTABLE, {
        timeZone: "Asia/Kolkata",
        castsDateTimes: true,
      });
      expect(page.castable).toBe(true);
      const staged = (castable: boolean) => shred({ castable });
      const tested = await staged(false);
      expect(await staged(true)).toEqual(tested);
      expect(tested.map((row) => row._pslink_problem)).toEqual(CASTABLE.map(() => null));
      expect(tested.map((row) => (row.updated_at as Date).toISOString())).toEqual([
        "2026-05-07T22:07:19.000Z",
        "2026-05-07T16:37:19.000Z",
        "2026-05-08T05:07:19.123Z",
        "2026-05-07T16:37:00.000Z",
        "1999-12-27T18:30:00.000Z",
        "2026-05-31T23:00:00.000Z",
      ]);
    });
  },
);

describe("finding a page's date-times castable in JavaScript", () => {
  const castable = (...records: unknown[]) => {
    const collector = new BatchCollector({
      known: knownFields(stream),
      kinds: declaredKinds(stream),
      refuses: JSON_REFUSALS.postgres,
      castsDateTimes: true,
    });
    collector.add({ records });
    return collector.take().pages[0]?.castable;
  };

  it("passes the forms PostgreSQL casts as they are, and values that are no text", () => {
    expect(castable(...CASTABLE)).toBe(true);
    expect(castable({ ...GOOD, ended: "2026-05-07", updated_at: 20260507, day: undefined })).toBe(
      true,
    );
  });

  it("leaves a page to the warehouse's tests when one date-time is in another form", () => {
    const page = (values: Record<string, unknown>) =>
      castable(CASTABLE[0], { ...CASTABLE[0], ...values });
    // US dates, days a month does not have, hour 24, a lower-case zone, blanks, spaces.
    expect(page({ ended: "5/7/2026" })).toBe(false);
    expect(page({ day: "2026-02-29" })).toBe(false);
    expect(page({ day: "2026-04-31" })).toBe(false);
    expect(page({ day: "2100-02-29" })).toBe(false);
    expect(page({ updated_at: "2026-05-07T24:00:00Z" })).toBe(false);
    expect(page({ updated_at: "2026-05-07t22:07:19z" })).toBe(false);
    expect(page({ ended: "" })).toBe(false);
    expect(page({ updated_at: " 2026-05-07T22:07:19Z" })).toBe(false);
    expect(page({ updated_at: "2026-05-07T22:07:19+14:00" })).toBe(false);
    expect(page({ updated_at: "0999-05-07" })).toBe(false);
    expect(page({ updated_at: "2026-05-07T22:07:19.1234567Z" })).toBe(false);
  });

  it("is not asked where the warehouse tries its casts (DuckDB)", () => {
    const collector = new BatchCollector({
      known: knownFields(stream),
      kinds: declaredKinds(stream),
      refuses: JSON_REFUSALS.duckdb,
    });
    collector.add({ records: CASTABLE });
    expect(collector.take().pages[0]?.castable).toBe(false);
  });
});

describe("checking a page's kinds in JavaScript", () => {
  const kinds = declaredKinds(stream);
  const checked = (record: unknown) => {
    const collector = new BatchCollector({
      known: knownFields(stream),
      kinds,
      refuses: JSON_REFUSALS.postgres,
    });
    collector.add({ records: [GOOD, record] });
    return collector.take().pages[0]?.checked;
  };

  it("passes a page whose declared fields hold their kinds, or null or nothing where allowed", () => {
    expect(checked({ ...GOOD, count: null, note: null })).toBe(true);
    expect(checked({ ...GOOD, amount: undefined, note: undefined, extra: 1 })).toBe(true);
    expect(checked({ ...GOOD, detail: "any JSON" })).toBe(true);
  });

  it("leaves the page to the warehouse's tests when one record is off", () => {
    expect(checked({ ...GOOD, count: "3" })).toBe(false);
    expect(checked({ ...GOOD, ratio: null })).toBe(false);
    expect(checked({ ...GOOD, active: undefined })).toBe(false);
    expect(checked({ ...GOOD, flagged: true })).toBe(false);
    expect(checked({ ...GOOD, detail: null })).toBe(false);
    expect(checked([GOOD])).toBe(false);
    expect(checked("text")).toBe(false);
  });
});

describe("PostgreSQL's shredding statement", () => {
  const postgres = warehouseCases().find((warehouse) => warehouse.kind === "postgres");

  it("reads each field and date-time once per record, however often the checks and verdict use them", async () => {
    const wh = await (postgres as NonNullable<typeof postgres>).open();
    await migrate(wh);
    const layout = landingLayout("kantata", stream);
    const pages = pagesTable(wh, layout);
    const stage = stagingTable(wh, layout);
    const sql = shredSql(wh, layout, stream, pages.sql, stage.sql);
    const plan = await wh.session((session) =>
      session.scratchTransaction(async (tx) => {
        await pages.reset(tx);
        await stage.reset(tx);
        const rows = await tx.query(`explain (verbose, costs off) ${sql.shred()}`);
        return rows.map((row) => String(row["QUERY PLAN"])).join("\n");
      }),
    );
    // day, ended and updated_at each reach the date-time reader on one branch of one expression,
    // after a branch that casts without a test on pages JavaScript found castable.
    expect(plan.match(/parse_timestamp\(/g)).toHaveLength(3);
    expect(plan.match(/WHEN \w+\._pslink_page_castable THEN/g)).toHaveLength(3);
    // Each field's kind and text are read from the record once; the JSON field's value once more.
    const reads = new Map<string, number>();
    for (const read of plan.match(/rec ->>? '\w+'/g) ?? [])
      reads.set(read, (reads.get(read) ?? 0) + 1);
    // Twelve fields' kinds, and the texts of all but the JSON field (its value is read as JSON).
    expect(reads.size).toBe(12 + 11);
    expect([...reads].filter(([, times]) => times > 1)).toEqual([["rec -> 'detail'", 2]]);
  });

  it("stages pages uncompressed, batch after batch", async () => {
    const wh = await (postgres as NonNullable<typeof postgres>).open();
    const pages = pagesTable(wh, landingLayout("kantata", stream));
    const [column] = await wh.session(async (session) => {
      // The second batch's reset finds the table the first one made.
      await session.scratchTransaction((tx) => pages.reset(tx));
      await session.scratchTransaction((tx) => pages.reset(tx));
      return session.scratchTransaction((tx) =>
        tx.query(`select attstorage from pg_attribute
          where attrelid = '${pages.sql}'::regclass and attname = 'body'`),
      );
    });
    expect(column?.attstorage).toBe("e");
  });
});

/**
 * Date-times at the edges of the vendor grammar (`warehouse/json-sql.ts`), read and refused: a
 * cursor JavaScript reads (seek paging) must be the instant its column lands as, and a record one
 * warehouse lands the other must not quarantine.
 */
const EDGES = [
  "2026-05-07T22:07:19Z",
  "2026-05-07T22:07:19.000+0000",
  "2026-05-07T22:07:19-07:00",
  "2026-05-07T22:07:19 +05:30",
  "2026-05-07t22:07:19z",
  " 2026-05-07 22:07:19 ",
  "2026-05-07T22:07",
  "2026-05-07",
  "2026-05-07Z",
  "2026-05-07+05:30",
  "2026-05-07T22:07:19.123456789Z",
  "2026-05-07T22:07:19.9999996Z",
  "2026-05-07T22:07:19+15:59",
  "2026-05-07T22:07:19-1200",
  "2024-02-29T10:00:00Z",
  "0026-05-07",
  "0001-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "5/7/2026",
  "5/7/2026 3:07 pm",
  "05/07/2026 3:07:19PM",
  "5/7/2026 15:07",
  "12/31/2026 12:00 am",
  // Zone-less, read in Los Angeles around its changes of offset: skipped, after, repeated, after.
  "2026-03-08 02:30:00",
  "2026-03-08 09:00:00",
  "2026-11-01 01:30:00",
  "11/1/2026 5:00 am",
  // Refused by all three.
  "2026-05-07T22:07:19-13",
  "2026-05-07T22:07:19+05",
  "2026-05-07T22:07:19+16:00",
  "2026-05-07T22:07:19+24:00",
  "2026-05-07T24:00:00Z",
  "2026-05-07T23:59:60Z",
  "2026-05-07T22:60:00",
  "5/7/2026 0:07 am",
  "5/7/2026 13:07 pm",
  "5/7/2026 24:00",
  "0000-05-07",
  "5/7/0000",
  "2026-02-29",
  "2026-04-31",
  "4/31/2026",
  "2026-13-01",
  "20260507T220719Z",
  "2026-5-7",
  "2026-05-07T22:07:19.Z",
  "someday",
  "",
];

describe.each(warehouseCases())("reading vendor date-times on $kind", (warehouse) => {
  const timeZone = "America/Los_Angeles";
  const updatedAt = stream.schema.shape.updated_at;
  /** The instant and the UTC date JavaScript reads `text` as; null where it refuses it. */
  const javascript = (text: string) => ({
    text,
    updated_at: isoOf(parseTimestamp(text, timeZone)),
    day: isoOf(parseTimestamp(text, "UTC"))?.slice(0, 10) ?? null,
  });
  const landed = (text: string, row: Record<string, unknown>) => ({
    text,
    updated_at: isoOf(row.updated_at as Date | null),
    day: isoOf(row.day as Date | null)?.slice(0, 10) ?? null,
  });

  it("reads or refuses every one as JavaScript does, whichever path it takes", async () => {
    const wh = await warehouse.open();
    // PostgreSQL casts a page JavaScript found castable without its tests: that path too.
    const castable = EDGES.filter(castsAsIs);
    for (const texts of [EDGES, castable]) {
      const records = texts.map((text, i) => ({
        ...GOOD,
        id: `d${i}`,
        updated_at: text,
        day: text,
        ended: "2026-05-07",
      }));
      const castsDateTimes = wh.kind === "postgres";
      const { page, shred } = await shredder(wh, records, { timeZone, castsDateTimes });
      expect(page.castable).toBe(castsDateTimes && texts === castable);
      const rows = await shred({});
      expect(texts.map((text, i) => landed(text, rows[i] as Record<string, unknown>))).toEqual(
        texts.map(javascript),
      );
      // The schema explains a quarantined record: it refuses what the warehouse refused.
      expect(texts.map((text) => ({ text, valid: updatedAt.safeParse(text).success }))).toEqual(
        rows.map((row, i) => ({ text: texts[i], valid: row.updated_at !== null })),
      );
    }
    expect(castable.length).toBeGreaterThan(5);
  });
});

function isoOf(value: number | Date | null | undefined): string | null {
  return value === null || value === undefined ? null : new Date(value).toISOString();
}
