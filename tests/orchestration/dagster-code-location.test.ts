import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { configEnv, loadConfig } from "../../core/config/index.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { PYTHON, preparePipes, REPO_ROOT } from "../fixtures/dagster-pipes/pipes-harness.js";

/** What run_code_location.py reads back from Dagster's event log for one run. */
interface RecordedError {
  message: string;
  cause: RecordedError | null;
}
type Metadata = Record<string, unknown>;
interface RecordedRun {
  success: boolean;
  materializations: { asset_key: string[]; partition: string | null; metadata: Metadata }[];
  checks: {
    asset_key: string[];
    check_name: string;
    passed: boolean;
    severity: string;
    metadata: Metadata;
  }[];
  logs: { level: string; message: string }[];
  engine_errors: { message: string; error: RecordedError }[];
  step_failures: RecordedError[];
}
interface ScheduleReport {
  name: string;
  cron: string;
  job: string;
  default_status: string;
  assets: string[];
  requests: { tags: Record<string, string>; run_config: Metadata }[];
}
interface LocationKeys {
  assets: string[];
  checks: string[];
  partitions: Record<string, string[]>;
  schedules: ScheduleReport[];
}

const SCRIPT = join(REPO_ROOT, "tests/fixtures/dagster-code-location/run_code_location.py");
const SYSTEMS = ["salesforce", "netsuite", "kantata", "workday"];
let sandbox: ChildProcess;
let dir: string;
let config: string;
let failConfig: string;
let sync: RecordedRun;
let hourly: RecordedRun;
let threshold: RecordedRun;
let failed: RecordedRun;
/** The reverse-ETL scenario's runs, or why it failed (its own test reports it, not the suite). */
let reverseEtl: { plan: RecordedRun; apply: RecordedRun } | Error;
let keys: { pslink: LocationKeys; dbt: LocationKeys };
let wh: Warehouse;
const afterSync = new Map<string, number>();

/** Starts `pslink sandbox start --write-config` and resolves once the four URLs are printed. */
function startSandbox(into: string): Promise<void> {
  sandbox = spawn(
    process.execPath,
    ["bin/pslink.js", "sandbox", "start", "--size", "small", "--write-config", into],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  sandbox.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((done, fail) => {
    let stdout = "";
    sandbox.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.split("\n").filter(Boolean).length >= 4 && stdout.endsWith("\n")) done();
    });
    sandbox.once("exit", (code) => fail(new Error(`sandbox exited (${code}): ${stderr}`)));
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Runs one scenario of run_code_location.py on the shared DAGSTER_HOME; returns its JSON. */
function scenario<T>(name: string, dagsterHome: string): T {
  const out = join(dir, `${name}.json`);
  const result = spawnSync(PYTHON, [SCRIPT, out, name], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      DAGSTER_HOME: dagsterHome,
      PSLINK_CONFIG: config,
      PSLINK_FAIL_CONFIG: failConfig,
      PSLINK_NODE: process.execPath,
      PYTHONWARNINGS: "ignore",
    },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${name} failed (${result.status}):\n${result.stderr}`);
  writeFileSync(join(dir, `${name}.log`), result.stderr);
  return JSON.parse(readFileSync(out, "utf8")) as T;
}

/** `dagster definitions validate -m <module>`: exit code and output. */
function validate(module: string): { status: number | null; output: string } {
  const result = spawnSync(
    join(REPO_ROOT, ".venv/bin/dagster"),
    ["definitions", "validate", "-m", module],
    {
      cwd: join(REPO_ROOT, "orchestration/dagster"),
      encoding: "utf8",
      env: { ...process.env, PSLINK_CONFIG: config, PSLINK_NODE: process.execPath },
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function count(sql: string): Promise<number> {
  const [row] = await wh.query<{ n: unknown }>(sql);
  return Number(row?.n);
}

beforeAll(async () => {
  await preparePipes();
  try {
    execFileSync(join(REPO_ROOT, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], {
      cwd: REPO_ROOT,
      stdio: "pipe",
    });
  } catch {
    // Unfinished files elsewhere in the tree may fail type checks; tsc still emits.
  }
  dir = mkdtempSync(join(tmpdir(), "pslink-dagster-location-"));
  const sandboxDir = join(dir, "sandbox");
  await startSandbox(sandboxDir);
  config = join(sandboxDir, "pslink.yml");

  // The failure case: the same sandbox, but Kantata on a closed port and one attempt only.
  const failDir = join(dir, "unreachable");
  mkdirSync(failDir);
  copyFileSync(join(sandboxDir, ".env"), join(failDir, ".env"));
  const port = await closedPort();
  const yaml = parse(readFileSync(config, "utf8")) as {
    sources: { kantata: { base_url: string; http?: Record<string, unknown> } };
  };
  const kantata = yaml.sources.kantata;
  kantata.base_url = `http://127.0.0.1:${port}/api/v1`;
  kantata.http = { ...kantata.http, max_attempts: 1 };
  failConfig = join(failDir, "pslink.yml");
  writeFileSync(failConfig, stringify(yaml));

  const home = join(dir, "dagster-home");
  mkdirSync(home);
  sync = scenario("sync", home);
  // The hourly run below syncs again: read the partition run's tables as it left them.
  const loaded = loadConfig(config, configEnv(sandboxDir, {}));
  wh = await openWarehouse(loaded.warehouse, loaded.baseDir);
  for (const m of sync.materializations) {
    const table = m.asset_key.join(".");
    afterSync.set(table, await count(`select count(*) as n from ${table}`));
  }
  afterSync.set(
    "live",
    await count(
      "select count(*) as n from src_kantata.time_entries where _pslink_deleted_at is null",
    ),
  );
  await wh.close();
  hourly = scenario("hourly", home);
  threshold = scenario("threshold", home);
  failed = scenario("fail", home);
  keys = scenario("keys", home);
  try {
    reverseEtl = scenario("reverse_etl", home);
  } catch (error) {
    reverseEtl = error as Error;
  }
  wh = await openWarehouse(loaded.warehouse, loaded.baseDir);
});

