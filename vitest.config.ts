import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Test files run two at a time even on two cores (vitest's default there is one): most of a
 * file's time is spent waiting on the sandbox, PostgreSQL, dbt or Dagster rather than computing.
 * On the 2-core machine the suite took 382 and 386 s this way against ~700 s one at a time.
 */
const workers = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/setup/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    maxWorkers: workers,
    minWorkers: workers,
    reporters: ["default"],
  },
});
