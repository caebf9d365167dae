import { describe, expect, it } from "vitest";
import { PslinkError } from "../../core/errors.js";
import type { ColumnSpec, TableName, Warehouse } from "../../warehouse/warehouse.js";
import { uniqueName, warehouseCases } from "../support/warehouses.js";

const columns: ColumnSpec[] = [
  { name: "id", type: "bigint" },
  { name: "name", type: "text" },
  { name: "amount", type: "decimal" },
  { name: "ratio", type: "double" },
  { name: "active", type: "boolean" },
  { name: "day", type: "date" },
  { name: "seen_at", type: "timestamp" },
  { name: "record", type: "json" },
];

const AWKWARD = [
  'say "hi"',
  "it's",
  "line\nbreak",
  "carriage\r\nreturn",
  "tab\there",
  "back\\slash \\N \\\\",
  "\\N",
  "NULL",
  "",
  " padded ",
  "comma, separated",
  "Zoë Ångström 東京 🚀 e\u0301",
  '"',
  '""',
  "\\",
  ",",
];

function awkwardRow(i: number): unknown[] {
  const text = AWKWARD[i % AWKWARD.length] as string;
  return [
    i,
    i % 17 === 0 ? null : `${text}#${i}`,
    i % 13 === 0 ? null : (i * 1.01).toFixed(2),
    i % 11 === 0 ? null : i / 7,
    i % 5 === 0 ? null : i % 2 === 0,
    i % 19 === 0 ? null : new Date(Date.UTC(2000, 0, 1 + (i % 9000))),
    i % 23 === 0 ? null : new Date(Date.UTC(2020, 0, 1) + i * 1_000_003),
    i % 29 === 0 ? null : { text, n: i, nested: { list: [text, null, true] } },
  ];
}

function expectedRow(row: unknown[]): Record<string, unknown> {
  const [id, name, amount, ratio, active, day, seenAt, record] = row;
  return {
    id,
    name,
    amount: amount === null ? null : Number(amount),
    ratio,
    active,
    day: day instanceof Date ? day.toISOString().slice(0, 10) : null,
    seen_at: seenAt,
    record,
  };
}

async function createTable(warehouse: Warehouse, extra = ""): Promise<TableName> {
  const table = { schema: uniqueName("app"), table: "items" };
  const ddl = columns.map((c) => `${warehouse.quote(c.name)} ${warehouse.sqlType(c.type)}`);
  await warehouse.execute(`create schema ${table.schema}`);
  await warehouse.execute(`create table ${warehouse.qualified(table)} (${ddl.join(", ")}${extra})`);
  return table;
}

describe.each(warehouseCases())("$kind: append", (wc) => {
  it("writes 50,000 rows of awkward values and reads them back equal", async () => {
    const warehouse = await wc.open();
    const table = await createTable(warehouse);
    const rows = Array.from({ length: 50_000 }, (_, i) => awkwardRow(i));
    expect(await warehouse.append(table, columns, rows)).toBe(50_000);
    const back = await warehouse.query(`select * from ${warehouse.qualified(table)} order by id`);
    expect(back.length).toBe(50_000);
    expect(back).toStrictEqual(rows.map(expectedRow));
  });

  it("accepts an async iterable, ISO strings and JSON text", async () => {
    const warehouse = await wc.open();
    const table = await createTable(warehouse);
    async function* generate() {
      yield [1, "a", 1.5, 2, "true", "2024-03-01", "2024-03-01T10:00:00.5+01:00", '{"k":"v"}'];
      yield [2, "b", "3.25", 0, 0, "2024-03-02T23:00:00Z", "2024-03-02 08:00:00", "[]"];
    }
    expect(await warehouse.append(table, columns, generate())).toBe(2);
    const back = await warehouse.query(
      `select id, active, day, seen_at, record from ${warehouse.qualified(table)} order by id`,
    );
    expect(back).toStrictEqual([
      {
        id: 1,
        active: true,
        day: "2024-03-01",
        seen_at: new Date("2024-03-01T09:00:00.500Z"),
        record: { k: "v" },
      },
      {
        id: 2,
        active: false,
        day: "2024-03-02",
        seen_at: new Date("2024-03-02T08:00:00Z"),
        record: [],
      },
    ]);
  });

  it("fills columns it is not given with their defaults", async () => {
    const warehouse = await wc.open();
    const table = await createTable(warehouse, ", note text default 'none'");
    await warehouse.append(table, [columns[1] as ColumnSpec, columns[0] as ColumnSpec], [["x", 7]]);
    const back = await warehouse.query(`select id, name, note from ${warehouse.qualified(table)}`);
    expect(back).toStrictEqual([{ id: 7, name: "x", note: "none" }]);
  });

  it("is all-or-nothing when a value is refused half-way", async () => {
    const warehouse = await wc.open();
    const table = await createTable(warehouse);
    const rows = Array.from({ length: 5_000 }, (_, i) => awkwardRow(i));
    rows.push([5_000, "bad", "1", 1, true, "not a date", null, null]);
    const failure = await warehouse.append(table, columns, rows).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PslinkError);
    expect(
      await warehouse.query(`select count(*) as n from ${warehouse.qualified(table)}`),
    ).toEqual([{ n: 0 }]);
    // The warehouse stays usable after the failed append.
    expect(await warehouse.append(table, columns, rows.slice(0, 3))).toBe(3);
  });

  it("names a table or column that does not exist", async () => {
    const warehouse = await wc.open();
    const table = await createTable(warehouse);
    const missing = { schema: table.schema, table: "no_such_table" };
    await expect(warehouse.append(missing, columns, [])).rejects.toThrow(/no_such_table/);
    const extra = [...columns, { name: "nope", type: "text" } as ColumnSpec];
    await expect(warehouse.append(table, extra, [])).rejects.toThrow(/nope/);
  });

  it("refuses a row of the wrong width", async () => {
    const warehouse = await wc.open();
    const table = await createTable(warehouse);
    await expect(warehouse.append(table, columns, [[1, "short"]])).rejects.toThrow(
      /2 values, expected 8/,
    );
  });
});
