import { join } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { repoRoot } from "../../bench/repo-root.js";
import { runBench } from "../../bench/run-bench.js";
import type { SandboxSize } from "../../sandbox/world/types.js";
import { print } from "../program.js";

interface BenchCommandOptions {
  size: SandboxSize;
  seed: number;
  warehouse: "duckdb" | "postgres" | "both";
  dlt: boolean;
  build: boolean;
  warmUp: boolean;
  change: number;
  results?: string;
}

/** `pslink bench` (`npm run bench`): measured syncs, dlt comparison and build; see docs/benchmarks.md. */
export function registerBenchCommand(program: Command): void {
  program
    .command("bench")
    .description("benchmark sync, incremental sync, dlt and build against a sandbox process")
    .addOption(
      new Option("--size <size>", "sandbox size")
        .choices(["small", "medium", "large"])
        .default("large"),
    )
    .option("--seed <n>", "sandbox seed", parseWhole, 1)
    .addOption(
      new Option("--warehouse <kind>", "warehouses to sync into")
        .choices(["duckdb", "postgres", "both"])
        .default("both"),
    )
    .option("--no-dlt", "skip the dlt comparison")
    .option("--no-build", "skip the build of models/")
    .option("--no-warm-up", "measure against a cold sandbox (first serialisation included)")
    .option(
      "--change <share>",
      "share of records changed before the incremental run",
      parseShare,
      0.01,
    )
    .option("--results <dir>", "where the results JSON goes (default bench/results)")
    .action(async (options: BenchCommandOptions) => {
      await runBench({
        size: options.size,
        seed: options.seed,
        warehouses: options.warehouse === "both" ? ["duckdb", "postgres"] : [options.warehouse],
        dlt: options.dlt,
        build: options.build,
        warmUp: options.warmUp,
        changeShare: options.change,
        resultsDir: options.results ?? join(repoRoot(), "bench", "results"),
        log: (line) => print(line),
      });
    });
}

function parseWhole(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("write a whole number");
  return Number(value);
}

function parseShare(value: string): number {
  const share = Number(value);
  if (!(share > 0 && share < 1)) throw new InvalidArgumentError("write a share between 0 and 1");
  return share;
}
