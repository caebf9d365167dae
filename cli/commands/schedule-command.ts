import { randomUUID } from "node:crypto";
import { type Command, Option } from "commander";
import { configError } from "../../core/errors.js";
import { logger } from "../../core/logger.js";
import { createStepRunner } from "../../orchestration/jobs/run-step.js";
import { checkStepSelects } from "../../orchestration/jobs/step-selects.js";
import { describeStep } from "../../orchestration/jobs/steps.js";
import { describeSkip, skippedDays } from "../../orchestration/scheduler/dst-skips.js";
import { warehouseRunHistory } from "../../orchestration/scheduler/run-history.js";
import { Scheduler, type StepContext } from "../../orchestration/scheduler/scheduler.js";
import { warehouseRunLock } from "../../orchestration/scheduler/warehouse-run-lock.js";
import { defaultProjectDir } from "../../transform/project/default-project-dir.js";
import { migrate } from "../../warehouse/migrate.js";
import { openExistingWarehouse, openWarehouse } from "../../warehouse/open-warehouse.js";
import { EXIT } from "../exit-codes.js";
import { configFrom, print } from "../program.js";
import { textTable } from "../text-table.js";
import { type SyncProgress, syncProgress } from "./sync-progress.js";

interface ScheduleOptions {
  list?: boolean;
  once?: string;
  projectDir?: string;
}

/**
 * `pslink schedule`: runs the configured schedules in this process (one warehouse instance, one
 * run at a time) until SIGTERM/SIGINT, which lets the current run stop at its next safe point.
 */
export function registerScheduleCommand(program: Command): void {
  program
    .command("schedule")
    .description(
      "run the schedules in pslink.yml (hourly sync + build, nightly reconciliation + plan, apply windows)",
    )
    .addOption(
      // --once would run the job (an apply writes to the targets) where --list meant only to look.
      new Option("--list", "print the schedules and their next run times, then exit").conflicts(
        "once",
      ),
    )
    .option("--once <name>", "run one schedule now, once, and exit with its outcome")
    .option("--project-dir <dir>", "the dbt project to build (default: pslink's models/)")
    .action(async (options: ScheduleOptions, command: Command) => {
      const config = configFrom(command);
      const names = Object.keys(config.schedules.jobs);
      if (options.once && !names.includes(options.once)) {
        throw configError(`no schedule named "${options.once}"`, {
          hint: `choose one of: ${names.join(", ")}`,
        });
      }
      await checkStepSelects(config, options.projectDir ?? defaultProjectDir());
      // Only a sync brings a warehouse into being: jobs that never sync need one already.
      const jobs = options.once
        ? [config.schedules.jobs[options.once]]
        : Object.values(config.schedules.jobs);
      const syncs = jobs.some((job) => job?.steps.some((step) => step.kind === "sync"));
      const warehouse = await (syncs ? openWarehouse : openExistingWarehouse)(
        config.warehouse,
        config.baseDir,
      );
      await migrate(warehouse);
      // Each run's sync lines carry its run_id and schedule, as the scheduler's own lines do.
      const progressOf = new Map<string, SyncProgress>();
      const progressFor = (context: StepContext) => {
        let progress = progressOf.get(context.runId);
        if (!progress) {
          progress = syncProgress(
            logger.child({
              component: "scheduler",
              run_id: context.runId,
              schedule: context.trigger.replace(/^schedule:/, ""),
            }),
          );
          progressOf.set(context.runId, progress);
        }
        return progress;
      };
      const schedulerLog = logger.child({ component: "scheduler" });
      const scheduler = new Scheduler({
        schedules: config.schedules,
        runStep: createStepRunner({
          config,
          warehouse,
          projectDir: options.projectDir,
          onSyncEvent: (event, context) => progressFor(context).onEvent(event),
          onSyncFinished: (summary, context) => {
            progressFor(context).finished(summary);
            progressOf.delete(context.runId);
          },
        }),
        history: warehouseRunHistory(warehouse),
        acquireLock: warehouseRunLock(warehouse, schedulerLog),
        logger: schedulerLog,
        newRunId: randomUUID,
      });
      let markStopped = () => {};
      const stopped = new Promise<void>((resolve) => {
        markStopped = resolve;
      });
      const shutdown = (signal: NodeJS.Signals) => {
        logger.info({ signal }, "shutting down: the current run stops at its next safe point");
        void scheduler.stop().finally(markStopped);
      };
      process.once("SIGTERM", shutdown);
      process.once("SIGINT", shutdown);
      try {
        if (options.once) {
          const outcome = await scheduler.trigger(options.once);
          print(
            `${options.once}: ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ""} run ${outcome.runId}`,
          );
          // Skipped: another run holds the warehouse, as a DuckDB file held elsewhere exits 3.
          if (outcome.status === "skipped") process.exitCode = EXIT.locked;
          else if (outcome.status !== "succeeded") process.exitCode = 1;
          return;
        }
        printSchedules(config.schedules, scheduler.start());
        if (options.list) {
          await scheduler.stop();
          return;
        }
        await stopped;
      } finally {
        process.off("SIGTERM", shutdown);
        process.off("SIGINT", shutdown);
        for (const progress of progressOf.values()) progress.stop();
        await warehouse.close();
      }
    });
}

function printSchedules(
  schedules: ReturnType<typeof configFrom>["schedules"],
  started: readonly { name: string; next: Date | null }[],
): void {
  const rows = started.map(({ name, next }) => {
    const job = schedules.jobs[name];
    return {
      name,
      cron: job?.cron ?? "",
      timezone: job?.timezone ?? schedules.timezone,
      steps: job?.steps.map(describeStep).join(" → ") ?? "",
      next: next?.toISOString() ?? "",
    };
  });
  print(
    textTable(rows, [
      { header: "schedule", value: (r) => r.name },
      { header: "cron", value: (r) => r.cron },
      { header: "time zone", value: (r) => r.timezone },
      { header: "steps", value: (r) => r.steps },
      { header: "next run (UTC)", value: (r) => r.next },
    ]),
  );
  // Days a schedule has no run: its times fall where the clocks go forward.
  for (const row of rows)
    for (const skip of skippedDays(row.cron, row.timezone, new Date()))
      print(`${row.name}: ${describeSkip(row.timezone, skip)}`);
}