afterAll(async () => {
  await wh?.close();
  if (sandbox && sandbox.exitCode === null) sandbox.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the pslink_dagster code location under real Dagster", () => {
  it("materializes a partition's raw and current-state tables, row counts as in the warehouse", async () => {
    expect(sync.success).toBe(true);
    const tables = sync.materializations.map((m) => m.asset_key.join("."));
    expect(tables.length).toBeGreaterThan(0);
    expect(new Set(tables).size).toBe(tables.length);
    for (const m of sync.materializations) {
      expect(m.partition).toBe("kantata");
      expect(["raw_kantata", "src_kantata"]).toContain(m.asset_key[0]);
      const table = m.asset_key.join(".");
      expect(m.metadata["dagster/row_count"], table).toBe(afterSync.get(table));
    }
    // Every stream lands twice: its raw table and its current state.
    for (const raw of tables.filter((t) => t.startsWith("raw_"))) {
      expect(tables).toContain(raw.replace("raw_", "src_"));
    }
    const entries = sync.materializations.find(
      (m) => m.asset_key.join(".") === "src_kantata.time_entries",
    );
    expect(entries?.metadata).toMatchObject({
      mode: "full",
      changed_rows: 0,
      deleted_rows: 0,
      quarantined_rows: 0,
      live_rows: afterSync.get("live"),
    });
    expect(entries?.metadata.new_rows).toBe(entries?.metadata["dagster/row_count"]);
    expect(typeof entries?.metadata.cursor).toBe("string");
    expect(entries?.metadata.duration_ms).toEqual(expect.any(Number));
    const runId = String(entries?.metadata.run_id);
    const [recorded] = await wh.query<{ trigger: string; status: string }>(
      "select trigger, status from pslink.runs where run_id = $1",
      [runId],
    );
    expect(recorded).toEqual({ trigger: "dagster", status: "succeeded" });
    const appended = sync.materializations.find(
      (m) => m.asset_key.join(".") === "raw_kantata.time_entries",
    );
    expect(appended?.metadata.rows_appended).toBe(
      await count(
        `select count(*) as n from raw_kantata.time_entries where _pslink_run_id = '${runId}'`,
      ),
    );
  });

  it("reports the quarantine and freshness checks of every current-state table, passed", () => {
    const srcTables = sync.materializations
      .filter((m) => m.asset_key[0] === "src_kantata")
      .map((m) => m.asset_key.join("."))
      .sort();
    for (const name of ["quarantine", "freshness"]) {
      const checks = sync.checks.filter((check) => check.check_name === name);
      expect(checks.map((check) => check.asset_key.join(".")).sort()).toEqual(srcTables);
      for (const check of checks) expect([check.passed, check.severity]).toEqual([true, "WARN"]);
    }
    const freshness = sync.checks.find((check) => check.check_name === "freshness");
    expect(freshness?.metadata).toMatchObject({ max_lag_seconds: 7200 });
    expect(Number(freshness?.metadata.lag_seconds)).toBeLessThan(7200);
    const quarantine = sync.checks.find((check) => check.check_name === "quarantine");
    expect(quarantine?.metadata).toEqual({ quarantined: 0, reasons: {} });
  });

  it("runs the hourly job as scheduled: every source partition in one run, then the build", () => {
    expect(hourly.success, JSON.stringify(hourly.step_failures)).toBe(true);
    const tables = hourly.materializations.filter((m) => /^(raw|src)_/.test(m.asset_key[0] ?? ""));
    const declared = Object.keys(keys.pslink.partitions);
    expect(new Set(tables.map((m) => m.asset_key.join("/")))).toEqual(new Set(declared));
    // A range run is recorded for each partition of the range, as Dagster does for ranges.
    const time = tables.filter((m) => m.asset_key.join("/") === "raw_kantata/time_entries");
    expect(time.map((m) => m.partition).sort()).toEqual([...SYSTEMS].sort());
    const lastTable = Math.max(...tables.map((m) => hourly.materializations.indexOf(m)));
    const firstModel = hourly.materializations.findIndex((m) => m.partition === null);
    expect(firstModel).toBeGreaterThan(lastTable);
  });

  it("builds every model as its own asset, with the warehouse's row counts", async () => {
    const built = hourly.materializations.filter((m) => m.partition === null);
    const models = built.map((m) => m.asset_key.join("."));
    const declared = keys.pslink.assets
      .map((key) => key.replace("/", "."))
      .filter((key) => !/^(raw|src)_|^reverse_etl\./.test(key));
    expect(models.sort()).toEqual(declared.sort());
    for (const m of built) {
      const [schema, table] = m.asset_key;
      expect(m.metadata["dagster/row_count"], `${schema}.${table}`).toBe(
        await count(`select count(*) as n from ${schema}.${table}`),
      );
    }
    const timeEntry = built.find((m) => m.asset_key.join(".") === "canonical.time_entry");
    expect(timeEntry?.metadata).toMatchObject({ model: "time_entry", materialized: "table" });
  });

  it("reports every data test as a passed check on its model", () => {
    const tests = hourly.checks.filter(
      (check) =>
        !/^(raw|src)_/.test(check.asset_key[0] ?? "") &&
        check.check_name !== "reconciliation_thresholds",
    );
    const declared = keys.pslink.checks.filter(
      (key) => !/^(raw|src)_/.test(key) && !key.endsWith(":reconciliation_thresholds"),
    );
    expect(tests.map((check) => `${check.asset_key.join("/")}:${check.check_name}`).sort()).toEqual(
      declared.sort(),
    );
    for (const check of tests) expect(check.passed, check.check_name).toBe(true);
    const unique = tests.find((check) => check.check_name === "unique_time_entry_time_entry_id");
    expect(unique).toMatchObject({
      asset_key: ["canonical", "time_entry"],
      severity: "ERROR",
      metadata: { status: "pass", failures: 0 },
    });
  });

  it("checks open reconciliation exceptions per rule against their maximum", async () => {
    const open = await wh.query<{ rule_id: string; severity: string; n: unknown }>(
      "select rule_id, severity, count(*) as n from reconciliation.exceptions where status = 'open' group by rule_id, severity",
    );
    const byRule = Object.fromEntries(open.map((row) => [row.rule_id, Number(row.n)]));
    const high = open
      .filter((row) => row.severity === "high")
      .map((row) => row.rule_id)
      .sort();
    expect(high.length).toBeGreaterThan(0);

    // The hourly run had `max_open_exceptions: {high: 1000}`.
    const generous = hourly.checks.find(
      (check) => check.check_name === "reconciliation_thresholds",
    );
    expect(generous).toMatchObject({
      asset_key: ["reconciliation", "exceptions"],
      passed: true,
      severity: "ERROR",
    });
    expect(generous?.metadata.open_by_rule).toEqual(byRule);
    expect(Object.keys(generous?.metadata.max_by_rule as object).sort()).toEqual(high);

    // Default thresholds: no open exception of severity high; the sandbox plants some.
    expect(threshold.success).toBe(true);
    expect(threshold.materializations.map((m) => m.asset_key.join("."))).toEqual([
      "reconciliation.exceptions",
    ]);
    const strict = threshold.checks.find(
      (check) => check.check_name === "reconciliation_thresholds",
    );
    expect(strict?.passed).toBe(false);
    expect(strict?.metadata.over_threshold).toEqual(
      high.map((rule) => `${rule} (high): ${byRule[rule]} open, at most 0`),
    );
  });

  it("materializes the write plan, then what apply wrote per target system", async () => {
    if (reverseEtl instanceof Error) throw reverseEtl;
    const { plan, apply } = reverseEtl;
    expect(plan.success).toBe(true);
    const [planned] = plan.materializations;
    expect(planned?.asset_key).toEqual(["reverse_etl", "write_plan"]);
    const planId = String(planned?.metadata.plan_id);
    const items = await count(
      `select count(*) as n from pslink.write_items where plan_id = '${planId}'`,
    );
    expect(items).toBeGreaterThan(0);
    expect(planned?.metadata["dagster/row_count"]).toBe(items);
    const byStatus = planned?.metadata.items_by_status as Record<string, number>;
    expect(Object.values(byStatus).reduce((sum, n) => sum + n, 0)).toBe(items);

    expect(apply.success, JSON.stringify(apply.engine_errors)).toBe(true);
    const written = Object.fromEntries(
      apply.materializations.map((m) => [m.asset_key.join("/"), m.metadata["dagster/row_count"]]),
    );
    const applied = await wh.query<{ target_system: string; n: unknown }>(
      `select target_system, count(*) as n from pslink.write_items where plan_id = '${planId}' and status = 'applied' group by target_system`,
    );
    const expected = Object.fromEntries(
      ["netsuite", "kantata", "salesforce"].map((target) => [
        `reverse_etl/${target}`,
        Number(applied.find((row) => row.target_system === target)?.n ?? 0),
      ]),
    );
    expect(written).toEqual(expected);
    expect(expected["reverse_etl/netsuite"]).toBe(0);
    expect(expected["reverse_etl/kantata"]).toBeGreaterThan(0);
  });

  it("fails the Dagster step with pslink's error when a source is unreachable", () => {
    const seen = readFileSync(join(dir, "fail.log"), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("pslink"))
      .join("\n");
    expect(failed.success).toBe(false);
    expect(failed.materializations).toEqual([]);
    expect(failed.step_failures[0]?.cause?.message, seen).toContain(
      "External execution process failed with code 1",
    );
    const closed = failed.engine_errors.find(
      (event) => event.message === "[pipes] external process pipes closed with exception",
    );
    expect(closed?.error.message).toMatch(/^PslinkError: \d+ stream\(s\) failed in sync run /);
    // The first Kantata stream finds nothing answering; the others are not run.
    expect(closed?.error.message).toMatch(/^kantata\.\w+: kantata GET http:\/\/127\.0\.0\.1:/m);
    expect(closed?.error.message).toContain(
      "kantata.time_entries: not run: kantata is unreachable: nothing answered at http://127.0.0.1:",
    );
    expect(closed?.error.message).toContain("ECONNREFUSED");
    expect(closed?.error.message).toContain("check sources.kantata.base_url");
    const errors = failed.logs.filter((log) => log.level === "ERROR").map((log) => log.message);
    expect(errors.some((message) => message.startsWith("kantata.time_entries: "))).toBe(true);
  });

  it("partitions the tables by source system and schedules hourly and nightly runs", () => {
    const tables = Object.keys(keys.pslink.partitions);
    expect(tables.length).toBe(keys.pslink.assets.filter((key) => /^(raw|src)_/.test(key)).length);
    for (const partitions of Object.values(keys.pslink.partitions))
      expect(partitions).toEqual(SYSTEMS);
    const byName = Object.fromEntries(keys.pslink.schedules.map((s) => [s.name, s]));
    const range = {
      "dagster/asset_partition_range_start": "salesforce",
      "dagster/asset_partition_range_end": "workday",
    };
    const hourly = byName.pslink_hourly_schedule;
    expect(hourly).toMatchObject({ cron: "0 * * * *", default_status: "RUNNING" });
    expect(hourly?.requests).toEqual([{ tags: expect.objectContaining(range), run_config: {} }]);
    expect(hourly?.assets).toEqual(
      expect.arrayContaining(["src_kantata/time_entries", "canonical/time_entry"]),
    );
    const nightly = byName.pslink_nightly_schedule;
    expect(nightly).toMatchObject({ cron: "0 2 * * *", default_status: "RUNNING" });
    expect(nightly?.requests[0]?.run_config).toEqual({
      ops: { pslink_sync: { config: { full_refresh: true } } },
    });
    expect(nightly?.assets).toContain("reverse_etl/write_plan");
    expect(byName.apply_writebacks_schedule?.default_status).toBe("STOPPED");
  });

  it("loads with `dagster definitions validate`, and the dbt alternative names the same assets", () => {
    for (const module of ["pslink_dagster", "pslink_dagster.dbt_alternative"]) {
      const { status, output } = validate(module);
      expect(status, output).toBe(0);
      expect(output).toContain(`Validation successful for code location ${module}`);
    }
    expect(keys.dbt.assets).toEqual(keys.pslink.assets);
    // dbt's data tests become the same checks; the thresholds check is pslink's own.
    expect(keys.dbt.checks).toEqual(
      keys.pslink.checks.filter((key) => !key.endsWith(":reconciliation_thresholds")),
    );
  });
});
