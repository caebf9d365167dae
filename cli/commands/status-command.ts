import type { Command } from "commander";
import { CronExpressionParser } from "cron-parser";
import type { PslinkConfig, SourceName } from "../../core/config/index.js";
import { STREAM_CATALOG } from "../../extractors/stream-catalog.js";
import { checkWindow } from "../../reverse-etl/write-window.js";
import { describeWarehouse } from "../../warehouse/describe-warehouse.js";
import { withExistingWarehouse } from "../existing-warehouse.js";
import { INTERRUPTED, withInterrupted } from "../interrupted-runs.js";
import { configFrom, NO_SOURCES, print } from "../program.js";
import { readWarehouseStatus, type WarehouseStatus } from "../warehouse-status.js";

/** `pslink status`: one screen of where things stand, each line naming the command to go on. */
export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description(
      "where things stand: last sync and each source's data, quarantine, open exceptions, write-backs waiting, next schedules",
    )
    .option("--json", "print the state as one JSON object")
    .action(async (options: { json?: boolean }, command: Command) => {
      const config = configFrom(command, NO_SOURCES);
      await withExistingWarehouse(config, async (warehouse) => {
        const status = await readWarehouseStatus(warehouse);
        if (status.lastSync)
          [status.lastSync] = await withInterrupted(warehouse, [status.lastSync]);
        // The streams it was running when it was killed read as it does.
        if (status.lastSync?.status === "interrupted")
          status.streams = status.streams.map((stream) =>
            stream.status === "running" ? { ...stream, status: "interrupted" } : stream,
          );
        if (options.json) {
          print(JSON.stringify(status));
          return;
        }
        for (const line of renderStatus(config, status, new Date())) print(line);
      });
    });
}

const LABEL = 13;
const row = (label: string, text: string) => `${label.padEnd(LABEL)}${text}`;
/** A block of lines under one label: the label on the first, the rest aligned under it. */
const labelled = (label: string, lines: readonly string[]) =>
  lines.map((line, i) => row(i === 0 ? label : "", line));
