import { describe, expect, it } from "vitest";
import { buildModels, testModels } from "../../transform/index.js";
import { breakSourceData, createSourceData, DBT_MINI_DIR } from "./dbt-mini-data.js";
import { transformWarehouseCases } from "./transform-warehouses.js";

describe.each(transformWarehouseCases())("testModels on $kind", ({ fresh }) => {
  it("reports failing data tests with their failing count and sample rows", async () => {
    const { warehouse } = await fresh();
    await createSourceData(warehouse);
    await breakSourceData(warehouse);
    expect((await buildModels({ warehouse, projectDir: DBT_MINI_DIR })).ok).toBe(true);
    const result = await testModels({ warehouse, projectDir: DBT_MINI_DIR });
    expect(result.ok).toBe(false);
    const failing = result.tests.filter((test) => test.status !== "pass");
    expect(failing.map((test) => [test.name, test.status, test.failures])).toEqual([
      ["accepted_values_stg_psa__projects_status__active__planned__closed", "fail", 1],
      ["assert_summary_hours_match_entries", "fail", 1],
      ["not_null_stg_psa__time_entries_notes", "warn", 2],
      [
        "relationships_stg_psa__time_entries_project_id__project_id__ref_stg_psa__projects_",
        "fail",
        2,
      ],
    ]);
    const orphans = failing.find((test) => test.name.startsWith("relationships_"));
    expect(orphans?.sampleRows.map((row) => Number(row.from_field)).sort()).toEqual([98, 99]);
    const statuses = failing.find((test) => test.name.startsWith("accepted_values_"));
    expect(statuses?.sampleRows).toEqual([expect.objectContaining({ value_field: "on hold" })]);
    expect(statuses?.compiledSql).toContain("value_field not in");
  });

  it("runs only the tests of the selected models", async () => {
    const { warehouse } = await fresh();
    await createSourceData(warehouse);
    await buildModels({ warehouse, projectDir: DBT_MINI_DIR });
    const result = await testModels({
      warehouse,
      projectDir: DBT_MINI_DIR,
      select: ["fct_daily_hours project_summary"],
    });
    expect(result.tests.map((test) => test.name)).toEqual([
      "assert_summary_hours_match_entries",
      "positive_value_fct_daily_hours_hours",
      "relationships_project_summary_project_id__project_id__ref_stg_psa__projects_",
      "unique_project_summary_project_id",
    ]);
    const excluded = await testModels({
      warehouse,
      projectDir: DBT_MINI_DIR,
      exclude: ["tag:staging"],
    });
    expect(excluded.tests.map((test) => test.name)).toEqual([
      "assert_summary_hours_match_entries",
      "not_null_customer_segments_customer_name",
      "positive_value_fct_daily_hours_hours",
      "source_not_null_psa_projects_project_id",
      "source_unique_psa_projects_project_id",
      "unique_customer_segments_customer_name",
      "unique_fct_time_entries_time_entry_id",
      "unique_project_summary_project_id",
    ]);
  });
});
