import { describe, expect, it } from "vitest";
import { PslinkError } from "../../core/errors.js";
import { inList, queryInChunks } from "../../warehouse/sql-values.js";
import { uniqueName, warehouseCases } from "../support/warehouses.js";

describe.each(warehouseCases())("$kind: execute and query", (wc) => {
  it("runs statements, binds $n parameters and returns plain rows", async () => {
    const warehouse = await wc.open();
    const schema = uniqueName("sql");
    await warehouse.execute(
      `create schema ${schema}; create table ${schema}.people (id integer primary key, name text, active boolean)`,
    );
    await warehouse.execute(`insert into ${schema}.people values ($1, $2, $3), ($4, $5, $6)`, [
      1,
      "Ada",
      true,
      2,
      'O\'Brien "the" second',
      false,
    ]);
    const rows = await warehouse.query<{ id: number; name: string }>(
      `select id, name from ${schema}.people where active = $1 or name like $2 order by id`,
      [true, "O'%"],
    );
    expect(rows).toEqual([
      { id: 1, name: "Ada" },
      { id: 2, name: 'O\'Brien "the" second' },
    ]);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
  });

  it("returns no rows for a statement without results and for an empty match", async () => {
    const warehouse = await wc.open();
    const table = uniqueName("empty");
    await warehouse.execute(`create table ${table} (a integer)`);
    expect(await warehouse.query(`select a from ${table}`)).toEqual([]);
  });

  it("treats undefined parameters as null and Dates as UTC instants", async () => {
    const warehouse = await wc.open();
    const rows = await warehouse.query("select $1::integer as a, $2::timestamptz as b", [
      undefined,
      new Date("2024-05-01T09:30:00.250Z"),
    ]);
    expect(rows).toEqual([{ a: null, b: new Date("2024-05-01T09:30:00.250Z") }]);
  });

  it("quotes identifiers and names types per dialect", async () => {
    const warehouse = await wc.open();
    expect(warehouse.quote('odd "name"')).toBe('"odd ""name"""');
    expect(warehouse.qualified({ schema: "raw_salesforce", table: "account" })).toBe(
      '"raw_salesforce"."account"',
    );
    const schema = uniqueName("types");
    const columns = (
      [
        "text",
        "integer",
        "bigint",
        "double",
        "decimal",
        "boolean",
        "date",
        "timestamp",
        "json",
      ] as const
    )
      .map((type) => `${warehouse.quote(`c_${type}`)} ${warehouse.sqlType(type)}`)
      .join(", ");
    await warehouse.execute(`create schema ${schema}; create table ${schema}.t (${columns})`);
    const described = await warehouse.query(
      "select count(*) as n from information_schema.columns where table_schema = $1",
      [schema],
    );
    expect(described).toEqual([{ n: 9 }]);
  });

  it("reports SQL errors as PslinkErrors carrying the statement", async () => {
    const warehouse = await wc.open();
    const failure = await warehouse.query("select * from no_such_table").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PslinkError);
    expect((failure as PslinkError).kind).toBe("fatal");
    expect((failure as PslinkError).message).toMatch(/no_such_table/);
    expect((failure as PslinkError).details?.sql).toBe("select * from no_such_table");
  });

  it("looks up a list longer than PostgreSQL's 65,535 parameters in chunks", async () => {
    const warehouse = await wc.open();
    const schema = uniqueName("sql");
    await warehouse.execute(
      `create schema ${schema}; create table ${schema}.keys as select i from generate_series(1, 70000) as g(i)`,
    );
    const wanted = Array.from({ length: 70_000 }, (_, index) => index * 2 + 1);
    const found = await queryInChunks(wanted, (chunk) => {
      const params: unknown[] = [];
      return warehouse.query<{ i: number }>(
        `select i from ${schema}.keys where ${inList("i", chunk, params)}`,
        params,
      );
    });
    expect(found.map((row) => row.i).sort((a, b) => a - b)).toEqual(wanted.slice(0, 35_000));

    const params: unknown[] = [];
    const whole = warehouse.query(
      `select i from ${schema}.keys where ${inList("i", wanted, params)}`,
      params,
    );
    if (wc.kind === "postgres")
      await expect(whole).rejects.toThrow(
        "a statement with 70000 parameters: PostgreSQL takes at most 65535",
      );
    else expect(await whole).toHaveLength(35_000);
  });
});
