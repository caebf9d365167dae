import type { Command } from "commander";
import { checkSyncConfig } from "../../extractors/stream-selection.js";
import { describeStep } from "../../orchestration/jobs/steps.js";
import { configFrom, print } from "../program.js";

/** `pslink config check`: validates a config (and its environment) without running anything. */
export function registerConfigCommand(program: Command): void {
  const config = program
    .command("config")
    .description("validate pslink.yml and show what it sets up");
  config
    .command("check")
    .description("validate the config file and the environment variables it references")
    .action((_options, command: Command) => {
      const loaded = configFrom(command);
      // What a sync would refuse: no sources, stream settings naming no declared stream.
      checkSyncConfig(loaded);
      print(`${loaded.file}: ok`);
      print(
        `  warehouse: ${loaded.warehouse.kind}${loaded.warehouse.kind === "duckdb" ? ` (${loaded.warehouse.path})` : ""}`,
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
      const jobs = Object.entries(loaded.schedules.jobs);
      print(jobs.length === 0 ? "  schedules: none" : "  schedules:");
      for (const [name, job] of jobs) {
        const zone = job.timezone ?? loaded.schedules.timezone;
        const steps = job.steps.map(describeStep).join(" → ");
        print(`    ${name}: "${job.cron}" ${zone}, ${steps}${job.enabled ? "" : " (disabled)"}`);
      }
    });
}
