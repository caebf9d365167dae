import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadConfig } from "../core/config/index.js";
import type { SandboxSize } from "../sandbox/world/types.js";
import { openWarehouse } from "../warehouse/open-warehouse.js";
import { type BenchWarehouse, kantataAccess, writeBenchConfig } from "./bench-configs.js";
import {
  type BenchResults,
  type BenchRow,
  calibrationMs,
  formatTable,
  machineFacts,
  round,
  writeResults,
} from "./bench-report.js";
import { expectSuccess, type Measured, runMeasured } from "./measured-process.js";
import { createBenchDatabase } from "./postgres-bench-database.js";
import { repoRoot } from "./repo-root.js";
import { type SandboxChild, startSandboxChild } from "./sandbox-child.js";

/** The DuckDB memory_limit of the bounded full sync. */
const BOUNDED_MEMORY = "256MB";

export interface BenchOptions {
  size: SandboxSize;
  seed: number;
  warehouses: readonly ("duckdb" | "postgres")[];
  /** Compare with dlt on Kantata time entries. */
  dlt: boolean;
  /** Time `pslink build` of models/ on the DuckDB warehouse. */
  build: boolean;
  /** Read every page once before measuring, so no run pays the sandbox's first serialisation. */
  warmUp: boolean;
  /** Share of records the sandbox changes before the incremental run. */
  changeShare: number;
  resultsDir: string;
  log: (line: string) => void;
}

const ROOT = repoRoot();
const DEFAULT_BIN = join(ROOT, "bin", "pslink.js");

