import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";

/** A pslink.yml in a new folder with `path` as its DuckDB file; one source nothing answers for. */
function configWith(path: string): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), "pslink-warehouse-path-"));
  const config = join(dir, "pslink.yml");
  writeFileSync(
    config,
    [
      "version: 1",
      `warehouse: { kind: duckdb, path: ${JSON.stringify(path)} }`,
      "sources:",
      "  kantata:",
      "    base_url: http://127.0.0.1:1/api/v1",
      "    auth: { kind: bearer, token: '${KT}' }",
      "    http: { max_attempts: 1 }",
    ].join("\n"),
  );
  return { dir, config };
}

describe("warehouse.path", () => {
  it.each([
    ["export.json", '{"a": 1}\n'],
    ["export.csv", "a,b\n1,2\n"],
  ])(
    "refuses an existing %s, which DuckDB would read as data into memory, and leaves it be",
    async (name, body) => {
      const { dir, config } = configWith(name);
      writeFileSync(join(dir, name), body);
      const refusal = `warehouse.path ${join(dir, name)} is a data file (${extname(name)}), not a DuckDB database: DuckDB would read it as data and keep the warehouse in memory, so nothing would be saved`;
      const fix =
        "fix: set warehouse.path in pslink.yml to a DuckDB file, e.g. warehouse.duckdb (pslink creates it)";

      const check = await runCli(["-c", config, "config", "check", "--connect"], { KT: "k" });
      expect(check.stdout).toMatch(/warehouse +FAILED/);
      expect(check.stdout).toContain(refusal);
      expect(check.stdout).toContain(fix);
      expect(check.code).toBe(1);

      const status = await runCli(["-c", config, "status"], { KT: "k" });
      expect(status.code).toBe(2);
      expect(status.stderr).toContain(refusal);
      expect(status.stderr).toContain(fix);
      expect(readFileSync(join(dir, name), "utf8")).toBe(body);
    },
  );

  it("refuses :memory: and an empty path at config check", async () => {
    for (const [path, problem] of [
      [
        ":memory:",
        "warehouse.path: an in-memory DuckDB keeps nothing once the command ends: write a file, e.g. warehouse.duckdb",
      ],
      [
        "",
        "warehouse.path: must not be empty: write the DuckDB file, e.g. warehouse.duckdb (read from the config file's folder)",
      ],
    ]) {
      const check = await runCli(["-c", configWith(path as string).config, "config", "check"], {
        KT: "k",
      });
      expect(check.code).toBe(2);
      expect(check.stderr).toContain(`  - ${problem}`);
    }
  });

  it("names warehouse.path when a file stands where its folder would be", async () => {
    const { dir, config } = configWith("pslink.yml/w.duckdb");
    const refusal = `warehouse.path ${join(dir, "pslink.yml/w.duckdb")} is inside ${config}, which is a file, not a folder`;
    const sync = await runCli(["-c", config, "sync"], { KT: "k" });
    expect(sync.code).toBe(2);
    expect(sync.stderr).toContain(refusal);
    expect(sync.stderr).toContain("fix: set warehouse.path in pslink.yml to a file in a folder");
    expect(sync.stderr).not.toContain("EEXIST");

    const check = await runCli(["-c", config, "config", "check", "--connect"], { KT: "k" });
    expect(check.stdout).toMatch(/warehouse +FAILED/);
    expect(check.stdout).toContain(refusal);
  });

  it("reads ~/ as the home folder", async () => {
    const home = mkdtempSync(join(tmpdir(), "pslink-home-"));
    const { config } = configWith("~/data/w.duckdb");
    const check = await runCli(["-c", config, "config", "check"], { KT: "k", HOME: home });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`warehouse: duckdb ${join(home, "data/w.duckdb")}\n`);
    const other = await runCli(["-c", configWith("~bob/w.duckdb").config, "config", "check"], {
      KT: "k",
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(
      "warehouse.path: pslink reads ~ only as your own home folder (~/…): write the other folder's path in full",
    );
  });
});
