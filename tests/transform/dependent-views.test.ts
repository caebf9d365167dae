import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildModels } from "../../transform/index.js";
import { formatEvent } from "../../transform/run/run-log.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { createSourceData, DBT_MINI_DIR } from "./dbt-mini-data.js";
import { transformWarehouseCases } from "./transform-warehouses.js";

/** A user's views on the fixture's models: on a table, on that view, on a model view. */
const USER_VIEWS = [
  "create schema analyst",
  `create view analyst.hours_by_status as
     select status, sum(total_hours) as hours from marts.project_summary group by status`,
  "create view analyst.active_hours as select hours from analyst.hours_by_status where status = 'active'",
  "create view analyst.project_codes as select project_id, project_code from staging.stg_psa__projects",
];

/** What PostgreSQL keeps of a view besides its query, and a materialized view with its index. */
const POSTGRES_EXTRAS = [
  "comment on view analyst.hours_by_status is 'hours per project status, for the BI team'",
  "comment on column analyst.hours_by_status.hours is 'total hours'",
  "grant select on analyst.hours_by_status to public",
  `create materialized view analyst.summary_snapshot as
     select project_id, total_hours from marts.project_summary`,
  "create index summary_snapshot_project on analyst.summary_snapshot (project_id)",
];

async function hoursByStatus(warehouse: Warehouse): Promise<string[]> {
  const rows = await warehouse.query<{ status: unknown; hours: unknown }>(
    "select status, hours from analyst.hours_by_status order by status",
  );
  return rows.map((row) => `${String(row.status)} ${Number(row.hours)}`);
}

describe.each(transformWarehouseCases())("views built on models, on $kind", ({ kind, fresh }) => {
  it("are kept when the models they read are built again", async () => {
    const { warehouse } = await fresh();
    await createSourceData(warehouse);
    await buildModels({ warehouse, projectDir: DBT_MINI_DIR });
    for (const statement of USER_VIEWS) await warehouse.execute(statement);
    if (kind === "postgres")
      for (const statement of POSTGRES_EXTRAS) await warehouse.execute(statement);
    const before = await hoursByStatus(warehouse);
    expect(before.length).toBeGreaterThan(0);

    // The table is swapped for its new build (PostgreSQL drops the old one `cascade`), and the
    // staging view it reads is replaced.
    const rebuilt = await buildModels({
      warehouse,
      projectDir: DBT_MINI_DIR,
      select: ["stg_psa__projects", "project_summary"],
    });
    expect(rebuilt.nodes.map((node) => [node.name, node.status, node.warnings])).toEqual([
      ["stg_psa__projects", "success", undefined],
      ["project_summary", "success", undefined],
    ]);
    expect(await hoursByStatus(warehouse)).toEqual(before);
    const active = await warehouse.query<{ hours: unknown }>(
      "select hours from analyst.active_hours",
    );
    expect(active.map((row) => Number(row.hours))).toEqual([
      Number(before.find((line) => line.startsWith("active "))?.split(" ")[1]),
    ]);
    const codes = await warehouse.query("select * from analyst.project_codes");
    expect(codes.length).toBe(4);
    if (kind !== "postgres") return;

    const [kept] = await warehouse.query<{ view: unknown; hours: unknown; public: unknown }>(
      `select obj_description('analyst.hours_by_status'::regclass, 'pg_class') as view,
              col_description('analyst.hours_by_status'::regclass, 2) as hours,
              has_table_privilege('public', 'analyst.hours_by_status', 'select') as public`,
    );
    expect(kept).toEqual({
      view: "hours per project status, for the BI team",
      hours: "total hours",
      public: true,
    });
    const snapshot = await warehouse.query<{ n: unknown }>(
      "select count(*) as n from analyst.summary_snapshot",
    );
    expect(Number(snapshot[0]?.n)).toBe(4);
    const indexes = await warehouse.query<{ indexname: unknown }>(
      "select indexname from pg_indexes where schemaname = 'analyst' and tablename = 'summary_snapshot'",
    );
    expect(indexes.map((row) => row.indexname)).toEqual(["summary_snapshot_project"]);
  });

  it("warn of a view the new build no longer fits, with its definition", async () => {
    const projectDir = mkdtempSync(join(tmpdir(), "pslink-dependent-views-"));
    cpSync(DBT_MINI_DIR, projectDir, { recursive: true });
    const { warehouse } = await fresh();
    await createSourceData(warehouse);
    await buildModels({ warehouse, projectDir });
    await warehouse.execute("create schema analyst");
    await warehouse.execute(
      "create view analyst.budgets as select project_id, budget_amount from marts.project_summary",
    );
    await warehouse.execute("create view analyst.big_budgets as select * from analyst.budgets");
    await warehouse.execute(
      "create view analyst.hours as select project_id, total_hours from marts.project_summary",
    );
    // The model no longer has budget_amount.
    const model = join(projectDir, "models/marts/project_summary.sql");
    writeFileSync(model, readFileSync(model, "utf8").replace("projects.budget_amount,", ""));

    const lines: string[] = [];
    const rebuilt = await buildModels({
      warehouse,
      projectDir,
      select: ["project_summary"],
      onEvent: (event) => {
        const line = formatEvent(event);
        if (line) lines.push(line);
      },
    });
    expect(rebuilt.ok).toBe(true);
    const hours = await warehouse.query("select * from analyst.hours");
    expect(hours.length).toBe(4);
    const [node] = rebuilt.nodes;
    if (kind !== "postgres") {
      // DuckDB keeps a view as its text: it stays, and fails only when read.
      expect(node?.warnings).toBeUndefined();
      return;
    }
    expect(lines.at(-1)).toMatch(/^1 of 1 OK +table marts\.project_summary .*, 2 warnings\]$/);
    const [budgets, bigBudgets] = node?.warnings ?? [];
    expect(budgets).toMatch(
      /^view analyst\.budgets was built on it and does not fit the new build, so it is gone: .*budget_amount/,
    );
    expect(budgets).toContain(
      "its definition, to change and make again: create view analyst.budgets as",
    );
    expect(budgets).toContain("budget_amount");
    expect(bigBudgets).toMatch(/^view analyst\.big_budgets was built on it .* so it is gone/);
    const left = await warehouse.query<{ table_name: unknown }>(
      "select table_name from information_schema.views where table_schema = 'analyst' order by 1",
    );
    expect(left.map((row) => row.table_name)).toEqual(["hours"]);
  });
});
