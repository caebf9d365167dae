import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../scripts/ensure-postgres.sh", import.meta.url));

/**
 * Makes sure the PostgreSQL suites have a server: unless PSLINK_TEST_PG_URL is set, runs
 * scripts/ensure-postgres.sh (installs/starts a local cluster) and exports the URL it prints.
 * Test workers are forked after this runs, so they inherit the variable.
 */
export default function setup(): void {
  if (process.env.PSLINK_TEST_PG_URL) return;
  try {
    const output = execFileSync("bash", [SCRIPT], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      timeout: 600_000,
    });
    const url = output.trim().split("\n").at(-1);
    if (url?.startsWith("postgres://")) process.env.PSLINK_TEST_PG_URL = url;
  } catch (error) {
    // Suites that need PostgreSQL fail with their own message; the others still run.
    process.stderr.write(`global-setup: scripts/ensure-postgres.sh failed: ${String(error)}\n`);
  }
}
