import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { buildModels } from "../../transform/index.js";
import { createSourceData, DBT_MINI_DIR } from "./dbt-mini-data.js";
import { transformWarehouseCases } from "./transform-warehouses.js";

const postgres = transformWarehouseCases().find((c) => c.kind === "postgres");
if (!postgres) throw new Error("no PostgreSQL warehouse case");

/** Another session reading a model, as a BI tool does: its open transaction holds the relation. */
async function reader(url: string, relation: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: "bi-dashboard" });
  await client.connect();
  await client.query("begin");
  await client.query(`select count(*) from ${relation}`);
  return client;
}

const readers: pg.Client[] = [];
afterEach(async () => {
  await Promise.all(readers.splice(0).map((client) => client.end().catch(() => undefined)));
});

describe("a build on PostgreSQL while other sessions read its models", () => {
  it("leaves a model in use its previous build, names who holds it, and builds once it is free", async () => {
    const { warehouse, location } = await postgres.fresh();
    await createSourceData(warehouse);
    expect((await buildModels({ warehouse, projectDir: DBT_MINI_DIR })).ok).toBe(true);
    const before = await warehouse.query("select * from marts.project_summary order by 1");
    await warehouse.execute("update src_psa.time_entries set minutes = minutes + 60");

    const holder = await reader(location, "marts.project_summary");
    readers.push(holder);
    const lockWait = { attemptMs: 100, budgetMs: 1_000 };
    const select = ["int_project_hours", "project_summary", "stg_psa__projects"];
    const held = await buildModels({ warehouse, projectDir: DBT_MINI_DIR, select, lockWait });
    const summary = held.nodes.find((node) => node.name === "project_summary");
    expect(summary?.status).toBe("error");
    expect(summary?.error).toContain(
      "marts.project_summary stayed in use by other sessions for 1 s, so its new build was not put in place: pid ",
    );
    expect(summary?.error).toMatch(/"bi-dashboard", idle in transaction for \d+ s\)/);
    expect(summary?.error).toContain("it keeps what it held");
    // The other models of the selection, which nobody reads, were replaced meanwhile.
    expect(
      held.nodes
        .filter((node) => node.status === "success")
        .map((node) => node.name)
        .sort(),
    ).toEqual(["int_project_hours", "stg_psa__projects"]);
    expect(await warehouse.query("select * from marts.project_summary order by 1")).toEqual(before);
    expect(
      await warehouse.query(
        "select 1 from information_schema.tables where table_name like '%pslink_tmp%'",
      ),
    ).toEqual([]);

    // The reader ends its transaction while the next build waits: that build goes in.
    const again = buildModels({
      warehouse,
      projectDir: DBT_MINI_DIR,
      select,
      lockWait: { attemptMs: 100, budgetMs: 60_000 },
    });
    setTimeout(() => void holder.query("commit"), 300);
    expect((await again).ok).toBe(true);
    expect(await warehouse.query("select * from marts.project_summary order by 1")).not.toEqual(
      before,
    );
  });

  it("waits for a view's readers the same way", async () => {
    const { warehouse, location } = await postgres.fresh();
    await createSourceData(warehouse);
    expect((await buildModels({ warehouse, projectDir: DBT_MINI_DIR })).ok).toBe(true);
    readers.push(await reader(location, "staging.stg_psa__projects"));
    const held = await buildModels({
      warehouse,
      projectDir: DBT_MINI_DIR,
      select: ["stg_psa__projects"],
      lockWait: { attemptMs: 100, budgetMs: 500 },
    });
    expect(held.nodes[0]?.error).toContain(
      "staging.stg_psa__projects stayed in use by other sessions",
    );
  });
});
