import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModels, testModels } from "../../transform/index.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { createSourceData, DBT_MINI_DIR } from "./dbt-mini-data.js";
import { transformWarehouseCases } from "./transform-warehouses.js";

/** A throwaway dbt project: `dbt_project.yml` text, then files by path. */
async function projectWith(projectYml: string, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pslink-dbt-seeds-"));
  await writeFile(join(dir, "dbt_project.yml"), `name: scratch\nprofile: scratch\n${projectYml}`);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const columnTypes = (warehouse: Warehouse, schema: string, table: string) =>
  warehouse.query<{ column_name: string; data_type: string }>(
    `select column_name, lower(data_type) as data_type from information_schema.columns
      where table_schema = $1 and table_name = $2 order by ordinal_position`,
    [schema, table],
  );

describe.each(transformWarehouseCases())("seeds on $kind", ({ kind, fresh }) => {
  let warehouse: Warehouse;
  beforeAll(async () => {
    ({ warehouse } = await fresh());
    await createSourceData(warehouse);
  });

  it("loads a CSV as a table: types inferred, column_types honoured, quoting and empty cells kept", async () => {
    const build = await buildModels({ warehouse, projectDir: DBT_MINI_DIR });
    expect(build.ok).toBe(true);
    const seed = build.nodes.find((node) => node.name === "customer_segments");
    expect(seed).toMatchObject({
      materialized: "seed",
      relation: "reference.customer_segments",
      status: "success",
      rows: 3,
    });
    // A seed is built before the models that ref it.
    const order = build.nodes.map((node) => node.name);
    expect(order.indexOf("customer_segments")).toBeLessThan(order.indexOf("customer_hours"));

    expect(await columnTypes(warehouse, "reference", "customer_segments")).toEqual(
      kind === "duckdb"
        ? [
            { column_name: "customer_name", data_type: "varchar" },
            { column_name: "segment", data_type: "varchar" },
            { column_name: "since", data_type: "date" },
            { column_name: "discount_pct", data_type: "decimal(3,1)" },
            { column_name: "is_key_account", data_type: "boolean" },
            { column_name: "note", data_type: "varchar" },
          ]
        : [
            { column_name: "customer_name", data_type: "text" },
            { column_name: "segment", data_type: "character varying" },
            { column_name: "since", data_type: "date" },
            { column_name: "discount_pct", data_type: "numeric" },
            { column_name: "is_key_account", data_type: "boolean" },
            { column_name: "note", data_type: "text" },
          ],
    );
    const rows = await warehouse.query(
      `select customer_name, cast(since as varchar) as since, cast(discount_pct as varchar) as discount,
              is_key_account, note
         from reference.customer_segments order by customer_name`,
    );
    expect(rows).toEqual([
      {
        customer_name: "Acme Holdings",
        since: "2019-03-01",
        discount: "12.5",
        is_key_account: true,
        note: "Tier 1, global",
      },
      {
        customer_name: "Birch & Co",
        since: "2021-07-15",
        discount: kind === "duckdb" ? "5.0" : "5",
        is_key_account: false,
        note: 'said "yes" twice',
      },
      {
        customer_name: "Cobalt Group",
        since: "2020-01-10",
        discount: null,
        is_key_account: true,
        note: null,
      },
    ]);
    // Its column tests run with the models' (seeds/_seeds.yml).
    const tested = await testModels({
      warehouse,
      projectDir: DBT_MINI_DIR,
      select: ["customer_segments"],
    });
    expect(tested.tests.map((test) => [test.name, test.status])).toEqual([
      ["not_null_customer_segments_customer_name", "pass"],
      ["unique_customer_segments_customer_name", "pass"],
    ]);
  });

  it("builds a header-only seed as an empty table with its columns", async () => {
    const dir = await projectWith("", {
      "seeds/empty_rates.csv": "currency,usd_rate\n",
      "models/rates.sql": "select * from {{ ref('empty_rates') }}",
    });
    const build = await buildModels({ warehouse, projectDir: dir });
    expect(build.nodes.map((node) => [node.name, node.status, node.rows])).toEqual([
      ["empty_rates", "success", 0],
      ["rates", "success", undefined],
    ]);
    const schema = kind === "duckdb" ? "main" : "public";
    expect((await columnTypes(warehouse, schema, "empty_rates")).map((c) => c.column_name)).toEqual(
      ["currency", "usd_rate"],
    );
  });

  it("refuses a CSV it cannot load, naming the file and what to fix", async () => {
    const refused = async (projectYml: string, files: Record<string, string>) => {
      const dir = await projectWith(projectYml, files);
      const error = await buildModels({ warehouse, projectDir: dir }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      return (error as Error).message;
    };
    expect(await refused("", { "seeds/rates.csv": "currency,usd_rate\nUSD,1\nEUR\n" })).toMatch(
      /^seeds\/rates\.csv: not valid CSV: .*line 3/,
    );
    expect(await refused("", { "seeds/rates.csv": "currency,currency\nUSD,1\n" })).toBe(
      "seeds/rates.csv: two columns are named currency",
    );
    expect(await refused("", { "seeds/rates.csv": "" })).toBe(
      "seeds/rates.csv: a seed needs a header line naming its columns",
    );
    expect(
      await refused(
        "seeds:\n  scratch:\n    rates:\n      +column_types:\n        rate: decimal(18, 8)\n",
        { "seeds/rates.csv": "currency,usd_rate\nUSD,1\n" },
      ),
    ).toBe("seeds/rates.csv: column_types names rate, not a column of the seed");
    expect(
      await refused("", {
        "seeds/rates.csv": "currency,usd_rate\nUSD,1\n",
        "models/rates.sql": "select 1 as id",
      }),
    ).toBe("two nodes are named rates: models/rates.sql and seeds/rates.csv");
    expect(
      await refused("seeds:\n  scratch:\n    rates:\n      +enabled: false\n", {
        "seeds/rates.csv": "currency,usd_rate\nUSD,1\n",
        "models/m.sql": "select * from {{ ref('rates') }}",
      }),
    ).toBe("models/m.sql: ref('rates') names a disabled model or seed");
  });

  it("fails the seed's build, and skips what refs it, when a value does not fit its column type", async () => {
    const dir = await projectWith(
      "seeds:\n  scratch:\n    rates:\n      +column_types:\n        usd_rate: decimal(18, 8)\n",
      {
        "seeds/rates.csv": "currency,usd_rate\nUSD,1\nEUR,about one\n",
        "models/rates_in_use.sql": "select * from {{ ref('rates') }}",
      },
    );
    const build = await buildModels({ warehouse, projectDir: dir });
    expect(build.ok).toBe(false);
    expect(build.nodes.map((node) => [node.name, node.status])).toEqual([
      ["rates", "error"],
      ["rates_in_use", "skipped"],
    ]);
    expect(build.nodes[0]?.error).toMatch(/about one/);
  });
});
