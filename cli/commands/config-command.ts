import type { Command } from "commander";
import type { PslinkConfig } from "../../core/config/index.js";
import { formatDuration } from "../../core/config/primitives.js";
import { describeError } from "../../core/errors.js";
import {
  PROBE_MAX_ATTEMPTS,
  PROBE_WINDOW_MS,
  probeSources,
} from "../../extractors/probe-sources.js";
import { checkSyncConfig } from "../../extractors/stream-selection.js";
import { checkStepSelects } from "../../orchestration/jobs/step-selects.js";
import { describeStep } from "../../orchestration/jobs/steps.js";
import { describeSkip, skippedDays } from "../../orchestration/scheduler/dst-skips.js";
import { defaultProjectDir } from "../../transform/project/default-project-dir.js";
import { describeWarehouse } from "../../warehouse/describe-warehouse.js";
import { probeWarehouse } from "../../warehouse/probe-warehouse.js";
import { configFrom, print } from "../program.js";

/** `pslink config check`: validates a config (and its environment) without running anything. */
export function registerConfigCommand(program: Command): void {
  const config = program
    .command("config")
    .description("validate pslink.yml and show what it sets up");
  config
    .command("check")
    .description(
      "validate the config file and the environment variables it references; show the warehouse, sources, stewards, write windows and schedules",
    )
    .option(
      "--connect",
      "also open the warehouse and sign in to each source, reading one page of its first stream",
    )
    .action(async (options: { connect?: boolean }, command: Command) => {
      const loaded = configFrom(command);
      // What a sync would refuse: no sources, stream settings naming no declared stream.
      checkSyncConfig(loaded);
      // What the scheduler would refuse at start: a step's select that chooses nothing.
      await checkStepSelects(loaded, defaultProjectDir());
      print(`${loaded.file}: ok`);
      print(
        // A PostgreSQL URL that does not parse is reported here, as a sync would.
        `  warehouse: ${describeWarehouse(loaded.warehouse, loaded.baseDir)}`,
      );
      print(`  sources:   ${Object.keys(loaded.sources).join(", ")}`);
      const { stewards } = loaded.governance;
      print(
        `  stewards:  ${
          stewards.length > 0
            ? stewards.map((s) => `${s.name} (${s.domains.join(", ") || "no domain"})`).join("; ")
            : "none: no write-back can be approved until governance.stewards names someone"
        }`,
      );
      // When each target may be written: `apply` waits for these (as `pslink apply` says them).
      print("  windows:");
      const targets = Object.entries(loaded.governance.windows);
      const width = Math.max(...targets.map(([target]) => target.length)) + 1;
      for (const [target, window] of targets)
        print(
          `    ${`${target}:`.padEnd(width)} "${window.start}" ${window.timezone} for ${formatDuration(window.duration)}`,
        );
      const jobs = Object.entries(loaded.schedules.jobs);
      print(jobs.length === 0 ? "  schedules: none" : "  schedules:");
      for (const [name, job] of jobs) {
        const zone = job.timezone ?? loaded.schedules.timezone;
        const steps = job.steps.map(describeStep).join(" → ");
        print(`    ${name}: "${job.cron}" ${zone}, ${steps}${job.enabled ? "" : " (disabled)"}`);
        if (job.enabled)
          for (const skip of skippedDays(job.cron, zone, new Date()))
            print(`      ${describeSkip(zone, skip)}`);
      }
      if (options.connect && !(await connections(loaded))) process.exitCode = 1;
    });
}

/**
 * `--connect`: the warehouse opened and each source signed in to and read from (one page of its
 * first enabled stream, records modified in the last hour), side by side; true when all answered.
 */
async function connections(config: PslinkConfig): Promise<boolean> {
  const line = (label: string, ok: boolean, text: string) =>
    print(
      `    ${label.padEnd(10)} ${(ok ? "ok" : "FAILED").padEnd(6)} ${text.replace(/\n/g, "\n      ")}`,
    );
  print(
    `  connections (at most ${PROBE_MAX_ATTEMPTS} attempts per source, each line as it answers):`,
  );
  const within = PROBE_WINDOW_MS === 3_600_000 ? "hour" : `${PROBE_WINDOW_MS / 3_600_000} hours`;
  // Each line as soon as it is known: a source that does not answer holds up only its own.
  const [warehouse, sources] = await Promise.all([
    probeWarehouse(config.warehouse, config.baseDir).then((probe) => {
      line(
        "warehouse",
        probe.ok,
        probe.ok ? probe.description : `${probe.description}: ${describeError(probe.error)}`,
      );
      if (probe.warning) print(`      warning: ${probe.warning}`);
      return probe;
    }),
    probeSources(config, {
      onProbe: (probe) => {
        const read = `${probe.system}.${probe.stream}, ${probe.requests} request(s) in ${(probe.durationMs / 1000).toFixed(1)}s`;
        line(
          probe.system,
          probe.ok,
          probe.ok
            ? `${read}: ${probe.records} record(s) modified in the last ${within}`
            : `${read}: ${describeError(probe.error)}`,
        );
      },
    }),
  ]);
  return warehouse.ok && sources.every((probe) => probe.ok);
}
