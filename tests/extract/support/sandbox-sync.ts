import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { loadConfig, type PslinkConfig } from "../../../core/config/index.js";
import {
  type SandboxHandle,
  type SandboxLimits,
  type SandboxOptions,
  startSandbox,
} from "../../../sandbox/sandbox.js";
import { writeSandboxConfig } from "../../../sandbox/sandbox-config.js";
import type { WarehouseTarget } from "../../support/warehouses.js";
import { seedCustomFieldValues } from "./sandbox-collections.js";

/** A running small sandbox and the config folder it wrote (tuned for quick, fault-tolerant tests). */
export interface SandboxSync {
  sandbox: SandboxHandle;
  dir: string;
  /** The sandbox's config with the warehouse replaced by a test target. */
  configFor(target: WarehouseTarget): PslinkConfig;
  /** Rewrites pslink.yml so a child process syncs into `target` (PostgreSQL URL via the env). */
  writeConfigFor(target: WarehouseTarget, env: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

/** Test-speed HTTP settings: quick timeouts and backoff, a generous budget. */
const TEST_HTTP = {
  requests_per_second: 2000,
  max_concurrency: 4,
  timeout: "2s",
  max_attempts: 6,
  backoff_base: "20ms",
  backoff_max: "250ms",
};

/**
 * Starts `startSandbox({size:"small"})` with custom field values on its client groups (so that
 * every stream has records), writes its config and tunes it for tests.
 */
export async function startSandboxSync(
  seed = 7,
  tune: {
    limits?: Partial<SandboxLimits>;
    sources?: Record<string, Record<string, unknown>>;
    /** The interface the sandbox listens on (default loopback). */
    host?: string;
    /** The sandbox's clock (default now); the world is built as of it. */
    now?: () => number;
    netsuiteZone?: SandboxOptions["netsuiteZone"];
  } = {},
): Promise<SandboxSync> {
  const sandbox = await startSandbox({
    size: "small",
    seed,
    limits: tune.limits,
    host: tune.host,
    ...(tune.now === undefined ? {} : { now: tune.now }),
    ...(tune.netsuiteZone === undefined ? {} : { netsuiteZone: tune.netsuiteZone }),
  });
  seedCustomFieldValues(sandbox.world);
  const dir = await mkdtemp(join(tmpdir(), "pslink-extract-"));
  const written = writeSandboxConfig(sandbox, dir);
  const doc = parse(await readFile(written.config, "utf8")) as {
    sources: Record<string, Record<string, unknown>>;
  };
  // World timestamps lie within the year before now: start there rather than in 2000.
  const start = new Date((tune.now ?? Date.now)() - 380 * 86_400_000).toISOString().slice(0, 10);
  for (const source of Object.values(doc.sources)) {
    source.start_date = start;
    source.http = TEST_HTTP;
  }
  (doc.sources.salesforce as Record<string, unknown>).batch_size = 200;
  (doc.sources.netsuite as Record<string, unknown>).page_size = 100;
  (doc.sources.kantata as Record<string, unknown>).per_page = 100;
  for (const [name, settings] of Object.entries(tune.sources ?? {}))
    merge(doc.sources[name] ?? {}, settings);
  await writeFile(written.config, stringify(doc));
  const base = loadConfig(written.config);
  return {
    sandbox,
    dir,
    configFor: (target) => ({ ...base, warehouse: target.config, baseDir: target.baseDir }),
    writeConfigFor: async (target, env) => {
      const copy = parse(await readFile(written.config, "utf8")) as Record<string, unknown>;
      if (target.config.kind === "duckdb") {
        copy.warehouse = { kind: "duckdb", path: join(target.baseDir, target.config.path) };
      } else {
        copy.warehouse = { kind: "postgres", url: envRef("PSLINK_TEST_WAREHOUSE_URL") };
        env.PSLINK_TEST_WAREHOUSE_URL = target.config.url?.reveal() ?? "";
      }
      const path = join(dir, `pslink-${target.config.kind}.yml`);
      await writeFile(path, stringify(copy));
      return path;
    },
    close: async () => {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A `${NAME}` reference as pslink.yml spells it. */
function envRef(name: string): string {
  return `\${${name}}`;
}

/** Merges `patch` into `target`, descending into nested mappings. */
function merge(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (isMapping(current) && isMapping(value)) merge(current, value);
    else target[key] = value;
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
