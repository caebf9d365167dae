import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import { repoRoot } from "./repo-root.js";

/** A fresh PostgreSQL database for one benchmark run, dropped afterwards. */
export interface BenchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates `pslink_bench_<random>` on the server of `PSLINK_TEST_PG_URL` (or ensure-postgres.sh's). */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const serverUrl = process.env.PSLINK_TEST_PG_URL ?? ensurePostgres();
  const name = `pslink_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // Best effort: a database left behind is only disk space, never worth failing the results for.
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      try {
        await client.connect();
        await client.query(`drop database if exists ${name}`);
      } catch (error) {
        process.stderr.write(`bench: could not drop ${name}: ${String(error)}\n`);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

function ensurePostgres(): string {
  const output = execFileSync("bash", [join(repoRoot(), "scripts", "ensure-postgres.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = output.trim().split("\n").at(-1) ?? "";
  if (!url.startsWith("postgres")) throw new Error("scripts/ensure-postgres.sh printed no URL");
  return url;
}
