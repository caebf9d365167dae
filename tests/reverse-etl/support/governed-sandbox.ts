import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { loadConfig, type PslinkConfig } from "../../../core/config/index.js";
import { syncSources } from "../../../extractors/sync-sources.js";
import { type SandboxHandle, startSandbox } from "../../../sandbox/sandbox.js";
import { writeSandboxConfig } from "../../../sandbox/sandbox-config.js";
import { openWarehouse } from "../../../warehouse/open-warehouse.js";
import type { Warehouse, WarehouseKind } from "../../../warehouse/warehouse.js";
import { createTestDatabase } from "../../support/warehouses.js";

/** Stewards of the test firm: finance (time, customers), HR (workers), PMO (project master). */
export const STEWARDS = [
  { name: "fiona", domains: ["project_execution", "customer_master"] },
  { name: "harry", domains: ["worker"] },
  { name: "pat", domains: ["project_master"] },
];

/** Nightly windows 22:00–04:00 UTC (the default); `ALWAYS_OPEN` for CLI runs on the real clock. */
export const NIGHTLY = { start: "0 22 * * *", duration: "6h", timezone: "UTC" };
export const ALWAYS_OPEN = { start: "0 0 * * *", duration: "24h", timezone: "UTC" };
/** An instant inside the nightly window, and one outside it. */
export const IN_WINDOW = new Date("2026-11-22T23:30:00Z");
export const OUT_OF_WINDOW = new Date("2026-11-22T12:00:00Z");

const FAST = {
  requests_per_second: 200,
  max_attempts: 4,
  backoff_base: "20ms",
  backoff_max: "100ms",
};

export interface GovernedSandbox {
  readonly sandbox: SandboxHandle;
  readonly configPath: string;
  config: PslinkConfig;
  /** The open warehouse (closed while a child process uses a DuckDB file). */
  warehouse: Warehouse;
  /**
   * Lands the targets' current state with the real sync job (`sources`: default the write
   * targets; a build needs Workday too).
   */
  sync(sources?: readonly string[]): Promise<void>;
  /** Closes the warehouse so that another process may open it (DuckDB). */
  release(): Promise<void>;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export interface GovernedOptions {
  blastRadius?: number;
  window?: typeof NIGHTLY;
  seed?: number;
}

/** A small sandbox, a fresh warehouse of `kind`, and a pslink.yml with governance for both. */
export async function governedSandbox(
  kind: WarehouseKind,
  options: GovernedOptions = {},
): Promise<GovernedSandbox> {
  const sandbox = await startSandbox({ size: "small", seed: options.seed ?? 7 });
  const dir = await mkdtemp(join(tmpdir(), "pslink-re-"));
  const written = writeSandboxConfig(sandbox, dir);
  const database = kind === "postgres" ? await createTestDatabase() : undefined;
  const document = parse(await readFile(written.config, "utf8")) as Record<string, unknown>;
  document.warehouse = database
    ? { kind: "postgres", url: envRef("PSLINK_TEST_WH_URL") }
    : { kind: "duckdb", path: "warehouse.duckdb" };
  const window = options.window ?? NIGHTLY;
  document.governance = {
    stewards: STEWARDS,
    windows: { netsuite: window, kantata: window, salesforce: window },
    blast_radius: options.blastRadius ?? 0.5,
    rate_limits: { netsuite: FAST, kantata: FAST, salesforce: FAST },
  };
  await writeFile(written.config, stringify(document, { lineWidth: 0 }));
  if (database)
    await writeFile(
      written.env,
      `${await readFile(written.env, "utf8")}PSLINK_TEST_WH_URL=${database.url}\n`,
    );
  const config = loadConfig(written.config);
  const state: GovernedSandbox = {
    sandbox,
    configPath: written.config,
    config,
    warehouse: await openWarehouse(config.warehouse, config.baseDir),
    async sync(sources = ["netsuite", "kantata", "salesforce"]) {
      // The sandbox stamps writes to the second and a sync window ends before the current one.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const summary = await syncSources(config, {
        sources,
        warehouse: state.warehouse,
        safetyLagMs: 0,
        // One process runs these tests: no run lock to contend for (and none left behind).
        lock: false,
      });
      if (summary.status !== "succeeded")
        throw new Error(`sync failed: ${JSON.stringify(summary.streams)}`);
    },
    async release() {
      await state.warehouse.close();
    },
    async reopen() {
      state.warehouse = await openWarehouse(config.warehouse, config.baseDir);
    },
    async close() {
      await state.warehouse.close().catch(() => undefined);
      await sandbox.close();
      if (database) await dropWithRetry(database.drop);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return state;
}

/** A `${VAR}` reference as pslink.yml spells it. */
function envRef(name: string): string {
  return `\${${name}}`;
}

/** `drop … with (force)` fails while autovacuum (a superuser session) works on the database. */
async function dropWithRetry(drop: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await drop();
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
