import { describe, expect, it } from "vitest";
import type { ColumnSpec, Warehouse } from "../../warehouse/warehouse.js";
import { uniqueName, warehouseCases } from "../support/warehouses.js";

const cases = warehouseCases();

const columns: ColumnSpec[] = [
  { name: "id", type: "integer" },
  { name: "big", type: "bigint" },
  { name: "ratio", type: "double" },
  { name: "amount", type: "decimal" },
  { name: "ok", type: "boolean" },
  { name: "day", type: "date" },
  { name: "ts", type: "timestamp" },
  { name: "doc", type: "json" },
  { name: "label", type: "text" },
];

/** The same values reach each table three ways: SQL literals, bound parameters, the appender. */
async function loadSample(warehouse: Warehouse): Promise<string> {
  const table = uniqueName("vals");
  const ddl = columns.map((c) => `${warehouse.quote(c.name)} ${warehouse.sqlType(c.type)}`);
  await warehouse.execute(`create table ${table} (${ddl.join(", ")})`);
  await warehouse.execute(
    `insert into ${table} values (1, 9007199254740993, 0.25, 12.345, true, '2024-02-29',
      '2024-02-29 23:59:59.123456+00', '{"b": [1, "x", null], "a": {"n": 1.5}}', 'Zoë ✓')`,
  );
  await warehouse.execute(`insert into ${table} values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
    2,
    -42,
    -1.5e-7,
    "0.1",
    false,
    "1999-12-31",
    new Date("1999-12-31T23:00:00.000Z"),
    { list: [], text: "line\nbreak" },
    "",
  ]);
  await warehouse.append({ schema: await currentSchema(warehouse), table }, columns, [
    [
      3,
      12n,
      3,
      7,
      "t",
      new Date("2030-01-01T00:00:00Z"),
      "2030-01-01T05:00:00+05:00",
      "[1,2]",
      "x",
    ],
    [4, null, null, null, null, null, null, null, null],
  ]);
  return table;
}

async function currentSchema(warehouse: Warehouse): Promise<string> {
  const [row] = await warehouse.query<{ s: string }>("select current_schema() as s");
  return row?.s ?? "main";
}

const expected = [
  {
    id: 1,
    big: 9007199254740993n,
    ratio: 0.25,
    amount: 12.345,
    ok: true,
    day: "2024-02-29",
    ts: new Date("2024-02-29T23:59:59.123Z"),
    doc: { a: { n: 1.5 }, b: [1, "x", null] },
    label: "Zoë ✓",
  },
  {
    id: 2,
    big: -42,
    ratio: -1.5e-7,
    amount: 0.1,
    ok: false,
    day: "1999-12-31",
    ts: new Date("1999-12-31T23:00:00.000Z"),
    doc: { list: [], text: "line\nbreak" },
    label: "",
  },
  {
    id: 3,
    big: 12,
    ratio: 3,
    amount: 7,
    ok: true,
    day: "2030-01-01",
    ts: new Date("2030-01-01T00:00:00Z"),
    doc: [1, 2],
    label: "x",
  },
  {
    id: 4,
    big: null,
    ratio: null,
    amount: null,
    ok: null,
    day: null,
    ts: null,
    doc: null,
    label: null,
  },
];

describe.each(cases)("$kind: value normalisation", (wc) => {
  it("returns integers, decimals, dates, timestamps and json by pslink's rule", async () => {
    const warehouse = await wc.open();
    const table = await loadSample(warehouse);
    expect(await warehouse.query(`select * from ${table} order by id`)).toStrictEqual(expected);
  });

  it("keeps a timestamp of a year before 100 however it arrives and leaves", async () => {
    const warehouse = await wc.open();
    const table = uniqueName("early");
    const schema = await currentSchema(warehouse);
    await warehouse.execute(
      `create table ${table} (id integer, ts ${warehouse.sqlType("timestamp")})`,
    );
    await warehouse.execute(`insert into ${table} values (1, '0026-05-07 10:00:00+00')`);
    await warehouse.execute(`insert into ${table} values ($1, $2)`, [2, "0026-05-07T10:00:00Z"]);
    await warehouse.append(
      { schema, table },
      [columns[0]!, columns[6]!],
      [[3, "0026-05-07T10:00:00Z"]],
    );
    const at = new Date("0026-05-07T10:00:00Z");
    expect(await warehouse.query(`select * from ${table} order by id`)).toStrictEqual(
      [1, 2, 3].map((id) => ({ id, ts: at })),
    );
  });

  it("normalises aggregates and expressions the same way", async () => {
    const warehouse = await wc.open();
    const table = await loadSample(warehouse);
    const rows = await warehouse.query(
      `select count(*) as n, sum(id) as total, max(ts) as latest, min(day) as first_day,
              cast(max(ts) as date) as latest_day, sum(amount) as amount
         from ${table}`,
    );
    expect(rows).toStrictEqual([
      {
        n: 4,
        total: 10,
        latest: new Date("2030-01-01T00:00:00Z"),
        first_day: "1999-12-31",
        latest_day: "2030-01-01",
        amount: 19.445,
      },
    ]);
  });
});

describe("value normalisation across dialects", () => {
  it("gives identical rows from DuckDB and PostgreSQL for the same data", async () => {
    const results = [];
    for (const wc of cases) {
      const warehouse = await wc.open();
      const table = await loadSample(warehouse);
      results.push(await warehouse.query(`select * from ${table} order by id`));
    }
    expect(results[0]).toStrictEqual(results[1]);
  });
});
