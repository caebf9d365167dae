import { describe, expect, it } from "vitest";
import { PslinkError } from "../../core/errors.js";
import { migrate } from "../../warehouse/migrate.js";
import { bookkeepingMigrations } from "../../warehouse/migrations/bookkeeping-migrations.js";
import { warehouseCases } from "../support/warehouses.js";

const TABLES = [
  "audit_log",
  "quarantine",
  "run_streams",
  "runs",
  "schema_drift",
  "schema_migrations",
  "stream_state",
  "write_items",
  "write_plans",
];

describe.each(warehouseCases())("$kind: bookkeeping migrations", (wc) => {
  it("creates every pslink table once, and applies nothing the second time", async () => {
    const target = await wc.target();
    const warehouse = await wc.open(target);
    const names = bookkeepingMigrations.map((m) => m.name);
    expect(await migrate(warehouse)).toEqual(names);
    expect(await migrate(warehouse)).toEqual([]);
    const tables = await warehouse.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'pslink' order by table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(TABLES);
    const recorded = await warehouse.query<{ name: string; applied_at: Date }>(
      "select name, applied_at from pslink.schema_migrations order by name",
    );
    expect(recorded.map((r) => r.name)).toEqual(names);
    expect(recorded.every((r) => r.applied_at instanceof Date)).toBe(true);
    // Another process (another warehouse object) finds the schema current too.
    await warehouse.close();
    expect(await migrate(await wc.open(target))).toEqual([]);
  });

  it("gives the tables working keys, defaults and JSON columns", async () => {
    const warehouse = await wc.open();
    await migrate(warehouse);
    await warehouse.execute(
      "insert into pslink.runs (run_id, job, trigger, status, host, pid) values ($1, 'sync', 'cli', 'running', 'h', 1)",
      ["run-1"],
    );
    const [run] = await warehouse.query("select status, started_at, finished_at from pslink.runs");
    expect(run).toMatchObject({ status: "running", finished_at: null });
    expect(run?.started_at).toBeInstanceOf(Date);
    await expect(
      warehouse.execute(
        "insert into pslink.runs (run_id, job, trigger, status) values ('run-2', 'sync', 'cli', 'bogus')",
      ),
    ).rejects.toBeInstanceOf(PslinkError);

    await warehouse.execute(
      "insert into pslink.stream_state (source, stream, cursor, run_id) values ('salesforce', 'account', $1, 'run-1')",
      [{ since: "2024-01-01T00:00:00Z" }],
    );
    await expect(
      warehouse.execute(
        "insert into pslink.stream_state (source, stream) values ('salesforce', 'account')",
      ),
    ).rejects.toBeInstanceOf(PslinkError);
    expect(await warehouse.query("select cursor from pslink.stream_state")).toEqual([
      { cursor: { since: "2024-01-01T00:00:00Z" } },
    ]);

    await warehouse.execute(
      "insert into pslink.write_plans (plan_id, created_by, status) values ('p1', 'ana', 'planned')",
    );
    expect(await warehouse.query("select held, confirmed_at from pslink.write_plans")).toEqual([
      { held: false, confirmed_at: null },
    ]);

    for (const actor of ["ana", "ben"]) {
      await warehouse.execute(
        "insert into pslink.audit_log (actor, action, details) values ($1, 'approve', $2)",
        [actor, { reason: "ok" }],
      );
    }
    const audit = await warehouse.query<{ audit_id: number; occurred_at: Date }>(
      "select audit_id, occurred_at, details from pslink.audit_log order by audit_id",
    );
    expect(audit.map((a) => a.audit_id)).toEqual([1, 2]);
    expect(audit[0]?.occurred_at).toBeInstanceOf(Date);
  });
});

describe.each(warehouseCases().filter((wc) => wc.kind === "postgres"))("$kind: audit log", (wc) => {
  it("refuses UPDATE, DELETE and TRUNCATE", async () => {
    const warehouse = await wc.open();
    await migrate(warehouse);
    await warehouse.execute("insert into pslink.audit_log (actor, action) values ('ana', 'apply')");
    for (const sql of [
      "update pslink.audit_log set actor = 'mallory'",
      "delete from pslink.audit_log",
      "truncate pslink.audit_log",
    ]) {
      await expect(warehouse.execute(sql)).rejects.toThrow(/append-only/);
    }
    expect(await warehouse.query("select actor from pslink.audit_log")).toEqual([{ actor: "ana" }]);
  });
});

describe.each(warehouseCases().filter((wc) => wc.kind === "postgres"))(
  "$kind: the date-time reader",
  (wc) => {
    it("is brought to the current grammar in a warehouse an earlier release migrated", async () => {
      const warehouse = await wc.open();
      const before = bookkeepingMigrations.findIndex((m) => m.name.startsWith("0007_"));
      await migrate(warehouse, bookkeepingMigrations.slice(0, before));
      // What 0005 left behind read hour 24 as the next day, as a plain cast does.
      await warehouse.execute(`create or replace function pslink.parse_timestamp(value text, time_zone text)
        returns timestamptz language sql as $$ select value::timestamptz $$`);
      const read = () =>
        warehouse.query("select pslink.parse_timestamp('2026-05-07T24:00:00Z', 'UTC') as at");
      expect(await read()).toEqual([{ at: new Date("2026-05-08T00:00:00Z") }]);
      expect(await migrate(warehouse)).toEqual(["0007_parse_timestamp_grammar"]);
      expect(await read()).toEqual([{ at: null }]);
    });
  },
);