/**
 * The benchmark: a sandbox in its own process, full and incremental syncs into fresh warehouses
 * (each sync a child process, timed and RSS-sampled), dlt on the same time entries, and a full
 * build of models/. Prints the table and writes `bench/results/<date>-<size>.json`.
 */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  // Children run the same pslink as this process (a private build benches itself).
  const bin = process.argv[1] ?? DEFAULT_BIN;
  const startedAt = new Date().toISOString();
  const work = mkdtempSync(join(tmpdir(), "pslink-bench-"));
  const machine = machineFacts();
  const rows: BenchRow[] = [];
  const ratios: Record<string, number> = {};
  const failures: string[] = [];
  let asOf = "";
  const results = (): BenchResults => ({
    startedAt,
    size: options.size,
    seed: options.seed,
    asOf,
    machine,
    rows,
    ratios,
    ...(failures.length > 0 ? { failures } : {}),
  });
  // Written after every step, so a failure late in a long run keeps the figures measured so far.
  const save = () => writeResults(options.resultsDir, results());
  options.log(`starting the ${options.size} sandbox (separate process)`);
  const sandbox = await startSandboxChild({
    bin,
    cwd: ROOT,
    size: options.size,
    seed: options.seed,
    configDir: join(work, "sandbox"),
  });
  /** Runs a measured child and counts the CPU the sandbox spent meanwhile (serving it). */
  const measured = async (run: () => Promise<Measured>): Promise<Step> => {
    const before = sandbox.cpuMs();
    const done = await run();
    return { ...done, sandboxCpuMs: sandbox.cpuMs() - before };
  };
  const pslink = (config: string, args: readonly string[]) =>
    measured(() =>
      runMeasured(process.execPath, [bin, "--config", config, ...args], { cwd: ROOT }),
    );
  try {
    asOf = groundTruth(sandbox).as_of;
    if (options.warmUp) {
      options.log("warm-up sync (not measured): the sandbox serialises each record once");
      const config = writeBenchConfig(sandbox.configDir, join(work, "warm-up"), { kind: "duckdb" });
      expectSuccess("warm-up sync", await pslink(config, ["sync"]));
      rmSync(join(work, "warm-up"), { recursive: true, force: true });
    }
    // Every full read comes before the sandbox's change: a change makes the sandbox serialise
    // the records it serves again (~15–20 s of its CPU on large), which a full sync after it
    // would pay. One change then serves every warehouse's incremental run.
    const synced: { kind: "duckdb" | "postgres"; config: string; full: Step; records: number }[] =
      [];
    const databases: { drop(): Promise<void> }[] = [];
    const attempt = async (kind: string, step: () => Promise<void>) => {
      try {
        await step();
      } catch (error) {
        failures.push(`${kind}: ${String(error)}`);
        options.log(`FAILED (${kind}): ${String(error).slice(0, 2000)}`);
      } finally {
        save();
      }
    };
    try {
      for (const kind of options.warehouses) {
        await attempt(kind, async () => {
          const database = kind === "postgres" ? await createBenchDatabase() : undefined;
          if (database) databases.push(database);
          const target: BenchWarehouse =
            database === undefined ? { kind: "duckdb" } : { kind: "postgres", url: database.url };
          const config = writeBenchConfig(sandbox.configDir, join(work, kind), target);
          options.log(`full sync into a fresh ${kind} warehouse`);
          const fullSyncs = await repeatedRuns(kind === "duckdb" ? FULL_RUNS : 1, async (i) => {
            // Each run starts from an empty warehouse; the last one's is kept for the next step.
            if (kind === "duckdb") removeDuckdbFiles(config);
            return expectSuccess(`full sync (${kind}${label(i)})`, await pslink(config, ["sync"]));
          });
          const full = median(fullSyncs);
          const records = await landedRows(config);
          rows.push(row("full sync", kind, records, full, timesNote(fullSyncs)));
          synced.push({ kind, config, full, records });
          if (kind === "duckdb") {
            // DuckDB's buffer pool keeps file blocks cached up to 80% of RAM by default; a
            // memory_limit bounds it (spilling to disk past it).
            options.log(`full sync into a fresh duckdb warehouse, memory_limit ${BOUNDED_MEMORY}`);
            const bounded = writeBenchConfig(sandbox.configDir, join(work, "duckdb-bounded"), {
              kind: "duckdb",
              memoryLimit: BOUNDED_MEMORY,
            });
            const run = expectSuccess(
              "full sync (duckdb, bounded)",
              await pslink(bounded, ["sync"]),
            );
            rows.push(
              row(
                "full sync",
                kind,
                await landedRows(bounded),
                run,
                `memory_limit ${BOUNDED_MEMORY}`,
              ),
            );
          }
        });
      }
      if (options.dlt) {
        await attempt("dlt", async () => {
          options.log("time entries only: pslink, then dlt, each into a fresh DuckDB");
          const config = writeBenchConfig(sandbox.configDir, join(work, "time-entries"), {
            kind: "duckdb",
          });
          const ours = expectSuccess(
            "pslink time entries",
            await pslink(config, ["sync", "--stream", "kantata.time_entries"]),
          );
          const ourRows = await landedRows(config);
          rows.push(row("time entries", "duckdb", ourRows, ours, "pslink"));
          const theirs = await runDlt(sandbox, join(work, "dlt"), measured);
          rows.push(
            row("time entries", "duckdb", theirs.rows, theirs.run, "dlt (REST client, merge)"),
          );
          ratios.pslink_over_dlt_time_entries = round(
            ourRows / ours.wallMs / (theirs.rows / theirs.run.wallMs),
            2,
          );
        });
      }
      if (synced.length > 0) {
        const records = Math.max(...synced.map((s) => s.records));
        const change = Math.max(1, Math.round(records * options.changeShare));
        options.log(
          `sandbox advance: ~${change} changes (${options.changeShare * 100}% of records)`,
        );
        await sandbox.admin("advance", advanceBody(change));
        // The next window must close after the changes: window ends are whole seconds minus 2 s.
        await new Promise((done) => setTimeout(done, 3_000));
        for (const { kind, config, full } of synced) {
          await attempt(kind, async () => {
            options.log(`incremental sync (${kind})`);
            const runs = await incrementalRuns(kind, config, async (i) =>
              expectSuccess(
                `incremental sync (${kind}${label(i)})`,
                await pslink(config, ["sync"]),
              ),
            );
            const incremental = median(runs);
            const note = [`after ~${change} changes`, timesNote(runs)].filter(Boolean).join("; ");
            rows.push(row("incremental sync", kind, await landedRows(config), incremental, note));
            ratios[`incremental_over_full_${kind}`] = round(incremental.wallMs / full.wallMs, 4);
          });
        }
      }
    } finally {
      for (const database of databases) await database.drop();
    }
    const duckdbConfig = synced.find((s) => s.kind === "duckdb")?.config;
    if (options.build && duckdbConfig !== undefined) {
      options.log(`pslink build of models/ (as_of_date ${asOf})`);
      const build = expectSuccess(
        "pslink build",
        await pslink(duckdbConfig, [
          "build",
          "--project-dir",
          join(ROOT, "models"),
          "--vars",
          JSON.stringify({ as_of_date: asOf }),
        ]),
      );
      rows.push(row("build models/", "duckdb", null, build));
    }
    machine.loadAverage.after = loadavg().map((value) => round(value, 2));
    machine.calibrationMs.after = calibrationMs();
    for (const line of formatTable(rows)) options.log(line);
    for (const [name, value] of Object.entries(ratios)) options.log(`${name}: ${value}`);
    const { before, after } = machine.calibrationMs;
    options.log(
      `machine calibration (ms, lower is faster): ${before} at the start, ${after} at the end`,
    );
    for (const failure of failures) options.log(`failed: ${failure.split("\n")[0]}`);
    options.log(`results: ${save()}`);
    return results();
  } finally {
    await sandbox.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** A measured pslink (or dlt) process, with the CPU the sandbox spent while it ran. */
type Step = Measured & { sandboxCpuMs: number };

function row(
  step: string,
  warehouse: string,
  records: number | null,
  run: Step,
  note?: string,
): BenchRow {
  const seconds = run.wallMs / 1000;
  const perRecord = (ms: number) => (records ? round((ms * 1000) / records, 1) : null);
  return {
    step,
    warehouse,
    records,
    seconds: round(seconds, 2),
    recordsPerSecond: records === null ? null : round(records / seconds, 0),
    peakRssMiB: run.peakRssMiB,
    cpuSeconds: round(run.cpuMs / 1000, 2),
    cpuMicrosPerRecord: perRecord(run.cpuMs),
    sandboxCpuSeconds: round(run.sandboxCpuMs / 1000, 2),
    sandboxCpuMicrosPerRecord: perRecord(run.sandboxCpuMs),
    ...(note ? { note } : {}),
  };
}

/**
 * Times a DuckDB sync is taken (a full sync into a fresh warehouse; an incremental run on a copy
 * of the warehouse the full sync left): the machine's speed moves a run by a third within minutes.
 * PostgreSQL's (~2 minutes for a full sync on large) are taken once.
 */
const FULL_RUNS = 3;
const INCREMENTAL_RUNS = 3;

/** `run` taken `times` times, one after another. */
async function repeatedRuns(times: number, run: (i: number) => Promise<Step>): Promise<Step[]> {
  const runs: Step[] = [];
  for (let i = 0; i < times; i++) runs.push(await run(i));
  return runs;
}

/**
 * The incremental run after the sandbox's change. On DuckDB each run starts from a copy of the
 * warehouse as the full sync left it (the sandbox serves the same changes; only the first run
 * pays their first serialisation there).
 */
async function incrementalRuns(
  kind: "duckdb" | "postgres",
  config: string,
  run: (i: number) => Promise<Step>,
): Promise<Step[]> {
  if (kind !== "duckdb") return repeatedRuns(1, run);
  const files = duckdbFiles(config).filter((file) => existsSync(file));
  for (const file of files) copyFileSync(file, `${file}.full`);
  try {
    return await repeatedRuns(INCREMENTAL_RUNS, async (i) => {
      if (i > 0) {
        removeDuckdbFiles(config);
        for (const file of files) copyFileSync(`${file}.full`, file);
      }
      return run(i);
    });
  } finally {
    for (const file of files) rmSync(`${file}.full`, { force: true });
  }
}

function duckdbFiles(config: string): string[] {
  return ["warehouse.duckdb", "warehouse.duckdb.wal"].map((name) => join(dirname(config), name));
}

function removeDuckdbFiles(config: string): void {
  for (const file of duckdbFiles(config)) rmSync(file, { force: true });
}

/** The run of median wall time. */
function median(runs: readonly Step[]): Step {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  return sorted[Math.floor(sorted.length / 2)] as Step;
}

/** Every run's wall time, when there was more than one. */
function timesNote(runs: readonly Step[]): string {
  if (runs.length < 2) return "";
  return `median of ${runs.map((run) => (run.wallMs / 1000).toFixed(1)).join(", ")} s`;
}

function label(i: number): string {
  return i === 0 ? "" : `, run ${i + 1}`;
}

/** Mostly updates and new entries, a few back-dated and late ones (what a day brings). */
function advanceBody(change: number) {
  return {
    inserts: Math.round(change * 0.35),
    updates: Math.round(change * 0.55),
    backdated: Math.round(change * 0.05),
    lateArrivals: Math.round(change * 0.05),
    deletes: 0,
  };
}

function groundTruth(sandbox: SandboxChild): { as_of: string } {
  return JSON.parse(readFileSync(join(sandbox.configDir, "ground-truth.json"), "utf8"));
}

/** Rows the latest sync landed (new + changed), from its `pslink.run_streams` rows. */
async function landedRows(configPath: string): Promise<number> {
  const config = loadConfig(configPath);
  const wh = await openWarehouse(config.warehouse, config.baseDir);
  try {
    const [found] = await wh.query<{ landed: unknown }>(
      `select coalesce(sum(s.new_rows + s.changed_rows), 0) as landed from pslink.run_streams s
       where s.run_id = (select run_id from pslink.runs where job = 'sync' order by started_at desc limit 1)`,
    );
    return Number(found?.landed ?? 0);
  } finally {
    await wh.close();
  }
}

async function runDlt(
  sandbox: SandboxChild,
  dir: string,
  measured: (run: () => Promise<Measured>) => Promise<Step>,
): Promise<{ rows: number; run: Step }> {
  const python = execFileSync("bash", [join(ROOT, "scripts", "ensure-bench-python.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .at(-1) as string;
  const { baseUrl, token } = kantataAccess(sandbox.configDir);
  const run = await measured(() =>
    runMeasured(
      python,
      [join(ROOT, "bench", "dlt_time_entries.py"), baseUrl, token, join(dir, "dlt.duckdb"), dir],
      { cwd: ROOT, env: { ...process.env, RUNTIME__LOG_LEVEL: "WARNING" } },
    ),
  );
  expectSuccess("dlt", run);
  const reported = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}") as { rows?: number };
  return { rows: reported.rows ?? 0, run };
}
