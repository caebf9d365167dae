import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.js";
import { breakSourceData, createSourceData, DBT_MINI_DIR } from "./dbt-mini-data.js";
import { transformWarehouseCases } from "./transform-warehouses.js";

/** Runs the CLI and returns its exit code and what it printed on stdout. */
async function run(args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  process.exitCode = undefined;
  try {
    const code = await main(["node", "pslink", ...args]);
    return { code, output: lines.join("") };
  } finally {
    spy.mockRestore();
    process.exitCode = undefined;
  }
}

afterEach(() => {
  delete process.env.PSLINK_TRANSFORM_TEST_URL;
});

describe.each(transformWarehouseCases())("pslink build and test on $kind", ({ kind, fresh }) => {
  it("builds with a per-model log and a summary, and tests with failing rows and exit 1", async () => {
    const where = await fresh();
    await createSourceData(where.warehouse);
    await breakSourceData(where.warehouse);
    await where.close();
    const dir = await mkdtemp(join(tmpdir(), "pslink-cli-"));
    const warehouse =
      kind === "duckdb"
        ? `{ kind: duckdb, path: "${where.location}" }`
        : '{ kind: postgres, url: "${PSLINK_TRANSFORM_TEST_URL}" }';
    process.env.PSLINK_TRANSFORM_TEST_URL = where.location;
    await writeFile(join(dir, "pslink.yml"), `version: 1\nwarehouse: ${warehouse}\n`);
    const common = ["--config", join(dir, "pslink.yml")];

    const build = await run([
      "build",
      ...common,
      "--project-dir",
      DBT_MINI_DIR,
      "--vars",
      "{default_hourly_rate: 200}",
    ]);
    expect(build.code).toBe(0);
    expect(build.output).toMatch(/1 of 8 OK +seed reference\.customer_segments \.+ \[3 rows in /);
    expect(build.output).toMatch(/2 of 8 OK +view staging\.stg_psa__projects \.+ \[/);
    expect(build.output).toMatch(/OK +table marts\.project_summary \.+ \[4 rows in /);
    expect(build.output).toContain("Done in");
    expect(build.output).toContain("8 ok, 0 error, 0 skipped.");

    const tested = await run([
      "test",
      ...common,
      "--project-dir",
      DBT_MINI_DIR,
      "--select",
      "stg_psa__time_entries",
    ]);
    expect(tested.code).toBe(1);
    expect(tested.output).toMatch(
      /FAIL +relationships_stg_psa__time_entries_project_id__\S+ \.+ \[2 failing rows/,
    );
    expect(tested.output).toContain("from_field=99");
    expect(tested.output).toMatch(/\d+ pass, 1 warn, 1 fail, 0 error\./);
  });
});
