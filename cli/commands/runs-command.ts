import type { Command } from "commander";
import { migrate } from "../../warehouse/migrate.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import { configFrom, print } from "../program.js";
import { textTable } from "../text-table.js";

interface RunRow extends Record<string, unknown> {
  run_id: string;
  job: string;
  trigger: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
}

/** `pslink runs`: the run history kept in `pslink.runs` (syncs, builds, scheduled runs, skips). */
export function registerRunsCommand(program: Command): void {
  program
    .command("runs")
    .description("show the run history recorded in the warehouse (pslink.runs)")
    .option("-n, --limit <n>", "how many runs, newest first", "20")
    .option("--job <job>", "only runs of this job (sync, build, schedule:hourly, …)")
    .option("--json", "print the runs as JSON lines")
    .action(async (options: { limit: string; job?: string; json?: boolean }, command: Command) => {
      const config = configFrom(command);
      const warehouse = await openWarehouse(config.warehouse, config.baseDir);
      try {
        await migrate(warehouse);
        const params: unknown[] = [Number.parseInt(options.limit, 10) || 20];
        if (options.job) params.push(options.job);
        const runs = await warehouse.query<RunRow>(
          `select run_id, job, trigger, status, started_at, finished_at, error from pslink.runs
           ${options.job ? "where job = $2" : ""} order by started_at desc limit $1`,
          params,
        );
        if (options.json) {
          for (const run of runs) print(JSON.stringify(run));
          return;
        }
        if (runs.length === 0) {
          print("no runs recorded yet");
          return;
        }
        print(
          textTable(runs, [
            { header: "started (UTC)", value: (r) => r.started_at.toISOString().slice(0, 19) },
            { header: "job", value: (r) => r.job },
            { header: "trigger", value: (r) => r.trigger },
            { header: "status", value: (r) => r.status },
            {
              header: "seconds",
              align: "right",
              value: (r) =>
                r.finished_at
                  ? ((r.finished_at.getTime() - r.started_at.getTime()) / 1000).toFixed(1)
                  : "",
            },
            { header: "run id", value: (r) => r.run_id },
            { header: "error / reason", value: (r) => r.error?.split("\n")[0]?.slice(0, 80) },
          ]),
        );
      } finally {
        await warehouse.close();
      }
    });
}
