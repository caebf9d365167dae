import { readdir, rm } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { loadConfig, type PslinkConfig } from "../../core/config/index.js";
import { configError } from "../../core/errors.js";
import type { SyncEventHandler } from "../../extractors/engine/sync-events.js";
import { DEFAULT_SAFETY_LAG_MS, syncSources } from "../../extractors/sync-sources.js";
import { applyPlan } from "../../reverse-etl/apply-plan.js";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems, loadPlan } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { renderPlan } from "../../reverse-etl/render-plan.js";
import { verifyApplied } from "../../reverse-etl/verify-applied.js";
import { startSandbox } from "../../sandbox/sandbox.js";
import {
  checkSandboxConfigFolder,
  SANDBOX_STEWARD,
  writeSandboxConfig,
} from "../../sandbox/sandbox-config.js";
import type { SandboxSize } from "../../sandbox/world/types.js";
import { defaultProjectDir } from "../../transform/project/default-project-dir.js";
import { buildModels } from "../../transform/run/build-models.js";
import { migrate } from "../../warehouse/migrate.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { syncRunFailure } from "../events/sync-job-events.js";
import { exceptionSummary, resolvedSince } from "./demo-report.js";

export interface DemoOptions {
  dir: string;
  size: SandboxSize;
  seed: number;
  /** Rules whose write-backs the demo steward approves (the "safe subset"). */
  approveRules: readonly string[];
  print: (line?: string) => void;
  onSyncEvent?: SyncEventHandler;
}

export interface DemoResult {
  warehouseFile: string;
  openBefore: number;
  openAfter: number;
  resolved: number;
  applied: number;
  durationMs: number;
}

