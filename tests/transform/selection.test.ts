import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { describeError } from "../../core/errors.js";
import { buildModels, testModels } from "../../transform/index.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { createSourceData, DBT_MINI_DIR } from "./dbt-mini-data.js";
import { transformWarehouseCases } from "./transform-warehouses.js";

/** A throwaway dbt project with the given model files. */
async function projectWith(models: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pslink-dbt-project-"));
  await writeFile(join(dir, "dbt_project.yml"), "name: scratch\nprofile: scratch\n");
  await mkdir(join(dir, "models"));
  for (const [name, sql] of Object.entries(models))
    await writeFile(join(dir, "models", `${name}.sql`), sql);
  return dir;
}

describe.each(transformWarehouseCases())("selection and graph errors on $kind", ({ fresh }) => {
  let warehouse: Warehouse;
  beforeAll(async () => {
    ({ warehouse } = await fresh());
    await createSourceData(warehouse);
    await buildModels({ warehouse, projectDir: DBT_MINI_DIR });
  });

  const built = async (select: string[], exclude: string[] = []) =>
    (await buildModels({ warehouse, projectDir: DBT_MINI_DIR, select, exclude })).nodes.map(
      (node) => node.name,
    );

  it("selects by name, ancestors, descendants, path, tag, folder and intersection", async () => {
    expect(await built(["project_summary"])).toEqual(["project_summary"]);
    expect(await built(["+project_summary"])).toEqual([
      "stg_psa__projects",
      "stg_psa__time_entries",
      "int_project_hours",
      "project_summary",
    ]);
    expect(await built(["stg_psa__projects+"])).toEqual([
      "stg_psa__projects",
      "fct_time_entries",
      "project_summary",
      "customer_hours",
    ]);
    expect(await built(["path:models/marts"])).toEqual([
      "fct_daily_hours",
      "fct_time_entries",
      "project_summary",
      "customer_hours",
    ]);
    // Seeds are nodes of the graph like models.
    expect(await built(["customer_segments+"])).toEqual(["customer_segments", "customer_hours"]);
    expect(await built(["path:seeds"])).toEqual(["customer_segments"]);
    expect(await built(["tag:staging"])).toEqual(["stg_psa__projects", "stg_psa__time_entries"]);
    expect(await built(["intermediate"])).toEqual(["int_project_hours"]);
    expect(await built(["tag:marts,config.materialized:incremental"])).toEqual([
      "fct_daily_hours",
      "fct_time_entries",
    ]);
    expect(await built(["stg_psa__time_entries+"], ["tag:marts"])).toEqual([
      "stg_psa__time_entries",
      "int_project_hours",
    ]);
  });

  it("refuses --select criteria that choose nothing, naming the nearest model or test", async () => {
    const build = (select: string[]) =>
      buildModels({ warehouse, projectDir: DBT_MINI_DIR, select });
    await expect(build(["stg_psa__projcts+"])).rejects.toThrow(
      "--select stg_psa__projcts+ matches no model of the project; did you mean stg_psa__projects?",
    );
    await expect(build(["nosuch", "stg_psa__projects", "tag:nope"])).rejects.toThrow(
      "these --select criteria match no model of the project:\n  nosuch\n  tag:nope",
    );
    // A test's name selects it for `pslink test`, not for a build.
    const test = "unique_stg_psa__projects_project_id";
    await expect(build([test])).rejects.toThrow(`--select ${test} matches no model`);
    const tested = await testModels({ warehouse, projectDir: DBT_MINI_DIR, select: [test] });
    expect(tested.tests.map((outcome) => outcome.name)).toEqual([test]);
    await expect(
      testModels({ warehouse, projectDir: DBT_MINI_DIR, select: ["unique_stg_psa__project_id"] }),
    ).rejects.toThrow(
      /matches no model or test of the project; did you mean unique_stg_psa__projects_project_id\?/,
    );
  });

  it("refuses a selection that leaves nothing to run, and suggests within a method's values", async () => {
    await expect(
      buildModels({ warehouse, projectDir: DBT_MINI_DIR, select: ["marts"], exclude: ["marts"] }),
    ).rejects.toThrow(
      "nothing to build: --exclude marts removes every one of the models --select marts chooses",
    );
    await expect(
      buildModels({ warehouse, projectDir: DBT_MINI_DIR, select: ["int_billable_entries"] }),
    ).rejects.toThrow(
      "nothing to build: --select int_billable_entries chooses only ephemeral models",
    );
    const test = "unique_stg_psa__projects_project_id";
    await expect(
      testModels({ warehouse, projectDir: DBT_MINI_DIR, select: [test], exclude: [test] }),
    ).rejects.toThrow(`nothing to test: --exclude ${test} removes every one of the data tests`);
    // A method's value is matched among that method's values, not among model names.
    await expect(
      buildModels({ warehouse, projectDir: DBT_MINI_DIR, select: ["tag:stagin"] }),
    ).rejects.toThrow(
      "--select tag:stagin matches no model of the project; did you mean tag:staging?",
    );
    await expect(
      buildModels({ warehouse, projectDir: DBT_MINI_DIR, select: ["source:ps"] }),
    ).rejects.toThrow("did you mean source:psa?");
  });

  it("points a model's SQL error at its file and line", async () => {
    const dir = await projectWith({
      m: "{% set n = 1 %}\nwith base as (\n    select {{ n }} as id\n)\n\nselect * fro base",
      j: "{% set n = 1 %}\nselect {{ n }} as id, missing_column\nfrom (select 1 as x) t",
    });
    const result = await buildModels({ warehouse, projectDir: dir });
    const errors = Object.fromEntries(result.nodes.map((node) => [node.name, node.error]));
    expect(errors.m).toContain("\n  at models/m.sql line 6: select * fro base");
    // A line Jinja rewrote is not in the file as compiled: its compiled line is named instead.
    expect(errors.j).toContain(
      "\n  at line 1 of the compiled SQL of models/j.sql (what Jinja rendered): select 1 as id, missing_column",
    );
  });

  it("skips the models downstream of a failure and builds the rest", async () => {
    const dir = await projectWith({
      broken: "select * from no_such_schema.no_such_table",
      after_broken: "select * from {{ ref('broken') }}",
      fine: "select 1 as id",
    });
    const result = await buildModels({ warehouse, projectDir: dir });
    expect(result.ok).toBe(false);
    expect(result.nodes.map((node) => [node.name, node.status])).toEqual([
      ["broken", "error"],
      ["after_broken", "skipped"],
      ["fine", "success"],
    ]);
    expect(result.nodes[0]?.error).toMatch(/no_such_table/);
    // The warehouse's message once, not again as the driver error it came from.
    expect(result.nodes[0]?.error).not.toContain("caused by");
  });

  it("rejects a dependency cycle, naming every model on it", async () => {
    const dir = await projectWith({
      a: "select * from {{ ref('c') }}",
      b: "select * from {{ ref('a') }}",
      c: "select * from {{ ref('b') }}",
      d: "select 1 as id",
    });
    await expect(buildModels({ warehouse, projectDir: dir })).rejects.toThrow(
      /dependency cycle: a → b → c → a/,
    );
  });

  it("names the file and the config key of a bad config() value, once", async () => {
    const bad = await projectWith({
      m: "{{ config(materialized='snapshot', enabled='yes', unique_key=[]) }}\nselect 1 as id",
    });
    const error = await buildModels({ warehouse, projectDir: bad }).catch((e: Error) => e);
    expect(String((error as Error).message)).toBe(
      'models/m.sql: materialized: "snapshot" is not supported by the embedded runner (use view, table, incremental, ephemeral); ' +
        "enabled: expected true or false, got text; unique_key: must list at least 1 item(s)",
    );
  });

  it("names where an unsupported key is written: the model, or the folder's +key", async () => {
    const dir = await projectWith({ m: "select 1 as id" });
    await writeFile(
      join(dir, "dbt_project.yml"),
      'name: scratch\nprofile: scratch\nmodels:\n  scratch:\n    +post-hook: "select 1"\n',
    );
    await expect(buildModels({ warehouse, projectDir: dir })).rejects.toThrow(
      "dbt_project.yml: +post-hook under models: (it reaches models/m.sql) is not supported by the embedded runner",
    );
    const own = await projectWith({ m: "{{ config(post_hook='select 1') }}\nselect 1 as id" });
    await expect(buildModels({ warehouse, projectDir: own })).rejects.toThrow(
      "models/m.sql: config(post_hook=…) is not supported",
    );
  });

  it("names the file and line of a template error and an unknown ref", async () => {
    const unknown = await projectWith({ m: "select 1 as id\nfrom {{ ref('nope') }}" });
    await expect(buildModels({ warehouse, projectDir: unknown })).rejects.toThrow(
      "models/m.sql: ref('nope') names no model or seed of the project",
    );
    const broken = await projectWith({ m: "select 1 as id\n\n{{ var('missing_var') }}" });
    await expect(buildModels({ warehouse, projectDir: broken })).rejects.toThrow(
      "models/m.sql line 3: required var 'missing_var' is not set",
    );
    const first = await projectWith({ m: "select {{ var('missing_var') }} as id" });
    const error = await buildModels({ warehouse, projectDir: first }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message: "models/m.sql line 1: required var 'missing_var' is not set",
    });
    // The template error and the var error it wraps carry the same fix: it is told once.
    expect(describeError(error).match(/fix:/g)).toHaveLength(1);
  });
});
