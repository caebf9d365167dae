import { hostname } from "node:os";
import { createTask, type ScheduledTask } from "node-cron";
import { asPslinkError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { RunLock } from "../../warehouse/warehouse.js";
import { describeStep, type Step } from "../jobs/steps.js";
import type { RunHistory } from "./run-history.js";
import type { SchedulesConfig } from "./schedules-schema.js";

/** What a step runner gets: the run it belongs to and a signal to stop at the next safe point. */
export interface StepContext {
  runId: string;
  trigger: string;
  signal: AbortSignal;
}

/** Runs one step (a plain async job) and resolves to a summary for the run history. */
export type StepRunner = (step: Step, context: StepContext) => Promise<Record<string, unknown>>;

export interface SchedulerOptions {
  schedules: SchedulesConfig;
  runStep: StepRunner;
  history: RunHistory;
  /** Takes the warehouse run lock (throws when another process holds it). */
  acquireLock: (holder: string) => Promise<RunLock>;
  logger: Logger;
  newRunId: () => string;
}

export interface TriggerOutcome {
  runId: string;
  status: "succeeded" | "failed" | "skipped" | "cancelled";
  reason?: string;
}

/**
 * Runs the configured schedules with node-cron, one run at a time per warehouse. A trigger that
 * fires while another schedule's run is under way in this process waits for it (the nightly
 * reconciliation and the quarter-hourly apply both fire at 02:00); a schedule already running or
 * waiting is skipped, as is any trigger while another process holds the run lock; skips are
 * recorded. `stop()` stops the timers, asks the current run to stop at its next safe point and
 * waits for it; waiting triggers are skipped.
 */
export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #tasks = new Map<string, ScheduledTask>();
  #current:
    | { name: string; runId: string; controller: AbortController; done: Promise<TriggerOutcome> }
    | undefined;
  #stopping = false;
  /** Schedules running or waiting to run, in order; each trigger runs after the one before. */
  readonly #accepted = new Map<string, string>();
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /** Starts every enabled schedule; returns their names and next run times. */
  start(): { name: string; next: Date | null }[] {
    const { schedules } = this.#options;
    for (const [name, schedule] of Object.entries(schedules.jobs)) {
      if (!schedule.enabled) continue;
      const task = createTask(schedule.cron, () => this.trigger(name), {
        name,
        timezone: schedule.timezone ?? schedules.timezone,
      });
      this.#tasks.set(name, task);
      task.start();
    }
    return [...this.#tasks].map(([name, task]) => ({ name, next: task.getNextRun() }));
  }

  /** Next fire time of a schedule (respects its time zone). */
  nextRun(name: string): Date | null {
    return this.#tasks.get(name)?.getNextRun() ?? null;
  }

  /** Fires a schedule now, as its timer would. */
  async trigger(name: string): Promise<TriggerOutcome> {
    const schedule = this.#options.schedules.jobs[name];
    const runId = this.#options.newRunId();
    const job = `schedule:${name}`;
    if (!schedule) throw asPslinkError(new Error(`no schedule named ${name}`));
    if (this.#stopping) return this.#skip(runId, job, "the scheduler is shutting down");
    const earlier = this.#accepted.get(name);
    if (earlier !== undefined) {
      const state = this.#current?.runId === earlier ? "is still running" : "is waiting to run";
      return this.#skip(runId, job, `run ${earlier} (${name}) ${state}`);
    }
    if (this.#accepted.size > 0) {
      this.#options.logger.info(
        { run_id: runId, schedule: name, waits_for: [...this.#accepted.keys()] },
        "trigger queued: it runs when the run before it ends",
      );
    }
    this.#accepted.set(name, runId);
    const outcome = this.#tail.then(async () => {
      try {
        if (this.#stopping) return await this.#skip(runId, job, "the scheduler is shutting down");
        const controller = new AbortController();
        const done = this.#run(name, runId, job, schedule.steps, controller.signal);
        this.#current = { name, runId, controller, done };
        return await done;
      } finally {
        this.#current = undefined;
        this.#accepted.delete(name);
      }
    });
    this.#tail = outcome.catch(() => undefined);
    return outcome;
  }

  /** Graceful shutdown: no new triggers, the current run stops at a safe point, then resolves. */
  async stop(): Promise<TriggerOutcome | undefined> {
    this.#stopping = true;
    for (const task of this.#tasks.values()) await task.destroy();
    this.#tasks.clear();
    const current = this.#current;
    if (!current) return undefined;
    this.#options.logger.info(
      { run_id: current.runId, schedule: current.name },
      "stopping: the current run ends at its next safe point",
    );
    current.controller.abort(new Error("scheduler stopping (SIGTERM)"));
    return current.done;
  }

  async #skip(runId: string, job: string, reason: string): Promise<TriggerOutcome> {
    this.#options.logger.warn({ run_id: runId, job, reason }, "trigger skipped");
    await this.#options.history.skipped({ runId, job, trigger: "schedule", reason });
    return { runId, status: "skipped", reason };
  }

  async #run(
    name: string,
    runId: string,
    job: string,
    steps: readonly Step[],
    signal: AbortSignal,
  ): Promise<TriggerOutcome> {
    const { history, logger, runStep } = this.#options;
    let lock: RunLock;
    try {
      lock = await this.#options.acquireLock(`${job} ${runId} pid ${process.pid} on ${hostname()}`);
    } catch (error) {
      return this.#skip(runId, job, asPslinkError(error).message);
    }
    try {
      await history.started({ runId, job, trigger: "schedule" });
    } catch (error) {
      await lock.release();
      throw error;
    }
    // A lost lock (its PostgreSQL connection ended) lets another run start: stop as on SIGTERM.
    const lost = lock.lost;
    const stop = lost ? AbortSignal.any([signal, lost]) : signal;
    const lockLost = () =>
      lost?.aborted
        ? String(lost.reason instanceof Error ? lost.reason.message : lost.reason)
        : undefined;
    const log = logger.child({ run_id: runId, schedule: name });
    const runStarted = performance.now();
    const elapsed = (since: number) => Math.round(performance.now() - since);
    const summary: Record<string, unknown> = { schedule: name, steps: [] as unknown[] };
    const stepSummaries = summary.steps as unknown[];
    const finish = async (
      status: Exclude<TriggerOutcome["status"], "skipped">,
      reason?: string,
    ): Promise<TriggerOutcome> => {
      // A run whose end cannot be recorded (its warehouse failed) still reports its outcome; the
      // row stays `running` until the next run closes it.
      await history.finished(runId, status, summary, reason).catch((error: unknown) => {
        log.error({ err: error }, "the run's end could not be recorded in pslink.runs");
      });
      // When this schedule fires next (its timer runs only once the scheduler started).
      const next = this.nextRun(name)?.toISOString();
      const fields = {
        status,
        duration_ms: elapsed(runStarted),
        ...(reason ? { reason } : {}),
        ...(next ? { next_run: next } : {}),
      };
      if (status === "failed") log.error(fields, "scheduled run finished");
      else log.info(fields, "scheduled run finished");
      return { runId, status, ...(reason ? { reason } : {}) };
    };
    try {
      for (const step of steps) {
        if (stop.aborted)
          return await finish("cancelled", lockLost() ?? "stopped before the next step");
        const label = describeStep(step);
        log.info({ step: label }, "step started");
        const stepStarted = performance.now();
        const result = await runStep(step, { runId, trigger: job, signal: stop });
        // The step's own time: what `pslink runs show` prints for it, whatever the step reports.
        const duration_ms = elapsed(stepStarted);
        stepSummaries.push({ step: label, ...result, duration_ms });
        log.info({ step: label, duration_ms, result }, "step finished");
      }
      return await finish(stop.aborted ? "cancelled" : "succeeded", lockLost());
    } catch (error) {
      return await finish("failed", asPslinkError(error).message);
    } finally {
      await lock.release();
    }
  }
}
