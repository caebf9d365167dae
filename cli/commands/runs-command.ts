import type { Command } from "commander";
import { configError } from "../../core/errors.js";
import { parseJson } from "../../warehouse/json-value.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { withExistingWarehouse } from "../existing-warehouse.js";
import { INTERRUPTED, withInterrupted } from "../interrupted-runs.js";
import { configFrom, NO_SOURCES, print } from "../program.js";
import { type StreamResultRow, streamResultsTable } from "../stream-results-table.js";
import { textTable } from "../text-table.js";

interface RunRow extends Record<string, unknown> {
  run_id: string;
  job: string;
  trigger: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
  /** JSON (text on DuckDB, an object on PostgreSQL). */
  summary?: unknown;
}

interface RunStreamRow extends Record<string, unknown> {
  source: string;
  stream: string;
  status: string;
  /** Null in rows recorded before pslink kept it. */
  mode: string | null;
  new_rows: number | bigint;
  changed_rows: number | bigint;
  deleted_rows: number | bigint;
  quarantined_rows: number | bigint;
  pages: number | bigint;
  requests: number | bigint;
  duration_ms: number | bigint | null;
  cursor_after: unknown;
  error: string | null;
}

/** `pslink runs`: the run history kept in `pslink.runs` (syncs, builds, scheduled runs, skips). */
export function registerRunsCommand(program: Command): void {
  const runs = program
    .command("runs")
    .description("show the run history recorded in the warehouse (pslink.runs)")
    .option("-n, --limit <n>", "how many runs, newest first", "20")
    .option("--job <job>", "only runs of this job (sync, schedule:hourly, …)")
    .option("--json", "print the runs as JSON lines")
    .action(async (options: { limit: string; job?: string; json?: boolean }, command: Command) => {
      const limit = positiveLimit(options.limit);
      await withExistingWarehouse(configFrom(command, NO_SOURCES), (warehouse) =>
        listRuns(warehouse, limit, options),
      );
    });
  runs
    .command("show <run_id>")
    .description(
      "show one run's streams (pslink.run_streams): counts, pages, cursor, errors (a unique prefix of the id will do)",
    )
    .option("--json", "print the run and its streams as one JSON object")
    .action(async (runId: string, options: { json?: boolean }, command: Command) => {
      await withExistingWarehouse(configFrom(command, NO_SOURCES), (warehouse) =>
        // `runs` has a --json of its own, which takes the flag when it comes after the id.
        showRun(warehouse, runId, options.json === true || command.parent?.opts().json === true),
      );
    });
}

function positiveLimit(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1)
    throw configError(`--limit must be a whole number of runs, 1 or more; got "${text}"`);
  return Number(text);
}

async function listRuns(
  warehouse: Warehouse,
  limit: number,
  options: { job?: string; json?: boolean },
): Promise<void> {
  const params: unknown[] = [limit];
  if (options.job) params.push(options.job);
  const runs = await withInterrupted(
    warehouse,
    await warehouse.query<RunRow>(
      `select run_id, job, trigger, status, started_at, finished_at, error from pslink.runs
       ${options.job ? "where job = $2" : ""} order by started_at desc limit $1`,
      params,
    ),
  );
  if (options.json) {
    for (const run of runs) print(JSON.stringify(run));
    return;
  }
  if (runs.length === 0) {
    const jobs = await warehouse.query<{ job: string }>(
      "select distinct job from pslink.runs order by job",
    );
    if (jobs.length === 0) print("no runs recorded yet");
    else
      print(`no runs of job "${options.job}"; jobs recorded: ${jobs.map((j) => j.job).join(", ")}`);
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
      {
        header: "error / reason",
        value: (r) =>
          (r.status === "interrupted" ? INTERRUPTED : r.error)?.split("\n")[0]?.slice(0, 80),
      },
    ]),
  );
}

/** The run with this id, or the one run whose id starts with it (`quarantine` shows 8 characters). */
async function findRun(warehouse: Warehouse, id: string): Promise<RunRow> {
  const columns = "run_id, job, trigger, status, started_at, finished_at, error, summary";
  const [exact] = await warehouse.query<RunRow>(
    `select ${columns} from pslink.runs where run_id = $1`,
    [id],
  );
  if (exact) return exact;
  const prefixed =
    id.length >= 4
      ? await warehouse.query<RunRow>(
          `select ${columns} from pslink.runs where starts_with(run_id, $1) order by started_at desc limit 6`,
          [id],
        )
      : [];
  if (prefixed.length === 1) return prefixed[0] as RunRow;
  if (prefixed.length > 1) {
    throw configError(
      `${id} is the start of several run ids: ${prefixed.map((r) => r.run_id).join(", ")}`,
      {
        hint: "give more of the id",
      },
    );
  }
  throw configError(`no run ${id} in pslink.runs`, {
    hint:
      id.length < 4
        ? `a run id's start needs at least 4 characters (${id} has ${id.length}): give more of it, as \`pslink runs\` lists it`
        : "copy a run id from `pslink runs`",
  });
}

