import { randomUUID } from "node:crypto";
import type { Command } from "commander";
import type { ConfigScope } from "../../core/config/index.js";
import { configError, describeError } from "../../core/errors.js";
import { logger } from "../../core/logger.js";
import { stopReason } from "../../extractors/engine/stream-runner.js";
import { syncSources, unrecordedText } from "../../extractors/sync-sources.js";
import { reportSyncToPipes } from "../../orchestration/events/sync-job-events.js";
import { addPipesOption, withPipes } from "../../orchestration/pipes/pipes-command.js";
import { splitList } from "../list-option.js";
import { configFrom, print } from "../program.js";
import { resultRow, streamResultsTable } from "../stream-results-table.js";
import { type SyncProgress, syncProgress } from "./sync-progress.js";

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
      "only these systems (salesforce, netsuite, kantata, workday; repeat or separate with commas)",
    )
    .option("-t, --stream <name...>", "only these streams (name or system.name; commas as well)")
    .option("--full-refresh", "re-read every stream whole and run the delete scans")
    .option("--batch-rows <n>", "records per committed batch (one transaction each)")
    .option("--list-assets", "print the tables sync writes and their checks as JSON, and exit")
    .action(async (options: SyncCommandOptions, command: Command) => {
      if (options.listAssets) {
        // The catalog reads the models' names: loaded only when asked for.
        const { syncAssetCatalog } = await import("../../orchestration/events/asset-catalog.js");
        return print(JSON.stringify({ assets: syncAssetCatalog(configFrom(command).sources) }));
      }
      const runId = randomUUID();
      const progress = syncProgress(
        logger.child({ job: "sync", run_id: runId }),
        process.stderr.isTTY ? process.stderr : undefined,
      );
      const stop = stopOnSignals(progress);
      let summary: Awaited<ReturnType<typeof syncSources>>;
      try {
        summary = await withPipes(
          async ({ emit, session }) => {
            // Loaded inside the Pipes session, so Dagster also shows a config error.
            const config = configFrom(command, syncScope(options));
            const run = await syncSources(config, {
              runId,
              sources:
                options.source && splitList(options.source, "--source").map((n) => n.toLowerCase()),
              streams: options.stream && splitList(options.stream, "--stream"),
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
        stop.dispose();
        progress.stop();
      }
      progress.finished(summary);
      print(streamResultsTable(summary.streams.map(resultRow)));
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
      const quarantined = summary.streams.reduce((n, stream) => n + stream.quarantinedRows, 0);
      const drifted = summary.streams.filter((stream) => stream.driftFields.length > 0);
      if (quarantined > 0 || drifted.length > 0) {
        const found = [
          quarantined > 0 ? `${quarantined} record(s) quarantined` : "",
          drifted.length > 0
            ? `schema drift in ${drifted.map((s) => `${s.system}.${s.stream}`).join(", ")}`
            : "",
        ].filter(Boolean);
        print();
        print(`${found.join("; ")}: \`pslink quarantine\` lists them with the reason`);
      }
      if (summary.notStarted > 0) {
        print();
        print(
          `${summary.notStarted} stream(s) not started (run ${summary.runId}, ${stopReason(stop.signal)}): the next sync reads them`,
        );
      }
      if (summary.unrecorded !== undefined) {
        print();
        print(`run ${summary.runId}: ${unrecordedText(summary.unrecorded)}`);
      }
      if (summary.status !== "succeeded") process.exitCode = 1;
    });
}

/**
 * The first SIGINT/SIGTERM stops the run at each stream's next page (what is committed stays);
 * a second one ends the process at once (cursor restored). The handler stays registered for
 * both: the live display's cursor restorer (log-update → cli-cursor → restore-cursor →
 * signal-exit) re-raises a signal when it finds itself the only listener left, so a `once`
 * handler let the first Ctrl-C on a terminal kill the run before it could record its end.
 */
function stopOnSignals(progress: SyncProgress): { signal: AbortSignal; dispose(): void } {
  const stop = new AbortController();
  const dispose = () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) return stop.abort(new Error(`${signal} received`));
    dispose();
    progress.stop();
    process.kill(process.pid, signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return { signal: stop.signal, dispose };
}

function positiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw configError(`--batch-rows must be a positive integer, got "${text}"`);
  return value;
}

/**
 * The systems a sync calls: those of `--source`, or of `--stream` when each names its system
 * (`kantata.time_entries`); a stream named alone may be any system's.
 */
function syncScope(options: SyncCommandOptions): ConfigScope {
  const lower = (names: readonly string[]) => names.map((name) => name.toLowerCase());
  if (options.source) return { sources: lower(splitList(options.source, "--source")) };
  const streams = options.stream && splitList(options.stream, "--stream");
  if (!streams?.every((stream) => stream.includes("."))) return {};
  return { sources: [...new Set(lower(streams.map((stream) => stream.split(".")[0] ?? "")))] };
}
