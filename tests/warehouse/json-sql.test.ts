import { describe, expect, it } from "vitest";
import type { RecordsAt } from "../../extractors/engine/source.js";
import { parseTimestamp } from "../../extractors/engine/timestamps.js";
import { jsonSql, sqlLiteral } from "../../warehouse/json-sql.js";
import { migrate } from "../../warehouse/migrate.js";
import { warehouseCases } from "../support/warehouses.js";

/** Vendor date-times as the four systems write them, and the forms around them. */
const READABLE = [
  "2026-05-07T22:07:19.000+0000",
  "2026-05-07T22:07:19Z",
  "2026-05-07t22:07:19z",
  "2026-05-07T22:07:19.123Z",
  "2026-05-07T15:07:19-07:00",
  "2026-05-07T15:07:19 -07:00",
  "2026-05-07 22:07:19",
  "2026-05-07T22:07",
  "2026-05-07",
  "5/7/2026 3:07 pm",
  "5/7/2026 3:07:19 PM",
  "05/07/2026 15:07",
  "5/7/2026",
  " 2026-05-07T22:07:19Z ",
];
const UNREADABLE = [
  "31.31.20X6",
  "someday",
  "",
  "2026-13-01",
  "2026-02-31",
  "2/31/2026",
  "2026-02-31T00:00:00Z",
  "2026-02-31 10:00:00",
  "infinity",
];
const ZONES = ["UTC", "America/Los_Angeles", "Asia/Kolkata"];

describe.each(warehouseCases())("record shredding SQL on $kind", (warehouse) => {
  it("reads every vendor date-time form to the instant the extractor's parser reads", async () => {
    const wh = await warehouse.open();
    await migrate(wh);
    const sql = jsonSql(wh);
    for (const zone of ZONES) {
      const values = [...READABLE, ...UNREADABLE].map((text) => `(${sqlLiteral(text)})`);
      const rows = await wh.query<{ text: string; ms: unknown }>(
        `select v as text, ${sql.epochMs(sql.timestamp("v", zone))} as ms
         from (values ${values.join(", ")}) as t(v)`,
      );
      const read = new Map(rows.map((row) => [row.text, row.ms === null ? null : Number(row.ms)]));
      for (const text of READABLE) {
        expect({ text, zone, ms: read.get(text) }).toEqual({
          text,
          zone,
          ms: parseTimestamp(text.trim(), zone),
        });
      }
      // Stricter than the JavaScript parser on impossible dates: 31 February is quarantined.
      for (const text of UNREADABLE)
        expect({ text, ms: read.get(text) }).toEqual({ text, ms: null });
    }
  });

  it("reads a page's records from the response as received, at their positions", async () => {
    const wh = await warehouse.open();
    const sql = jsonSql(wh);
    const text = wh.sqlType("text");
    await wh.execute(
      `create table received_pages (page_no integer, body ${text}, positions ${text}, drifts boolean, set_aside ${text}, castable boolean)`,
    );
    const kantata = {
      meta: { count: 3 },
      results: [
        { key: "time_entries", id: 2 },
        { key: "users", id: "9" },
        { key: "time_entries", id: "1" },
      ],
      time_entries: { "1": { id: "1", hours: 1.5 }, "2": { id: "2", note: 'é \\ " /' }, "3": {} },
      users: { "9": { id: "9" } },
    };
    const suiteql = { items: [{ id: 1 }, { id: 2 }, { id: 3 }], hasMore: false };
    const pages: [number, unknown, (number | string)[] | null][] = [
      [0, kantata, ["2", "1"]],
      [1, suiteql, [2, 0]],
      [2, [{ id: "a" }, { id: "b" }], null],
    ];
    for (const [page, body, positions] of pages) {
      await wh.execute("insert into received_pages values ($1, $2, $3, false, null, false)", [
        page,
        JSON.stringify(body),
        positions && JSON.stringify(positions),
      ]);
    }
    const read = async (at: RecordsAt, page: number) => {
      const rows = await wh.query<{ ord: unknown; rec: string }>(
        `select _pslink_ord as ord, cast(rec as ${text}) as rec
         from (${sql.records("received_pages", at)}) records
         where _pslink_page = $1 order by _pslink_ord`,
        [page],
      );
      return rows.map((row) => [Number(row.ord), JSON.parse(row.rec)]);
    };
    // Kantata: values of the stream's map, picked by key, in the order picked.
    expect(await read({ map: "time_entries" }, 0)).toEqual([
      [1, kantata.time_entries["2"]],
      [2, kantata.time_entries["1"]],
    ]);
    expect(await read({ array: "items" }, 1)).toEqual([
      [1_000_001, { id: 3 }],
      [1_000_002, { id: 1 }],
    ]);
    // A page staged without its response: its records as one array.
    expect(await read({ array: "items" }, 2)).toEqual([
      [2_000_001, { id: "a" }],
      [2_000_002, { id: "b" }],
    ]);
  });

  it("casts a number past a column's range to null instead of failing the statement", async () => {
    const wh = await warehouse.open();
    const sql = jsonSql(wh);
    const text = wh.sqlType("text");
    // As JavaScript reads them: past a double's range is Infinity (no value), nearer zero than
    // half the smallest double is 0.
    const expected: [string, number | null, number | null, number | null][] = [
      ["42", 42, 42, 42],
      ["1500.0", 1500, 1500, 1500],
      ["-2.5e3", -2500, -2500, -2500],
      ["1e20", null, 1e20, 1e20],
      ["12345678901234567891", null, 12345678901234567000, 12345678901234567000],
      ["1e400", null, null, null],
      ["-1e400", null, null, null],
      ["1e-400", 0, 0, 0],
    ];
    const values = expected.map(([v]) => `(${sqlLiteral(v)})`).join(", ");
    const rows = await wh.query<{ v: string; b: unknown; d: unknown; m: unknown }>(
      `select v, cast(${sql.cast("v", "bigint")} as ${text}) as b,
         cast(${sql.cast("v", "double")} as ${text}) as d, cast(${sql.cast("v", "decimal")} as ${text}) as m
       from (values ${values}) as t(v)`,
    );
    // DuckDB's decimal is read through a double: equal to 12 digits.
    const number = (value: unknown) =>
      value === null ? null : Number(Number(value).toPrecision(12));
    expect(rows.map((row) => [row.v, number(row.b), number(row.d), number(row.m)])).toEqual(
      expected.map(([v, ...casts]) => [v, ...casts.map(number)]),
    );
  });

  it("reads every vendor date and date-time form to the UTC date of its instant", async () => {
    const wh = await warehouse.open();
    await migrate(wh);
    const sql = jsonSql(wh);
    const values = [...READABLE, ...UNREADABLE].map((text) => `(${sqlLiteral(text)})`);
    const rows = await wh.query<{ text: string; day: unknown }>(
      `select v as text, cast(${sql.date("v")} as ${wh.sqlType("text")}) as day
       from (values ${values.join(", ")}) as t(v)`,
    );
    const read = new Map(rows.map((row) => [row.text, row.day]));
    for (const text of READABLE) {
      const ms = parseTimestamp(text.trim(), "UTC");
      const day = ms === undefined ? null : new Date(ms).toISOString().slice(0, 10);
      expect({ text, day: read.get(text) }).toEqual({ text, day });
    }
    for (const text of UNREADABLE)
      expect({ text, day: read.get(text) }).toEqual({ text, day: null });
  });
});
