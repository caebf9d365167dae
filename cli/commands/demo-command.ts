import type { Command } from "commander";
import { configError } from "../../core/errors.js";
import { logger } from "../../core/logger.js";
import { runDemo } from "../../orchestration/demo/run-demo.js";
import { print } from "../program.js";
import { syncProgress } from "./sync-progress.js";

const SIZES = ["small", "medium", "large"] as const;
/** Write-backs a steward can approve without reading them one by one in a demo. */
const SAFE_RULES = ["R01", "R09", "R10"];

/** `pslink demo`: the whole loop against the sandbox, into an embedded DuckDB file. */
export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description(
      "run the end-to-end demo: sandbox → sync → build → reconcile → plan → approve → apply → sync → resolved",
    )
    .option(
      "--dir <dir>",
      "where the demo's config and DuckDB file go (started afresh; a folder holding other files is refused)",
      ".pslink/demo",
    )
    .option("--size <size>", "sandbox size: small, medium or large", "medium")
    .option("--seed <n>", "sandbox seed", "42")
    .action(async (options: { dir: string; size: string; seed: string }) => {
      const size = SIZES.find((s) => s === options.size);
      if (!size)
        throw configError(`--size must be one of ${SIZES.join(", ")}, not "${options.size}"`);
      // Number(), not parseInt: "12abc" is refused rather than read as 12.
      const seed = /^\d+$/.test(options.seed.trim()) ? Number(options.seed) : Number.NaN;
      if (!Number.isSafeInteger(seed))
        throw configError(`--seed must be a whole number, not "${options.seed}"`);
      const progress = syncProgress(
        logger.child({ job: "demo" }),
        process.stderr.isTTY ? process.stderr : undefined,
      );
      try {
        const result = await runDemo({
          dir: options.dir,
          size,
          seed,
          approveRules: SAFE_RULES,
          print,
          onSyncEvent: (event) => progress.onEvent(event),
        });
        print();
        print(
          `demo finished in ${(result.durationMs / 1000).toFixed(1)}s: ${result.applied} write-backs applied, ${result.resolved} exceptions resolved, ${result.openAfter} still open for a steward`,
        );
      } finally {
        progress.stop();
      }
    });
}
