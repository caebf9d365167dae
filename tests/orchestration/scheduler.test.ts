import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/index.js";
import { createLogger } from "../../core/logger.js";
import { RUN_LOCK_NAME } from "../../extractors/sync-sources.js";
import { createStepRunner } from "../../orchestration/jobs/run-step.js";
import { warehouseRunHistory } from "../../orchestration/scheduler/run-history.js";
import { Scheduler } from "../../orchestration/scheduler/scheduler.js";
import { migrate } from "../../warehouse/migrate.js";
import { createSourceData, DBT_MINI_DIR } from "../transform/dbt-mini-data.js";
import { transformWarehouseCases } from "../transform/transform-warehouses.js";

/** Schedules as a user writes them; the steps run the real build job on the dbt fixture. */
function configWith(schedules: string) {
  return parseConfig(`version: 1\nschedules:\n${schedules}`, {
    file: "pslink.yml",
    baseDir: "/tmp",
    env: {},
  });
}

const TWO_BUILDS = `
  timezone: UTC
  jobs:
    first: { cron: "0 3 * * *", steps: [build] }
    second: { cron: "0 4 * * *", steps: [build, test] }
`;

interface RunRow extends Record<string, unknown> {
  run_id: string;
  job: string;
  status: string;
  error: string | null;
}

describe.each(transformWarehouseCases())("scheduler on $kind", ({ fresh }) => {
  async function schedulerFor(schedules: string) {
    const { warehouse } = await fresh();
    await migrate(warehouse);
    await createSourceData(warehouse);
    const config = configWith(schedules);
    const scheduler = new Scheduler({
      schedules: config.schedules,
      runStep: createStepRunner({ config, warehouse, projectDir: DBT_MINI_DIR }),
      history: warehouseRunHistory(warehouse),
      acquireLock: (holder) => warehouse.acquireLock(RUN_LOCK_NAME, holder),
      logger: createLogger({ test: "scheduler" }),
      newRunId: randomUUID,
    });
    const runs = () =>
      warehouse.query<RunRow>(
        "select run_id, job, status, error from pslink.runs order by started_at, job",
      );
    return { warehouse, scheduler, runs };
  }

  it("queues another schedule's trigger behind the run under way, and skips a schedule already running or waiting", async () => {
    const { scheduler, runs } = await schedulerFor(TWO_BUILDS);
    const first = scheduler.trigger("first");
    const second = scheduler.trigger("second");
    await sleep(20); // the first run has started
    const firstAgain = await scheduler.trigger("first");
    const secondAgain = await scheduler.trigger("second");
    const [firstOutcome, secondOutcome] = await Promise.all([first, second]);

    expect(firstOutcome.status).toBe("succeeded");
    expect(secondOutcome.status).toBe("succeeded");
    expect(firstAgain).toMatchObject({
      status: "skipped",
      reason: `run ${firstOutcome.runId} (first) is still running`,
    });
    expect(secondAgain).toMatchObject({
      status: "skipped",
      reason: `run ${secondOutcome.runId} (second) is waiting to run`,
    });
    const rows = await runs();
    expect(rows.filter((row) => row.status !== "skipped").map((row) => row.job)).toEqual([
      "schedule:first",
      "schedule:second",
    ]);
    expect(rows.filter((row) => row.status === "skipped")).toHaveLength(2);

    const later = await scheduler.trigger("second");
    expect(later.status).toBe("succeeded");
  });

  it("skips a trigger while another process holds the warehouse run lock, naming the holder", async () => {
    const { warehouse, scheduler, runs } = await schedulerFor(TWO_BUILDS);
    const held = await warehouse.acquireLock(RUN_LOCK_NAME, "pslink sync (a CLI run elsewhere)");
    try {
      const outcome = await scheduler.trigger("first");
      expect(outcome.status).toBe("skipped");
      expect(outcome.reason).toContain("pslink sync (a CLI run elsewhere)");
    } finally {
      await held.release();
    }
    expect((await runs()).map((row) => row.status)).toEqual(["skipped"]);
    expect((await scheduler.trigger("first")).status).toBe("succeeded");
  });

  it("fires on its cron timer and stops cleanly", async () => {
    const { scheduler, runs } = await schedulerFor(`
  jobs:
    every_second: { cron: "* * * * * *", steps: [build] }
`);
    scheduler.start();
    await expect
      .poll(async () => (await runs()).filter((row) => row.status === "succeeded").length, {
        timeout: 30_000,
        interval: 250,
      })
      .toBeGreaterThanOrEqual(2);
    await scheduler.stop();
    const settled = await runs();
    expect(settled.every((row) => row.job === "schedule:every_second")).toBe(true);
    expect(settled.some((row) => row.status === "running")).toBe(false);
  });

  it("records a failing step as a failed run with the job's error", async () => {
    const { warehouse, scheduler, runs } = await schedulerFor(TWO_BUILDS);
    await warehouse.execute("drop table src_psa.time_entries");
    const outcome = await scheduler.trigger("first");
    expect(outcome.status).toBe("failed");
    expect(outcome.reason).toMatch(
      /a source table the warehouse does not have yet: src_psa\.time_entries/,
    );
    expect((await runs())[0]).toMatchObject({ job: "schedule:first", status: "failed" });
  });
});

