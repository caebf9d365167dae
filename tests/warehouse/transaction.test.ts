import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { PslinkError } from "../../core/errors.js";
import type { SqlExecutor, Warehouse } from "../../warehouse/warehouse.js";
import { uniqueName, warehouseCases } from "../support/warehouses.js";

async function ledger(warehouse: Warehouse): Promise<string> {
  const table = uniqueName("ledger");
  await warehouse.execute(`create table ${table} (id integer, note text)`);
  return table;
}

async function ids(warehouse: Warehouse, table: string): Promise<number[]> {
  const rows = await warehouse.query<{ id: number }>(`select id from ${table} order by id`);
  return rows.map((row) => row.id);
}

describe.each(warehouseCases())("$kind: transactions", (wc) => {
  it("commits when the callback resolves and returns its value", async () => {
    const warehouse = await wc.open();
    const table = await ledger(warehouse);
    const result = await warehouse.transaction(async (tx) => {
      await tx.execute(`insert into ${table} values ($1, $2)`, [1, "a"]);
      await tx.append(
        { schema: await schemaOf(tx), table },
        [{ name: "id", type: "integer" }],
        [[2]],
      );
      return (await tx.query<{ n: number }>(`select count(*) as n from ${table}`))[0]?.n;
    });
    expect(result).toBe(2);
    expect(await ids(warehouse, table)).toEqual([1, 2]);
  });

  it("rolls back everything, appends included, when the callback throws", async () => {
    const warehouse = await wc.open();
    const table = await ledger(warehouse);
    await warehouse.execute(`insert into ${table} values (0, 'kept')`);
    const failure = await warehouse
      .transaction(async (tx) => {
        await tx.execute(`insert into ${table} values (1, 'gone')`);
        await tx.append(
          { schema: await schemaOf(tx), table },
          [{ name: "id", type: "integer" }],
          [[2], [3]],
        );
        throw new Error("changed my mind");
      })
      .catch((e: unknown) => e);
    expect((failure as Error).message).toBe("changed my mind");
    expect(await ids(warehouse, table)).toEqual([0]);
  });

  it("refuses an executor used after its transaction ended", async () => {
    const warehouse = await wc.open();
    let leaked: SqlExecutor | undefined;
    await warehouse.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked?.query("select 1 as one")).rejects.toThrow();
  });

  it("keeps concurrent transactions and statements apart", async () => {
    const warehouse = await wc.open();
    const table = await ledger(warehouse);
    const work = Array.from({ length: 8 }, (_, i) =>
      warehouse.transaction(async (tx) => {
        await tx.execute(`insert into ${table} values ($1, 'tx')`, [i * 10]);
        await sleep(5);
        await tx.execute(`insert into ${table} values ($1, 'tx')`, [i * 10 + 1]);
        if (i === 3) throw new Error("only this one fails");
      }),
    );
    const outside = (async () => {
      await sleep(1);
      await warehouse.execute(`insert into ${table} values (999, 'outside')`);
    })();
    const settled = await Promise.allSettled([...work, outside]);
    expect(settled.filter((s) => s.status === "rejected")).toHaveLength(1);
    const expected = [0, 1, 10, 11, 20, 21, 40, 41, 50, 51, 60, 61, 70, 71, 999];
    expect(await ids(warehouse, table)).toEqual(expected);
  });
});

describe.each(warehouseCases().filter((wc) => wc.kind === "duckdb"))(
  "$kind: one connection",
  (wc) => {
    it("fails clearly, instead of waiting forever, when a callback uses the warehouse itself", async () => {
      const warehouse = await wc.open();
      const failure = await warehouse
        .transaction(async () => warehouse.query("select 1 as one"))
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(PslinkError);
      expect((failure as PslinkError).hint).toMatch(/executor passed to fn/);
      expect(await warehouse.query("select 1 as one")).toEqual([{ one: 1 }]);
    });
  },
);

async function schemaOf(tx: SqlExecutor): Promise<string> {
  const [row] = await tx.query<{ s: string }>("select current_schema() as s");
  return row?.s ?? "main";
}