/**
 * The end-to-end demo as one job: sandbox → sync → build → reconcile → plan → approve a safe
 * subset → apply → sync → build → what was resolved. Leaves a DuckDB file a BI tool can open.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const { print } = options;
  const step = stepPrinter(print, started);
  const dir = resolve(options.dir);
  await clearDemoFolder(dir);

  step(`starting the sandbox (${options.size}, seed ${options.seed})`);
  const sandbox = await startSandbox({ size: options.size, seed: options.seed });
  let warehouse: Warehouse | undefined;
  try {
    for (const [system, url] of Object.entries(sandbox.urls))
      print(`    ${system.padEnd(10)} ${url}`);
    const written = writeSandboxConfig(sandbox, dir);
    const config = loadConfig(written.config);
    const asOf = sandbox.world.asOf;
    print(`    config     ${relative(process.cwd(), written.config)} (secrets in .env beside it)`);
    warehouse = await openWarehouse(config.warehouse, config.baseDir);
    await migrate(warehouse);

    const sync = async (label: string) => {
      step(label);
      const run = await syncSources(config, {
        warehouse: warehouse!,
        lock: false,
        trigger: "demo",
        onEvent: options.onSyncEvent,
      });
      const rows = run.streams.reduce((sum, s) => sum + s.newRows + s.changedRows, 0);
      print(
        `    ${run.streams.length} streams, ${rows.toLocaleString("en")} rows new or changed, ${run.status} in ${seconds(run.durationMs)}`,
      );
      const failure = syncRunFailure(run);
      if (failure) throw new Error(`the demo sync failed: ${failure.message}`, { cause: failure });
    };
    const build = async (label: string) => {
      step(label);
      const result = await buildModels({
        warehouse: warehouse!,
        projectDir: defaultProjectDir(),
        vars: { as_of_date: asOf },
      });
      print(`    ${result.nodes.length} models built in ${seconds(result.durationMs)}`);
      if (!result.ok)
        throw new Error(
          `the demo build failed: ${result.nodes
            .filter((n) => n.status !== "success")
            .map((n) => n.name)
            .join(", ")}`,
        );
    };

    await sync("syncing the four systems into DuckDB");
    await build("building the canonical model, reconciliation and marts");
    const checkpoint = new Date();
    step("reconciliation: open exceptions");
    const before = await exceptionSummary(warehouse);
    for (const line of before.lines) print(`    ${line}`);

    step("planning write-backs");
    const planned = await planWritebacks({ warehouse, config, actor: "demo" });
    if (planned.planId) {
      const plan = await loadPlan(warehouse, planned.planId);
      const items = await loadItems(warehouse, { planId: planned.planId });
      print(
        `    plan ${planned.planId}: ${items.length} items; as the steward reads it (first lines):`,
      );
      if (plan) for (const line of renderPlan(plan, items).slice(0, 24)) print(`    | ${line}`);
    }
    const applied = planned.planId
      ? await approveAndApply(warehouse, config, planned.planId, options.approveRules, step, print)
      : 0;

    // A sync's window ends a safety lag before it starts: let the writes fall inside it.
    const settle = DEFAULT_SAFETY_LAG_MS + 1_100;
    step(
      `waiting ${seconds(settle)} for the writes to fall inside the next sync (it reads changes up to ${seconds(DEFAULT_SAFETY_LAG_MS)} before it starts)`,
    );
    await new Promise((resolve) => setTimeout(resolve, settle));
    await sync("syncing again to verify the writes");
    const verified = await verifyApplied({ warehouse });
    print(
      `    ${verified.verified} applied items verified in the landed data, ${verified.unverified} unverified`,
    );
    await build("rebuilding");
    const after = await exceptionSummary(warehouse);
    const resolved = await resolvedSince(warehouse, checkpoint);
    step(`resolved by the write-backs: ${resolved.total} exceptions`);
    for (const line of resolved.lines) print(`    ${line}`);
    print(`    open exceptions: ${before.open} before, ${after.open} after`);

    const file = join(
      config.baseDir,
      config.warehouse.kind === "duckdb" ? config.warehouse.path : "",
    );
    printBiHelp(print, file);
    printNextCommands(print, written.config);
    return {
      warehouseFile: file,
      openBefore: before.open,
      openAfter: after.open,
      resolved: resolved.total,
      applied,
      durationMs: Date.now() - started,
    };
  } finally {
    await warehouse?.close();
    await sandbox.close();
  }
}

async function approveAndApply(
  warehouse: Warehouse,
  config: PslinkConfig,
  planId: string,
  rules: readonly string[],
  step: (label: string) => void,
  print: (line?: string) => void,
): Promise<number> {
  const pending = await loadItems(warehouse, { planId, statuses: ["proposed"] });
  const safe = pending.filter((item) => rules.includes(item.rule_id));
  step(
    `approving the safe subset as ${SANDBOX_STEWARD}: ${safe.length} items of rules ${rules.join(", ")}`,
  );
  if (safe.length === 0) return 0;
  await decideItems({
    warehouse,
    config,
    planId,
    decision: "approve",
    steward: SANDBOX_STEWARD,
    reason: "demo: safe corrections",
    itemKeys: safe.map((item) => item.item_key),
    confirmBlastRadius: true,
  });
  step("applying approved items inside the write windows");
  const result = await applyPlan({ warehouse, config, planId, actor: "demo" });
  print(
    `    applied ${result.applied}, failed ${result.failed}, stale ${result.stale}, queued ${result.queued}, waiting ${result.waiting}`,
  );
  return result.applied;
}

function printBiHelp(print: (line?: string) => void, file: string): void {
  const shown = relative(process.cwd(), file);
  print();
  print(`The warehouse is ${shown}. Open it in a BI tool:`);
  print(
    `  DuckDB CLI: duckdb -readonly ${shown} "select * from marts.project_financials_monthly limit 20"`,
  );
  print(
    "  Metabase:   add a DuckDB database (the MotherDuck DuckDB driver) with this file path, read-only",
  );
  print(`  Evidence:   a DuckDB source with filename: ${shown}`);
}

/** The commands that read what the demo left, as a steward or an engineer goes on from here. */
function printNextCommands(print: (line?: string) => void, configFile: string): void {
  const config = relative(process.cwd(), configFile);
  print();
  print(
    "Read what is left with pslink itself (the sandbox has stopped; these read the warehouse):",
  );
  for (const [command, what] of [
    ["status", "where things stand, each line naming the command to go on"],
    ["reconcile --list", "the exceptions still open, one by one, with each system's ids"],
    ["plans", "the plan; `plan show ID` reads it item by item"],
    ["audit", "who approved and what was written"],
    ["runs", "the syncs; `runs show ID` lists a run's streams"],
  ])
    print(`  npx pslink -c ${config} ${command.padEnd(17)}# ${what}`);
}

function stepPrinter(print: (line?: string) => void, started: number) {
  return (label: string) => print(`[${seconds(Date.now() - started).padStart(6)}] ${label}`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** What a demo writes in its folder: the sandbox's config, its ground truth, the warehouse. */
const DEMO_FILES = /^(pslink\.yml|\.env|ground-truth\.json|warehouse\.duckdb(\.wal|\.tmp)?)$/;

/**
 * Empties the demo's folder of what an earlier demo left, and refuses one holding anything else
 * (a user's own pslink.yml, .env or files): `--dir` names a folder the demo may start afresh, not
 * one it may wipe.
 */
async function clearDemoFolder(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const others = entries.filter((name) => !DEMO_FILES.test(name));
  if (others.length > 0)
    throw configError(
      `${dir} holds files the demo did not write (${others.slice(0, 5).join(", ")}${others.length > 5 ? ", …" : ""}): it will not delete them`,
      { hint: "pass --dir a new or empty folder, or one an earlier demo wrote" },
    );
  checkSandboxConfigFolder(dir);
  for (const name of entries) await rm(join(dir, name), { recursive: true, force: true });
}
