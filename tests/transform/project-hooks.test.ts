import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.js";
import { buildModels, testModels } from "../../transform/index.js";
import { buildSummary } from "../../transform/run/run-log.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import { createSourceData, DBT_MINI_DIR } from "./dbt-mini-data.js";
import { transformWarehouseCases } from "./transform-warehouses.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PSLINK_PROJECT = join(ROOT, "models");

/** A copy of the dbt-mini fixture whose dbt_project.yml has `hooks` in place of its own. */
function fixtureWithHooks(hooks: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pslink-hooks-"));
  cpSync(DBT_MINI_DIR, dir, { recursive: true });
  const file = join(dir, "dbt_project.yml");
  const project = readFileSync(file, "utf8").replace(/^on-run-start:[\s\S]*?^(?=vars:)/m, hooks);
  writeFileSync(file, project);
  return dir;
}

describe.each(transformWarehouseCases())("project hooks on $kind", ({ fresh }) => {
  it("a failing on-run-start hook stops the run before any node, naming the hook", async () => {
    const { warehouse } = await fresh();
    await createSourceData(warehouse);
    const raises = fixtureWithHooks(
      `on-run-start:\n  - "select 1"\n  - "{{ exceptions.raise_compiler_error('rate too low: ' ~ var('default_hourly_rate')) }}"\n`,
    );
    await expect(
      buildModels({ warehouse, projectDir: raises, vars: { default_hourly_rate: 5 } }),
    ).rejects.toThrow("on-run-start hook 2 of 2 (dbt_project.yml) failed: rate too low: 5");
    await expect(testModels({ warehouse, projectDir: raises })).rejects.toThrow(
      "rate too low: 150",
    );
    const built = await warehouse.query(
      "select table_name from information_schema.tables where table_schema in ('staging', 'marts', 'reference')",
    );
    expect(built).toEqual([]);

    const badSql = fixtureWithHooks(`on-run-start: "insert into no_such_table values (1)"\n`);
    await expect(buildModels({ warehouse, projectDir: badSql })).rejects.toThrow(
      /on-run-start hook 1 of 1 \(dbt_project\.yml\) failed: .*no_such_table/s,
    );
  });

  it("a failing on-run-end hook fails the run after its nodes built, and the summary says why", async () => {
    const { warehouse } = await fresh();
    await createSourceData(warehouse);
    const project = fixtureWithHooks(`on-run-end: "insert into no_such_table values (1)"\n`);
    const result = await buildModels({ warehouse, projectDir: project });
    expect(result.nodes.filter((node) => node.status !== "success")).toEqual([]);
    expect(result.ok).toBe(false);
    expect(result.hookError).toMatch(/^on-run-end hook 1 of 1 \(dbt_project\.yml\) failed: /);
    expect(buildSummary(result).join("\n")).toContain("on-run-end hook 1 of 1");
    const tested = await testModels({ warehouse, projectDir: project });
    expect(tested.ok).toBe(false);
    expect(tested.hookError).toContain("no_such_table");
  });
});

describe("pslink's project checks its vars before anything runs", () => {
  const BAD = {
    as_of_date: "2026-02-30",
    run_at: "yesterday",
    r11_unbilled_days: "sixty",
    r02_hours_tolerance: -1,
    r14_tolerance: "1e",
    kantata_customer_name_field_id: "1x",
  };
  /** Written `1e-7` by JavaScript and `1e-07` by Python: both are numbers. */
  const GOOD = {
    as_of_date: "2024-02-29",
    run_at: "2026-11-24T05:00:00Z",
    r02_hours_tolerance: 1e-7,
  };
  const SAID = [
    "as_of_date must be a date as YYYY-MM-DD (or empty for today), got '2026-02-30'",
    "run_at must be a timestamp as YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM] (or empty for now), got 'yesterday'",
    "r11_unbilled_days must be a whole number of days (0 or more), got 'sixty'",
    "r02_hours_tolerance must be a number (0 or more, like 0.01), got '-1'",
    "r14_tolerance must be a number (0 or more, like 0.01), got '1e'",
    "kantata_customer_name_field_id must be a Kantata custom field id (digits), got '1x'",
  ];
  let stderr = "";
  afterEach(() => vi.restoreAllMocks());

  it("pslink build refuses bad vars with exit 2, one message naming each, and builds nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pslink-vars-"));
    const path = join(dir, "warehouse.duckdb");
    writeFileSync(
      join(dir, "pslink.yml"),
      `version: 1\nwarehouse: { kind: duckdb, path: "${path}" }\n`,
    );
    // A warehouse that exists (build refuses to create one): one empty table is enough.
    const wh = await openWarehouse({ kind: "duckdb", path }, dir);
    await wh.execute("create table bootstrap (x int)");
    await wh.close();
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    const code = await main([
      "node",
      "pslink",
      "build",
      "--config",
      join(dir, "pslink.yml"),
      "--project-dir",
      PSLINK_PROJECT,
      // A seed, which reads no source: the warehouse has none (`refuseMissingSources`).
      "--select",
      "fx_rates",
      "--vars",
      JSON.stringify(BAD),
    ]);
    process.exitCode = undefined;
    expect(code).toBe(2);
    expect(stderr).toContain("on-run-start hook 1 of 1 (dbt_project.yml) failed: invalid vars: ");
    for (const said of SAID) expect(stderr).toContain(said);
    const check = await openWarehouse({ kind: "duckdb", path }, dir);
    const schemas = await check.query(
      "select schema_name from information_schema.schemata where schema_name in ('staging', 'reference', 'canonical')",
    );
    await check.close();
    expect(schemas).toEqual([]);

    stderr = "";
    const good = await main([
      ...["node", "pslink", "build", "--config", join(dir, "pslink.yml")],
      ...["--project-dir", PSLINK_PROJECT, "--select", "fx_rates", "--vars", JSON.stringify(GOOD)],
    ]);
    process.exitCode = undefined;
    expect(good, stderr).toBe(0);
  });

  it("dbt-core refuses the same vars with the same message", () => {
    const dbt = join(ROOT, ".venv", "bin", "dbt");
    execFileSync("bash", [join(ROOT, "scripts", "ensure-python.sh")], {
      stdio: ["ignore", "ignore", "inherit"],
      timeout: 900_000,
    });
    const scratch = mkdtempSync(join(tmpdir(), "pslink-dbt-vars-"));
    cpSync(join(PSLINK_PROJECT, "profiles.yml"), join(scratch, "profiles.yml"));
    const args = [
      "build",
      ...["--project-dir", PSLINK_PROJECT, "--profiles-dir", scratch, "--target", "duckdb"],
      ...["--target-path", join(scratch, "target"), "--log-path", join(scratch, "logs")],
      ...["--select", "fx_rates", "--vars", JSON.stringify(BAD)],
    ];
    const env = {
      ...process.env,
      PSLINK_DUCKDB_PATH: join(scratch, "warehouse.duckdb"),
      DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
    };
    let output = "";
    try {
      execFileSync(dbt, args, { env, cwd: scratch, encoding: "utf8", timeout: 300_000 });
    } catch (error) {
      output = (error as { stdout?: string }).stdout ?? "";
    }
    expect(output).toContain("Compilation Error in operation pslink-on-run-start-0");
    for (const said of SAID) expect(output).toContain(said);
    // With good vars the check renders nothing and the build goes on.
    const good = args.map((arg) => (arg === JSON.stringify(BAD) ? JSON.stringify(GOOD) : arg));
    expect(execFileSync(dbt, good, { env, cwd: scratch, encoding: "utf8" })).toMatch(
      /Completed successfully/,
    );
  }, 900_000);
});
