import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";

/** Where one benchmark run writes. */
export type BenchWarehouse =
  | { kind: "duckdb"; memoryLimit?: string }
  | { kind: "postgres"; url: string };

/**
 * Copies the sandbox's pslink.yml and .env into `dir` with the warehouse replaced, so every
 * measured run starts from an empty warehouse of its own.
 */
export function writeBenchConfig(
  sandboxDir: string,
  dir: string,
  warehouse: BenchWarehouse,
): string {
  mkdirSync(dir, { recursive: true });
  const config = parse(readFileSync(join(sandboxDir, "pslink.yml"), "utf8")) as Record<
    string,
    unknown
  >;
  config.warehouse =
    warehouse.kind === "duckdb"
      ? {
          kind: "duckdb",
          path: "warehouse.duckdb",
          ...(warehouse.memoryLimit ? { memory_limit: warehouse.memoryLimit } : {}),
        }
      : { kind: "postgres", url: "${PSLINK_BENCH_PG_URL}" };
  copyFileSync(join(sandboxDir, ".env"), join(dir, ".env"));
  if (warehouse.kind === "postgres") {
    writeFileSync(join(dir, ".env"), `\nPSLINK_BENCH_PG_URL=${warehouse.url}\n`, { flag: "a" });
  }
  const path = join(dir, "pslink.yml");
  writeFileSync(path, stringify(config));
  return path;
}

/** The Kantata base URL and bearer token dlt is pointed at. */
export function kantataAccess(sandboxDir: string): { baseUrl: string; token: string } {
  const config = parse(readFileSync(join(sandboxDir, "pslink.yml"), "utf8")) as {
    sources: { kantata: { base_url: string } };
  };
  const env = readFileSync(join(sandboxDir, ".env"), "utf8");
  const token = /^PSLINK_SANDBOX_KANTATA_TOKEN=(.*)$/m.exec(env)?.[1]?.replace(/^"|"$/g, "");
  if (!token) throw new Error("the sandbox .env holds no Kantata token");
  return { baseUrl: config.sources.kantata.base_url, token };
}
