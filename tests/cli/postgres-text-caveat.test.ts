import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse, stringify } from "yaml";
import { logger } from "../../core/logger.js";
import { type SandboxHandle, startSandbox } from "../../sandbox/sandbox.js";
import { writeSandboxConfig } from "../../sandbox/sandbox-config.js";
import { runCli } from "../support/run-cli.js";
import { createTestDatabase } from "../support/warehouses.js";

const SAID =
  "the database's LC_CTYPE is C: lower() folds only ASCII letters, so names that differ in the case of other letters (É, é) do not match as they do on DuckDB; create the database with a UTF-8 locale (createdb --encoding UTF8 --locale C.UTF-8 --template template0 NAME)";

/**
 * The models compare names lower-cased; PostgreSQL folds by the database's LC_CTYPE, and under C
 * only ASCII letters, so such a database matches fewer names than DuckDB does. pslink says so.
 */
describe("a PostgreSQL database whose LC_CTYPE folds only ASCII", () => {
  const dir = mkdtempSync(join(tmpdir(), "pslink-ctype-"));
  const drops: (() => Promise<void>)[] = [];
  let sandbox: SandboxHandle;
  let config: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ size: "small", seed: 5 });
    config = writeSandboxConfig(sandbox, dir).config;
    const document = parse(readFileSync(config, "utf8")) as Record<string, unknown>;
    document.warehouse = { kind: "postgres", url: "${PSLINK_CTYPE_TEST_URL}" };
    writeFileSync(config, stringify(document));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await sandbox?.close();
    await Promise.all(drops.map((drop) => drop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const database = async (ctype: string) => {
    const created = await createTestDatabase({ ctype });
    drops.push(created.drop);
    return { PSLINK_CTYPE_TEST_URL: created.url };
  };

  it("is named by config check --connect with the fix; a UTF-8 locale is not", async () => {
    const warned = await runCli(
      ["-c", config, "config", "check", "--connect"],
      await database("C"),
    );
    expect(warned.code, warned.stdout + warned.stderr).toBe(0);
    expect(warned.stdout).toMatch(/^ {4}warehouse +ok +postgres .*\n {6}warning: (.*)$/m);
    expect(warned.stdout).toContain(`      warning: ${SAID}\n`);

    const env = await database("C.UTF-8");
    const clean = await runCli(["-c", config, "config", "check", "--connect"], env);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/^ {4}warehouse +ok +postgres /m);
    expect(clean.stdout).not.toContain("warning:");
  });

  it("is logged by pslink build before it runs", async () => {
    const warn = vi.spyOn(logger, "warn");
    await runCli(["-c", config, "build", "--select", "stg_kantata__users"], await database("C"));
    expect(warn).toHaveBeenCalledWith({ warehouse: "postgres" }, `name matching: ${SAID}`);
  });
});
