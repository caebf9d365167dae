import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll } from "vitest";
import type { WarehouseConfig } from "../../core/config/index.js";
import { Secret } from "../../core/secret.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import type { Warehouse, WarehouseKind } from "../../warehouse/warehouse.js";

/** Where a test warehouse lives: what `openWarehouse` (or a child process) needs to open it. */
export interface WarehouseTarget {
  config: WarehouseConfig;
  baseDir: string;
}

export interface WarehouseCase {
  kind: WarehouseKind;
  /**
   * A warehouse location for this test file: DuckDB a new file in a new temp folder on every
   * call; PostgreSQL one database created for this test file (tables need unique names).
   */
  target(): Promise<WarehouseTarget>;
  /** Opens a warehouse on `target` (default: a new `target()`); closed when the file ends. */
  open(target?: WarehouseTarget): Promise<Warehouse>;
}

/**
 * The dialects every warehouse suite loops over (`describe.each(warehouseCases())`). Call it
 * at the top level of a test file: it registers the file's cleanup (close, drop, delete).
 */
export function warehouseCases(): WarehouseCase[] {
  const opened: Warehouse[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.allSettled(opened.map((warehouse) => warehouse.close()));
    for (const cleanup of cleanups) await cleanup();
  });
  const caseFor = (kind: WarehouseKind, target: () => Promise<WarehouseTarget>): WarehouseCase => ({
    kind,
    target,
    open: async (given) => {
      const where = given ?? (await target());
      const warehouse = await openWarehouse(where.config, where.baseDir);
      opened.push(warehouse);
      return warehouse;
    },
  });
  return [
    caseFor("duckdb", async () => {
      const baseDir = await mkdtemp(join(tmpdir(), "pslink-wh-"));
      cleanups.push(() => rm(baseDir, { recursive: true, force: true }));
      return { baseDir, config: { kind: "duckdb", path: "warehouse.duckdb" } };
    }),
    caseFor(
      "postgres",
      once(async () => {
        const { url, drop } = await createTestDatabase();
        cleanups.push(drop);
        return { baseDir: tmpdir(), config: postgresConfig(url) };
      }),
    ),
  ];
}

/** A PostgreSQL warehouse config for a URL, as `parseConfig` would produce it. */
export function postgresConfig(url: string): WarehouseConfig {
  return { kind: "postgres", url: new Secret(url), port: 5432, ssl: "disable", pool_size: 4 };
}

/**
 * Creates a uniquely named database on the test server; `drop` removes it (and its sessions).
 * `ctype` gives it that `LC_CTYPE` (and collation) instead of the server's default.
 */
export async function createTestDatabase(
  options: { ctype?: string } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.PSLINK_TEST_PG_URL;
  if (!base) {
    throw new Error(
      "PSLINK_TEST_PG_URL is not set and scripts/ensure-postgres.sh did not provide a server: run it and look at its output",
    );
  }
  const name = `pslink_t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const locale = options.ctype
    ? ` template template0 lc_ctype '${options.ctype}' lc_collate '${options.ctype}'`
    : "";
  await withAdmin(base, (client) => client.query(`create database "${name}"${locale}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin(base, (client) => client.query(`drop database if exists "${name}" with (force)`)),
  };
}

async function withAdmin(
  url: string,
  task: (client: pg.Client) => Promise<unknown>,
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await task(client);
  } finally {
    await client.end();
  }
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
}

/** A table or schema name no other test in the file uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}
