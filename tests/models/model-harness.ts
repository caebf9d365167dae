import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import type { PslinkConfig } from "../../core/config/index.js";
import { loadConfig } from "../../core/config/index.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { type SandboxHandle, startSandbox } from "../../sandbox/sandbox.js";
import { writeSandboxConfig } from "../../sandbox/sandbox-config.js";
import type { SandboxSize } from "../../sandbox/world/types.js";
import { buildModels } from "../../transform/index.js";
import type { Row, Warehouse } from "../../warehouse/warehouse.js";
import type { WarehouseTarget } from "../support/warehouses.js";

const run = promisify(execFile);
export const REPO = resolve(import.meta.dirname, "../..");
export const PROJECT_DIR = join(REPO, "models");
const PG_URL_VAR = "PSLINK_MODELS_TEST_PG_URL";

/** A sandbox whose data has been synced into a test warehouse. */
export interface LandedSandbox {
  sandbox: SandboxHandle;
  config: PslinkConfig;
  /** A pslink.yml for the CLI: the sandbox's sources and the test warehouse. */
  configPath: string;
}

/** Starts a sandbox and syncs every source into `target` (a full first sync). */
export async function landSandbox(
  size: SandboxSize,
  target: WarehouseTarget,
): Promise<LandedSandbox> {
  const sandbox = await startSandbox({ size, seed: 11 });
  const written = writeSandboxConfig(sandbox, mkdtempSync(join(tmpdir(), "pslink-models-")));
  const configPath = join(dirname(written.config), "pslink-test.yml");
  const document = parse(readFileSync(written.config, "utf8")) as Record<string, unknown>;
  if (target.config.kind === "duckdb") {
    document.warehouse = { kind: "duckdb", path: resolve(target.baseDir, target.config.path) };
  } else {
    // The CLI reads secrets from the environment only, as a real pslink.yml does.
    process.env[PG_URL_VAR] = target.config.url?.reveal() ?? "";
    document.warehouse = { kind: "postgres", url: `\${${PG_URL_VAR}}` };
  }
  writeFileSync(configPath, stringify(document));
  const config = loadConfig(configPath);
  const summary = await syncSources(config, { trigger: "test" });
  if (summary.status !== "succeeded") {
    throw new Error(`sync failed: ${JSON.stringify(summary.streams)}`);
  }
  return { sandbox, config, configPath };
}

/**
 * After the test changed the sandbox: waits past the sync's safety lag (so the change falls
 * inside the next window), syncs (whole with `fullRefresh`) and builds as of `runAt`.
 */
export async function resyncAndBuild(
  landed: LandedSandbox,
  warehouse: Warehouse,
  vars: Record<string, unknown>,
  options: { runAt: string; fullRefresh?: boolean },
): Promise<void> {
  await sleep(3_100);
  const summary = await syncSources(landed.config, {
    warehouse,
    fullRefresh: options.fullRefresh === true,
    trigger: "test",
  });
  if (summary.status !== "succeeded") {
    throw new Error(`sync failed: ${JSON.stringify(summary.streams)}`);
  }
  await build(warehouse, { ...vars, run_at: options.runAt });
}

/** Builds the project with the embedded runner; throws with the failing models' errors. */
export async function build(
  warehouse: Warehouse,
  vars: Record<string, unknown>,
  fullRefresh = false,
  projectDir = PROJECT_DIR,
): Promise<void> {
  const result = await buildModels({ warehouse, projectDir, vars, fullRefresh });
  const failed = result.nodes.filter((node) => node.status !== "success");
  if (failed.length > 0) {
    throw new Error(failed.map((node) => `${node.name}: ${node.error ?? node.status}`).join("\n"));
  }
}

/** Runs real dbt-core (`dbt build`) on the same warehouse with models/profiles.yml. */
export async function dbtBuild(
  target: WarehouseTarget,
  vars: Record<string, unknown>,
): Promise<void> {
  const dbt = join(REPO, ".venv/bin/dbt");
  if (!existsSync(dbt))
    await run("bash", [join(REPO, "scripts/ensure-python.sh")], { timeout: 900_000 });
  const scratch = mkdtempSync(join(tmpdir(), "pslink-dbt-"));
  // A private profiles dir: dbt writes .user.yml beside profiles.yml.
  copyFileSync(join(PROJECT_DIR, "profiles.yml"), join(scratch, "profiles.yml"));
  const env: NodeJS.ProcessEnv = { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: "false" };
  let dbtTarget: string;
  if (target.config.kind === "duckdb") {
    dbtTarget = "duckdb";
    env.PSLINK_DUCKDB_PATH = resolve(target.baseDir, target.config.path);
  } else {
    dbtTarget = "postgres";
    const url = new URL(target.config.url?.reveal() ?? "");
    Object.assign(env, {
      PSLINK_PG_HOST: url.hostname,
      PSLINK_PG_PORT: url.port || "5432",
      PSLINK_PG_USER: decodeURIComponent(url.username),
      PSLINK_PG_PASSWORD: decodeURIComponent(url.password),
      PSLINK_PG_DATABASE: url.pathname.slice(1),
      // Encrypted, as the profile's sslmode reads it (the test server takes TLS).
      PSLINK_PG_SSLMODE: "require",
    });
  }
  const args = [
    "build",
    ...["--project-dir", PROJECT_DIR, "--profiles-dir", scratch, "--target", dbtTarget],
    ...["--target-path", join(scratch, "target"), "--log-path", join(scratch, "logs")],
    ...["--vars", JSON.stringify(vars)],
  ];
  try {
    await run(dbt, args, { env, cwd: scratch, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const output = (error as { stdout?: string }).stdout ?? "";
    throw new Error(
      `dbt build failed:\n${output
        .split("\n")
        .filter((l) => /ERROR|Error|FAIL/.test(l))
        .join("\n")}`,
    );
  }
}

/** Every row of a relation as sorted JSON lines (values normalised to text), for comparisons. */
export async function snapshot(warehouse: Warehouse, relation: string): Promise<string[]> {
  const rows = await warehouse.query(`select * from ${relation}`);
  return rows.map(canonicalRow).sort();
}

function canonicalRow(row: Row): string {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row).sort()) out[key] = plain(row[key]);
  return JSON.stringify(out);
}

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" && /^[[{]/.test(value)) {
    try {
      return sortedJson(JSON.parse(value));
    } catch {
      return value;
    }
  }
  if (typeof value === "object" && value !== null) return sortedJson(value);
  return value;
}

/** JSON with object keys sorted, so jsonb's and DuckDB's key orders compare equal. */
export function sortedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedJson);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedJson((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