const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function ago(date: Date, now: Date): string {
  const minutes = Math.round((now.getTime() - date.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

function renderStatus(config: PslinkConfig, status: WarehouseStatus, now: Date): string[] {
  const lines = [
    row("config", config.file),
    row("warehouse", describeWarehouse(config.warehouse, config.baseDir)),
    "",
  ];
  const sync = status.lastSync;
  lines.push(
    row(
      "last sync",
      sync
        ? `${sync.status} ${utc(sync.started_at)} (${ago(sync.started_at, now)}), run ${sync.run_id}${
            sync.status === "interrupted" ? `: ${INTERRUPTED}` : ""
          }`
        : "none yet: pslink sync",
    ),
  );
  lines.push(...sourceLines(config, status, now));
  const quarantined = status.quarantine.reduce((n, q) => n + q.n, 0);
  lines.push(
    row(
      "quarantine",
      quarantined === 0
        ? "no open records"
        : `${quarantined} open record(s): ${status.quarantine.map((q) => `${q.source}.${q.stream} ${q.n}`).join(", ")} (pslink quarantine)`,
    ),
  );
  lines.push(row("exceptions", exceptionSummary(status, now)));
  lines.push(...writeBackLines(config, status, now));
  lines.push(...scheduleLines(config, now));
  return lines;
}

/** Per source: its streams' last outcome and how far its landed data reaches (the oldest cursor). */
function sourceLines(config: PslinkConfig, status: WarehouseStatus, now: Date): string[] {
  const lines: string[] = [];
  for (const source of Object.keys(config.sources) as SourceName[]) {
    // What the data should hold: every stream the config leaves on. One turned off since it
    // last ran keeps its old cursor: it is not what the data lacks.
    const settings: Record<string, { enabled?: boolean }> = config.sources[source]?.streams ?? {};
    const expected = STREAM_CATALOG[source]
      .map((definition) => definition.name)
      .filter((name) => settings[name]?.enabled !== false);
    const streams = status.streams.filter(
      (s) => s.source === source && expected.includes(s.stream),
    );
    if (streams.length === 0) {
      lines.push(`${source.padEnd(11)}never synced`);
      continue;
    }
    const failed = streams.filter((s) => s.status !== "succeeded");
    const never = expected.filter((name) => !streams.some((s) => s.stream === name));
    const through = streams
      .map((s) => s.landed_through)
      .filter((t): t is string => t !== null)
      .sort()[0];
    const reach = through
      ? `, data through ${utc(new Date(through))} (${ago(new Date(through), now)})`
      : "";
    const ok = streams.length - failed.length;
    const counts =
      failed.length === 0 && never.length === 0
        ? `${ok} stream(s) ok`
        : [
            `${ok} of ${expected.length} stream(s) ok`,
            ...(failed.length > 0 ? [`${failed.length} not ok`] : []),
            ...(never.length > 0 ? [`${never.length} never synced`] : []),
          ].join(", ");
    lines.push(`${source.padEnd(11)}${counts}${reach}`);
    for (const stream of failed)
      lines.push(
        `  ${stream.source}.${stream.stream} ${stream.status} ${ago(stream.ran_at, now)}${
          stream.error ? `: ${stream.error.split("\n")[0]?.slice(0, 160)}` : ""
        }`,
      );
    if (never.length > 0)
      lines.push(`  never synced: ${never.join(", ")} (pslink sync --source ${source})`);
  }
  return labelled("sources", lines);
}

function exceptionSummary(status: WarehouseStatus, now: Date): string {
  if (status.exceptions === null) return "not built yet: pslink build";
  const total = status.exceptions.reduce((n, e) => n + e.n, 0);
  const reconciled = status.reconciledAt
    ? `; reconciled ${ago(new Date(status.reconciledAt), now)}`
    : "";
  if (total === 0) return `none open${reconciled}`;
  const oldest = status.exceptions.map((e) => new Date(e.oldest)).sort((a, b) => +a - +b)[0];
  const bySeverity = status.exceptions.map((e) => `${e.severity} ${e.n}`).join(", ");
  return `${total} open (${bySeverity}), oldest first seen ${oldest ? ago(oldest, now) : "?"}${reconciled} (pslink reconcile)`;
}

/** Items waiting for a steward, a window, a retry or a look; each with the command to go on. */
function writeBackLines(config: PslinkConfig, status: WarehouseStatus, now: Date): string[] {
  const count = (wanted: string) =>
    status.writeItems.filter((i) => i.status === wanted).reduce((n, i) => n + i.n, 0);
  const plansWith = (wanted: string) => [
    ...new Set(status.writeItems.filter((i) => i.status === wanted).map((i) => i.plan_id)),
  ];
  const lines: string[] = [];
  const proposed = count("proposed");
  if (proposed > 0) {
    const plans = plansWith("proposed");
    lines.push(
      `${proposed} proposed, awaiting a steward in ${plans.length === 1 ? `plan ${plans[0]} (pslink plan show ${plans[0]})` : `${plans.length} plans (pslink plans)`}`,
    );
  }
  for (const plan of status.heldPlans)
    lines.push(
      `plan ${plan.plan_id} is held (${plan.held_reason ?? "blast radius"}): approving it takes --confirm-blast-radius`,
    );
  const approved = status.writeItems.filter((i) => i.status === "approved");
  for (const target of [...new Set(approved.map((i) => i.target_system))]) {
    const n = approved.filter((i) => i.target_system === target).reduce((sum, i) => sum + i.n, 0);
    const window = config.governance.windows[target as keyof typeof config.governance.windows];
    const check = window ? checkWindow(window, now) : undefined;
    lines.push(
      `${n} approved for ${target}: ${
        check === undefined
          ? "pslink apply writes them"
          : check.open
            ? "its window is open, pslink apply writes them"
            : `its window opens ${utc(check.nextStart)}`
      }`,
    );
  }
  // Where to read them: the plan when they are all in one, else the list of plans.
  const look = (state: string) => {
    const plans = plansWith(state);
    return plans.length === 1
      ? `pslink plan show ${plans[0]} --status ${state}`
      : `pslink plans, then plan show PLAN --status ${state}`;
  };
  for (const [state, what] of [
    ["in_flight", () => "in flight when a process stopped: the next apply recovers them"],
    ["failed", () => `failed (${look("failed")}): the next plan re-plans them`],
    ["stale", () => "stale (the target changed since planning): the next plan re-plans them"],
    [
      "unverified",
      () => `applied, but the target does not show the value after a sync (${look("unverified")})`,
    ],
    [
      "queued",
      () =>
        "queued for a manual adjustment, never posted: dated in a closed accounting period (pslink adjustments)",
    ],
  ] as const) {
    const n = count(state);
    if (n > 0) lines.push(`${n} ${what()}`);
  }
  return labelled("write-backs", lines.length > 0 ? lines : ["nothing waiting"]);
}

function scheduleLines(config: PslinkConfig, now: Date): string[] {
  const jobs = Object.entries(config.schedules.jobs).filter(([, job]) => job.enabled);
  if (jobs.length === 0) return [row("schedules", "none enabled")];
  const lines = jobs.map(([name, job]) => {
    const next = CronExpressionParser.parse(job.cron, {
      currentDate: now,
      tz: job.timezone ?? config.schedules.timezone,
    })
      .next()
      .toDate();
    return `${name} next ${utc(next)} (pslink schedule runs them)`;
  });
  return labelled("schedules", lines);
}
