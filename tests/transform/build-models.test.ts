import { describe, expect, it } from "vitest";
import { buildModels, testModels } from "../../transform/index.js";
import {
  applySourceChanges,
  createSourceData,
  DBT_MINI_DIR,
  DBT_MINI_RELATIONS,
} from "./dbt-mini-data.js";
import { transformWarehouseCases } from "./transform-warehouses.js";

describe.each(transformWarehouseCases())("buildModels on $kind", ({ kind, fresh }) => {
  it("builds every model of the fixture in dependency order and passes its tests", async () => {
    const { warehouse } = await fresh();
    await createSourceData(warehouse);
    const build = await buildModels({ warehouse, projectDir: DBT_MINI_DIR });
    expect(build.nodes.filter((node) => node.status !== "success")).toEqual([]);
    expect(build.ok).toBe(true);
    const order = build.nodes.map((node) => node.name);
    expect(order.indexOf("stg_psa__time_entries")).toBeLessThan(order.indexOf("int_project_hours"));
    expect(order.indexOf("int_project_hours")).toBeLessThan(order.indexOf("project_summary"));
    expect(order).not.toContain("int_billable_entries");
    expect(build.nodes.map((node) => node.relation).sort()).toEqual([...DBT_MINI_RELATIONS].sort());
    const summary = await warehouse.query<{
      project_id: unknown;
      total_hours: unknown;
      billable_hours: unknown;
      is_open: unknown;
      hours_band: unknown;
    }>(
      "select project_id, total_hours, billable_hours, is_open, hours_band from marts.project_summary order by project_id",
    );
    // hours_band comes from a macro that calls a returning macro of its own file (macros/hours_band.sql).
    expect(
      summary.map((row) => [
        Number(row.project_id),
        Number(row.total_hours),
        Number(row.billable_hours),
        row.is_open,
        row.hours_band,
      ]),
    ).toEqual([
      [1, 17.08, 15.5, true, "heavy"],
      [2, 8.08, 8.08, true, "regular"],
      [3, 4, 0, false, "light"],
      [4, 9, 9, true, "regular"],
    ]);
    const tested = await testModels({ warehouse, projectDir: DBT_MINI_DIR });
    expect(
      tested.tests
        .filter((test) => test.status !== "pass")
        .map((test) => [test.name, test.status, test.failures]),
    ).toEqual([["not_null_stg_psa__time_entries_notes", "warn", 2]]);
    expect(tested.ok).toBe(true);
    expect(tested.tests.length).toBe(18);
    // The project's hooks ran around the build and around the tests, in order.
    const schema = kind === "duckdb" ? "main" : "public";
    const events = await warehouse.query<{ event: unknown }>(
      `select event from ${schema}.run_events`,
    );
    expect(events.map((row) => row.event)).toEqual(["start", "end", "start", "end"]);
  });

  it("refuses to build models whose source tables no sync has landed yet, naming them", async () => {
    const { warehouse } = await fresh();
    await warehouse.execute("create schema src_psa");
    await warehouse.execute("create table src_psa.projects (project_id integer)");
    const build = buildModels({ warehouse, projectDir: DBT_MINI_DIR });
    await expect(build).rejects.toThrow(
      "the models to build read a source table the warehouse does not have yet: src_psa.time_entries",
    );
    await expect(build).rejects.toMatchObject({
      hint: "run `pslink sync` first (`--source <system>` syncs one system), or leave out the models that read them (--exclude source:psa+)",
    });
    // Nothing ran, not even the project's on-run-start hook.
    const schema = kind === "duckdb" ? "main" : "public";
    const built = await warehouse.query(
      `select table_name from information_schema.tables where table_schema in ('marts', 'reference', '${schema}')`,
    );
    expect(built).toEqual([]);
    // The models that read no source build.
    const seeds = await buildModels({
      warehouse,
      projectDir: DBT_MINI_DIR,
      exclude: ["source:psa+"],
    });
    expect(seeds.nodes.map((node) => [node.name, node.status])).toEqual([
      ["customer_segments", "success"],
    ]);
  });

  it("merges incremental models on unique_key and rebuilds them on full refresh", async () => {
    const { warehouse } = await fresh();
    await createSourceData(warehouse);
    await buildModels({ warehouse, projectDir: DBT_MINI_DIR });
    await warehouse.execute(
      "update marts.fct_time_entries set worker_email = 'kept@example.com' where time_entry_id = 101",
    );
    await applySourceChanges(warehouse);
    const second = await buildModels({
      warehouse,
      projectDir: DBT_MINI_DIR,
      select: ["fct_time_entries", "fct_daily_hours"],
    });
    expect(second.nodes.map((node) => [node.name, node.status, node.rows])).toEqual([
      ["fct_daily_hours", "success", 3],
      ["fct_time_entries", "success", 3],
    ]);
    const entries = await warehouse.query<{
      time_entry_id: unknown;
      hours: unknown;
      worker_email: unknown;
    }>(
      "select time_entry_id, hours, worker_email from marts.fct_time_entries order by time_entry_id",
    );
    expect(entries.map((row) => Number(row.time_entry_id))).toEqual([
      101, 102, 103, 104, 105, 106, 107, 108, 109,
    ]);
    expect(entries.find((row) => Number(row.time_entry_id) === 102)?.hours).toSatisfy(
      (hours) => Number(hours) === 8.5,
    );
    expect(entries.find((row) => Number(row.time_entry_id) === 101)?.worker_email).toBe(
      "kept@example.com",
    );
    const days = await warehouse.query<{ project_id: unknown; work_date: unknown; hours: unknown }>(
      "select project_id, cast(work_date as text) as work_date, hours from marts.fct_daily_hours order by project_id, work_date",
    );
    expect(
      days.map((row) => `${Number(row.project_id)} ${String(row.work_date)} ${Number(row.hours)}`),
    ).toEqual([
      "1 2024-02-01 8",
      "1 2024-02-02 10.08",
      "2 2024-02-01 6",
      "2 2024-02-03 2.08",
      "3 2024-02-03 4",
      "3 2024-02-09 1",
      "4 2024-02-04 9.5",
    ]);
    const refreshed = await buildModels({
      warehouse,
      projectDir: DBT_MINI_DIR,
      select: ["fct_time_entries"],
      fullRefresh: true,
    });
    expect(refreshed.nodes.map((node) => [node.name, node.rows])).toEqual([
      ["fct_time_entries", 9],
    ]);
    const email = await warehouse.query<{ worker_email: unknown }>(
      "select worker_email from marts.fct_time_entries where time_entry_id = 101",
    );
    expect(email[0]?.worker_email).toBe("ana.silva@example.com");
  });
});