async function showRun(warehouse: Warehouse, runId: string, json: boolean): Promise<void> {
  const [run] = await withInterrupted(warehouse, [await findRun(warehouse, runId)]);
  if (!run) return;
  const streams = await warehouse.query<RunStreamRow>(
    `select source, stream, status, mode, new_rows, changed_rows, deleted_rows, quarantined_rows, pages,
       requests, duration_ms, cursor_after, error
     from pslink.run_streams where run_id = $1 order by source, stream`,
    [run.run_id],
  );
  if (json) {
    print(
      JSON.stringify({
        ...run,
        summary: parseJson(run.summary),
        streams: streams.map((row) => ({ ...row, cursor_after: cursorOf(row.cursor_after) })),
      }),
    );
    return;
  }
  print(
    `run ${run.run_id}: ${run.job} (${run.trigger}) ${run.status}, started ${run.started_at.toISOString().slice(0, 19)} UTC`,
  );
  const reason = run.status === "interrupted" ? INTERRUPTED : run.error;
  if (reason) print(`  ${reason.split("\n")[0]}`);
  print();
  if (streams.length > 0) {
    print(streamResultsTable(streams.map(resultFromRow), { errors: true }));
    // The table cuts errors to a line; here each is whole, with its fix.
    const failed = streams.filter((s) => s.error);
    if (failed.length > 0) print();
    for (const stream of failed)
      print(`${stream.source}.${stream.stream}: ${String(stream.error).replaceAll("\n", "\n  ")}`);
    const quarantining = streams.filter((s) => Number(s.quarantined_rows) > 0);
    if (quarantining.length > 0) {
      const n = quarantining.reduce((sum, s) => sum + Number(s.quarantined_rows), 0);
      const names = quarantining.map((s) => `${s.source}.${s.stream}`).join(",");
      print();
      print(`${n} record(s) quarantined: pslink quarantine --stream ${names} lists them`);
    }
    return;
  }
  const summary = parseJson(run.summary);
  const steps = Array.isArray(summary?.steps) ? (summary.steps as Record<string, unknown>[]) : [];
  if (steps.length > 0) {
    // A scheduled run: its steps in order, each with what it reported.
    print(
      textTable(steps, [
        { header: "step", value: (step) => String(step.step) },
        {
          header: "seconds",
          value: (step) =>
            typeof step.duration_ms === "number" ? (step.duration_ms / 1000).toFixed(1) : "",
          align: "right",
        },
        {
          header: "result",
          value: (step) =>
            [
              describeFields(step, ["step", "duration_ms", "run_id"]),
              typeof step.run_id === "string" ? `(pslink runs show ${step.run_id})` : "",
            ]
              .filter(Boolean)
              .join(" "),
        },
      ]),
    );
    return;
  }
  print(isFilledRecord(summary) ? describeFields(summary, []) : "no streams recorded for this run");
}

/**
 * A summary's fields as `name value` pairs, a nested object's as `name: a 1, b 2`; nothing
 * (null, an empty object) as `-`.
 */
function describeFields(fields: Record<string, unknown>, leaveOut: readonly string[]): string {
  return Object.entries(fields)
    .filter(([name]) => !leaveOut.includes(name))
    .map(([name, value]) =>
      isFilledRecord(value)
        ? `${name}: ${Object.entries(value)
            .map(([key, inner]) => `${key} ${shown(inner)}`)
            .join(", ")}`
        : `${name} ${shown(value)}`,
    )
    .join("; ");
}

function shown(value: unknown): string {
  if (value === null || value === undefined || isEmptyRecord(value)) return "-";
  return typeof value === "string" ? value : JSON.stringify(value);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);
const isFilledRecord = (value: unknown): value is Record<string, unknown> =>
  isRecord(value) && Object.keys(value).length > 0;
const isEmptyRecord = (value: unknown) => isRecord(value) && Object.keys(value).length === 0;

function resultFromRow(row: RunStreamRow): StreamResultRow {
  return {
    stream: `${row.source}.${row.stream}`,
    mode: row.mode ?? "-",
    newRows: Number(row.new_rows),
    changedRows: Number(row.changed_rows),
    deletedRows: Number(row.deleted_rows),
    quarantinedRows: Number(row.quarantined_rows),
    pages: Number(row.pages),
    requests: Number(row.requests),
    durationMs: Number(row.duration_ms ?? 0),
    cursor: cursorOf(row.cursor_after),
    status: row.status,
    error: row.error,
  };
}

/** `cursor_after` as written by the run recorder: `{"modified_before": "<ISO>"}` (JSON or text). */
function cursorOf(value: unknown): string | null {
  const cursor = parseJson(value)?.modified_before;
  return typeof cursor === "string" ? cursor : null;
}
