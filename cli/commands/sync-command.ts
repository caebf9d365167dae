import type { Command } from "commander";
import { configError, describeError } from "../../core/errors.js";
import { logger } from "../../core/logger.js";
import type { StreamRunResult } from "../../extractors/engine/sync-events.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { reportSyncToPipes } from "../../orchestration/events/sync-job-events.js";
import { addPipesOption, withPipes } from "../../orchestration/pipes/pipes-command.js";
import { configFrom, print } from "../program.js";
import { textTable } from "../text-table.js";
import { syncProgress } from "./sync-progress.js";

interface SyncCommandOptions {
  source?: string[];
  stream?: string[];
  fullRefresh?: boolean;
  batchRows?: string;
  pipes?: boolean;
  listAssets?: boolean;
}

/** `pslink sync`: incremental extract and load of the configured sources. */
export function registerSyncCommand(program: Command): void {
  addPipesOption(program.command("sync"))
    .description("extract the configured sources incrementally into the warehouse")
    .option(
      "-s, --source <system...>",
      "only these systems (salesforce, netsuite, kantata, workday)",
    )
    .option("-t, --stream <name...>", "only these streams (name or system.name)")
    .option("--full-refresh", "re-read every stream whole and run the delete scans")
    .option("--batch-rows <n>", "records per committed batch (one transaction each)")
    .option("--list-assets", "print the tables sync writes and their checks as JSON, and exit")
    .action(async (options: SyncCommandOptions, command: Command) => {
      if (options.listAssets) {
        // The catalog reads the models' names: loaded only when asked for.
        const { syncAssetCatalog } = await import("../../orchestration/events/asset-catalog.js");
        return print(JSON.stringify({ assets: syncAssetCatalog(configFrom(command).sources) }));
      }
      const progress = syncProgress(logger.child({ job: "sync" }), process.stderr.isTTY === true);
      // The first SIGINT/SIGTERM stops the run at each stream's next page (what is committed
      // stays); a second one ends the process at once.
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => stop.abort(new Error(`${signal} received`));
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      let summary: Awaited<ReturnType<typeof syncSources>>;
      try {
        summary = await withPipes(
          async ({ emit, session }) => {
            // Loaded inside the Pipes session, so Dagster also shows a config error.
            const config = configFrom(command);
            const run = await syncSources(config, {
              sources: options.source,
              streams: options.stream,
              fullRefresh: options.fullRefresh ?? false,
              batchRows:
                options.batchRows === undefined ? undefined : positiveInt(options.batchRows),
              onEvent: progress.onEvent,
              trigger: session ? "dagster" : "cli",
              signal: stop.signal,
            });
            // Under Dagster: one materialization per table written, the checks, and failed streams as the error.
            if (session) await reportSyncToPipes(config, run, emit, session.extras);
            return run;
          },
          { pipes: options.pipes === true },
        );
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        progress.stop();
      }
      printSummary(summary.streams);
      for (const [status, verb] of [
        ["failed", "failed"],
        ["cancelled", "stopped"],
      ] as const) {
        const streams = summary.streams.filter((stream) => stream.status === status);
        if (streams.length === 0) continue;
        print();
        print(`${streams.length} stream(s) ${verb} (run ${summary.runId}):`);
        for (const stream of streams)
          print(
            `  ${stream.system}.${stream.stream}: ${describeError(stream.error).replace(/\n/g, "\n    ")}`,
          );
      }
      if (summary.status !== "succeeded") process.exitCode = 1;
    });
}

function positiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw configError(`--batch-rows must be a positive integer, got "${text}"`);
  return value;
}

/** The run summary per stream; `cursor` is where the next run starts (before its lookback). */
function printSummary(streams: readonly StreamRunResult[]): void {
  const right = "right" as const;
  print(
    textTable(streams, [
      { header: "stream", value: (s) => `${s.system}.${s.stream}` },
      { header: "mode", value: (s) => s.mode },
      { header: "new", value: (s) => s.newRows, align: right },
      { header: "changed", value: (s) => s.changedRows, align: right },
      { header: "deleted", value: (s) => s.deletedRows, align: right },
      { header: "quarantined", value: (s) => s.quarantinedRows, align: right },
      { header: "pages", value: (s) => s.pages, align: right },
      { header: "requests", value: (s) => s.requests, align: right },
      { header: "seconds", value: (s) => (s.durationMs / 1000).toFixed(1), align: right },
      {
        header: "cursor",
        value: (s) => (s.cursorAfter === null ? "-" : new Date(s.cursorAfter).toISOString()),
      },
      { header: "status", value: (s) => s.status },
    ]),
  );
}