describe("schedule time zones", () => {
  const zoned = configWith(`
  timezone: America/New_York
  jobs:
    tokyo_morning: { cron: "0 9 * * *", timezone: Asia/Tokyo, steps: [sync] }
    new_york_night: { cron: "30 2 * * *", steps: [build] }
`);
  const scheduler = new Scheduler({
    schedules: zoned.schedules,
    runStep: async () => ({}),
    history: { started: async () => {}, finished: async () => {}, skipped: async () => {} },
    acquireLock: async (name) => ({ name, release: async () => {} }),
    logger: createLogger({ test: "tz" }),
    newRunId: randomUUID,
  });

  it("computes next runs in each schedule's own time zone", async () => {
    scheduler.start();
    try {
      const local = (date: Date | null, timeZone: string) =>
        new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit" }).format(
          date ?? undefined,
        );
      const tokyo = scheduler.nextRun("tokyo_morning");
      const newYork = scheduler.nextRun("new_york_night");
      expect(tokyo?.getUTCHours()).toBe(0);
      expect(local(tokyo, "Asia/Tokyo")).toBe("09:00");
      expect(local(newYork, "America/New_York")).toBe("02:30");
      expect(newYork!.getTime()).toBeGreaterThan(Date.now());
    } finally {
      await scheduler.stop();
    }
  });

  it("stops a run whose lock is lost before its next step, saying why", async () => {
    const lost = new AbortController();
    const ran: string[] = [];
    const finished: { status: string; reason?: string }[] = [];
    const stopping = new Scheduler({
      schedules: configWith(`
  jobs:
    nightly: { cron: "0 2 * * *", steps: [sync, build] }
`).schedules,
      runStep: async (step, { signal }) => {
        ran.push(step.kind);
        // The lock's PostgreSQL connection ends while the sync runs; the step sees it too.
        lost.abort(new Error("the run lock's connection to PostgreSQL was lost (test)"));
        expect(signal.aborted).toBe(true);
        return {};
      },
      history: {
        started: async () => {},
        finished: async (_runId, status, _summary, reason) => {
          finished.push({ status, ...(reason ? { reason } : {}) });
        },
        skipped: async () => {},
      },
      acquireLock: async (name) => ({ name, lost: lost.signal, release: async () => {} }),
      logger: createLogger({ test: "lock-lost" }),
      newRunId: () => "run-9",
    });
    const outcome = await stopping.trigger("nightly");
    expect(ran).toEqual(["sync"]);
    expect(outcome).toEqual({
      runId: "run-9",
      status: "cancelled",
      reason: "the run lock's connection to PostgreSQL was lost (test)",
    });
    expect(finished).toEqual([
      { status: "cancelled", reason: "the run lock's connection to PostgreSQL was lost (test)" },
    ]);
  });

  it("logs each step's end and the run's end with run_id, and records every step's duration", async () => {
    const lines: Record<string, unknown>[] = [];
    const summaries: Record<string, unknown>[] = [];
    const logged = new Scheduler({
      schedules: configWith(`
  jobs:
    nightly: { cron: "0 2 * * *", steps: [build, plan] }
`).schedules,
      // plan reports no time of its own; build reports one the scheduler's measure replaces.
      runStep: async (step) => {
        await sleep(120);
        return step.kind === "build" ? { models: 3, duration_ms: 1 } : { plan_id: "p-1" };
      },
      history: {
        started: async () => {},
        finished: async (_runId, _status, summary) => {
          summaries.push(summary);
        },
        skipped: async () => {},
      },
      acquireLock: async (name) => ({ name, release: async () => {} }),
      logger: pino({ base: null }, { write: (line: string) => lines.push(JSON.parse(line)) }),
      newRunId: () => "run-7",
    });
    logged.start();
    try {
      expect((await logged.trigger("nightly")).status).toBe("succeeded");
    } finally {
      await logged.stop();
    }

    const steps = summaries[0]?.steps as { step: string; duration_ms: number }[];
    expect(steps.map((step) => step.step)).toEqual(["build", "plan"]);
    for (const step of steps) expect(step.duration_ms).toBeGreaterThanOrEqual(100);
    expect(lines.map((line) => [line.msg, line.step ?? line.status])).toEqual([
      ["step started", "build"],
      ["step finished", "build"],
      ["step started", "plan"],
      ["step finished", "plan"],
      ["scheduled run finished", "succeeded"],
    ]);
    for (const line of lines) expect(line).toMatchObject({ run_id: "run-7", schedule: "nightly" });
    expect(lines[3]).toMatchObject({ result: { plan_id: "p-1" } });
    expect(lines[4]?.duration_ms).toBeGreaterThanOrEqual(240);
    // And when the schedule fires next (UTC, its cron's 02:00).
    expect(lines[4]?.next_run).toMatch(/^\d{4}-\d\d-\d\dT02:00:00\.000Z$/);
    expect(Date.parse(String(lines[4]?.next_run))).toBeGreaterThan(Date.now());
  });

  it("rejects a bad cron expression or time zone with what to write", () => {
    expect(() => configWith(`  jobs:\n    bad: { cron: "61 * * * *", steps: [sync] }\n`)).toThrow(
      /schedules\.jobs\.bad\.cron: "61 \* \* \* \*" is not a cron expression/,
    );
    expect(() => configWith(`  timezone: Mars/Olympus\n`)).toThrow(/write an IANA time zone/);
    expect(() => configWith(`  jobs:\n    bad: { cron: "0 * * * *", steps: [deploy] }\n`)).toThrow(
      /a step is one of sync, build, test, plan, apply/,
    );
  });
});
