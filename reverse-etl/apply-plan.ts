import { hostname } from "node:os";
import type { TargetSystem } from "../core/config/governance-schema.js";
import type { PslinkConfig } from "../core/config/index.js";
import { configError, describeError, PslinkError } from "../core/errors.js";
import { migrate } from "../warehouse/migrate.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import type { ApplyContext, ItemEnd, ItemOutcome } from "./apply-item.js";
import { applySteps } from "./apply-steps.js";
import { audit } from "./audit-log.js";
import { objectKey, unconfirmedObjects } from "./blast-radius.js";
import { loadItems, loadPlan } from "./plan-store.js";
import type { WriteItem } from "./plan-types.js";
import { findSteward } from "./steward-check.js";
import { checkWindow, type WindowCheck } from "./write-window.js";
import { createWriter } from "./writers/create-writer.js";
import type { Writer } from "./writers/writer-types.js";

export interface ApplyOptions {
  warehouse: Warehouse;
  config: Pick<PslinkConfig, "sources" | "governance">;
  /** Only this plan's items; all approved items otherwise. */
  planId?: string;
  /** When the apply starts (tests pin it); time moves on from it at the real pace. */
  now?: Date;
  /**
   * The current time, read at each window check (before every item's write) and for the window
   * entries of the audit log. Default: the real time, or `now` moving on.
   */
  clock?: () => Date;
  /** Applies outside the window: explicit, by a steward, with a reason, and audited. */
  overrideWindow?: { steward: string; reason: string };
  /** Who runs the apply (the audit log's actor for calls). */
  actor?: string;
  /** Writers to use instead of ones built from `sources:` (embedding, other transports). */
  writers?: Partial<Record<TargetSystem, Writer>>;
}

export interface TargetReport {
  window: WindowCheck;
  overriddenBy: string | null;
  /** Approved items left for the next window. */
  waiting: number;
  ends: Partial<Record<ItemEnd, number>>;
  /** Items a steward rejected (or otherwise decided) while the apply ran: not written. */
  withdrawn: number;
  error: string | null;
  /** Items that failed this run, with the target's answer. */
  failures: { item_key: string; error: string }[];
}

export interface ApplyResult {
  targets: Partial<Record<TargetSystem, TargetReport>>;
  applied: number;
  failed: number;
  stale: number;
  /** Items routed to the adjustment queue: their accounting period closed after planning. */
  queued: number;
  waiting: number;
  /** Items no longer approved when their turn came (rejected meanwhile): never written. */
  withdrawn: number;
}

/** The apply job: writes approved items to their targets, inside each target's window. */
export async function applyPlan(options: ApplyOptions): Promise<ApplyResult> {
  const { warehouse: wh, config } = options;
  const clock = options.clock ?? movingFrom(options.now);
  const now = clock();
  const actor = options.actor ?? "pslink";
  await migrate(wh);
  if (options.planId !== undefined && !(await loadPlan(wh, options.planId))) {
    throw configError(`there is no plan ${options.planId}`, {
      hint: "list plans with `pslink plans`",
    });
  }
  if (options.overrideWindow)
    await checkOverride(wh, config, options.overrideWindow, options.planId, now);
  const lock = await wh.acquireLock(
    "reverse-etl-apply",
    `pslink apply (pid ${process.pid} on ${hostname()})`,
  );
  const result: ApplyResult = {
    targets: {},
    applied: 0,
    failed: 0,
    stale: 0,
    queued: 0,
    waiting: 0,
    withdrawn: 0,
  };
  try {
    const items = await applicableItems(wh, options.planId);
    for (const target of ["netsuite", "kantata", "salesforce"] as const) {
      const mine = items.filter((item) => item.target_system === target);
      if (mine.length === 0) continue;
      const report = await applyTarget(wh, config, target, mine, {
        ...options,
        clock,
        actor,
        lost: lock.lost,
      });
      result.targets[target] = report;
      result.applied += report.ends.applied ?? 0;
      result.failed += report.ends.failed ?? 0;
      result.stale += report.ends.stale ?? 0;
      result.queued += report.ends.queued ?? 0;
      result.waiting += report.waiting;
      result.withdrawn += report.withdrawn;
    }
  } finally {
    await lock.release();
  }
  return result;
}

/**
 * Approved items, and in-flight ones a crash left behind; never those on a held object of a plan
 * no steward has confirmed (each held object is confirmed by the approval of its items, so the
 * approved items of a held plan are on confirmed objects, or on none it holds).
 */
async function applicableItems(wh: Warehouse, planId: string | undefined): Promise<WriteItem[]> {
  const items = await loadItems(wh, { planId, statuses: ["approved", "in_flight"] });
  const unconfirmed = new Map<string, readonly string[]>();
  for (const planKey of new Set(items.map((item) => item.plan_id))) {
    const plan = await loadPlan(wh, planKey);
    if (plan) unconfirmed.set(planKey, unconfirmedObjects(plan));
  }
  return items.filter((item) => {
    const objects = unconfirmed.get(item.plan_id) ?? [];
    return !objects.includes("*") && !objects.includes(objectKey(item));
  });
}

async function checkOverride(
  wh: Warehouse,
  config: ApplyOptions["config"],
  override: { steward: string; reason: string },
  planId: string | undefined,
  now: Date,
): Promise<void> {
  const found = findSteward(
    config.governance.stewards,
    override.steward,
    "override a write window",
  );
  const problem =
    found.kind === "refused"
      ? found.problem
      : override.reason.trim() === ""
        ? { message: "a window override needs a reason", hint: "pass --reason" }
        : undefined;
  if (problem) {
    await audit(
      wh,
      {
        actor: override.steward,
        action: "decision_refused",
        plan_id: planId ?? null,
        detail: `window override: ${problem.message}`,
      },
      now,
    );
    throw configError(problem.message, { hint: problem.hint });
  }
}

async function applyTarget(
  wh: Warehouse,
  config: ApplyOptions["config"],
  target: TargetSystem,
  items: WriteItem[],
  options: ApplyOptions & { clock: () => Date; actor: string; lost?: AbortSignal },
): Promise<TargetReport> {
  const window = checkWindow(config.governance.windows[target], options.clock());
  const report: TargetReport = {
    window,
    overriddenBy: null,
    waiting: 0,
    withdrawn: 0,
    ends: {},
    error: null,
    failures: [],
  };
  // Without its lock another apply may start: no call is made from here on (see `lockLost`).
  if (options.lost?.aborted) {
    report.waiting = items.length;
    report.error = lockLost(options.lost, items.length);
    return report;
  }
  const planIds = [...new Set(items.map((item) => item.plan_id))];
  const plans = planIds.join(", ");
  // Window entries belong to the plan being applied, so `pslink audit --plan` shows them.
  const planOf = options.planId ?? (planIds.length === 1 ? (planIds[0] as string) : null);
  if (!window.open) {
    // An override reaches only the items of the overriding steward's domains; the rest wait.
    const domains = options.overrideWindow
      ? (config.governance.stewards.find((s) => s.name === options.overrideWindow?.steward)
          ?.domains ?? [])
      : [];
    const overridden = items.filter((item) => domains.includes(item.domain));
    const waiting = items.filter((item) => !domains.includes(item.domain));
    if (waiting.length > 0) {
      report.waiting = waiting.length;
      const others = [...new Set(waiting.map((item) => item.domain))].join(", ");
      await audit(
        wh,
        {
          actor: options.actor,
          action: "window_closed",
          system: target,
          plan_id: planOf,
          detail: `${waiting.length} approved item(s) of ${plans} wait: ${window.summary}${
            options.overrideWindow
              ? `; ${options.overrideWindow.steward} may not override for ${others}`
              : ""
          }`,
        },
        options.clock(),
      );
      if (options.overrideWindow)
        report.error = `${waiting.length} item(s) of ${others} wait for the window: ${options.overrideWindow.steward} does not decide ${others}, so cannot override the window for them`;
    }
    if (overridden.length === 0) return report;
    items = overridden;
  }
  if (window.open) {
    await audit(
      wh,
      {
        actor: options.actor,
        action: "window_checked",
        system: target,
        plan_id: planOf,
        detail: window.summary,
      },
      options.clock(),
    );
  } else if (options.overrideWindow) {
    report.overriddenBy = options.overrideWindow.steward;
    await audit(
      wh,
      {
        actor: options.overrideWindow.steward,
        action: "window_override",
        system: target,
        plan_id: planOf,
        detail: `${options.overrideWindow.reason} (${window.summary})`,
      },
      options.clock(),
    );
  }
  let writer: Writer;
  try {
    writer = options.writers?.[target] ?? createWriter(target, config);
  } catch (error) {
    report.waiting = items.length;
    report.error = await targetFailed(wh, target, report.waiting, error, options.actor, planOf);
    return report;
  }
  const ctx: ApplyContext = {
    wh,
    writer,
    limits: config.governance.rate_limits[target],
    actor: options.actor,
    written: new Set(),
    failures: report.failures,
  };
  const count = (outcome: ItemOutcome) => {
    if (outcome === "waiting") report.waiting += 1;
    else if (outcome === "withdrawn") report.withdrawn += 1;
    else report.ends[outcome] = (report.ends[outcome] ?? 0) + 1;
  };
  // Each step writes its items; once the target refuses calls for now, the rest wait unsent.
  const steps = applySteps(ctx, writer, items);
  let stopped: AbortSignal | undefined;
  // Retries and backoff make an apply long: the window is checked again before each write, so
  // none goes out after it closed (an override still covers its steward's domains).
  let closedAt: WindowCheck | undefined;
  let failure: PslinkError | undefined;
  for (const step of steps) {
    if (ctx.deferred === undefined && options.lost?.aborted) stopped = options.lost;
    if (!closedAt && !stopped && ctx.deferred === undefined && !report.overriddenBy) {
      const now = checkWindow(config.governance.windows[target], options.clock());
      if (!now.open) closedAt = now;
    }
    if (ctx.deferred !== undefined || stopped || closedAt || failure)
      report.waiting += step.items.length;
    else {
      try {
        for (const outcome of await step.run()) count(outcome);
      } catch (error) {
        // Refused credentials or configuration: no item of this target can be written until
        // someone fixes it, but the other targets' can.
        if (!(error instanceof PslinkError) || error.kind === "transient") throw error;
        failure = error;
        for (const item of step.items) {
          if (item.status === "approved" || item.status === "in_flight") report.waiting += 1;
          else count(item.status as ItemEnd);
        }
      }
    }
  }
  if (failure) {
    report.error = await targetFailed(wh, target, report.waiting, failure, options.actor, planOf);
  } else if (closedAt && !stopped && ctx.deferred === undefined) {
    report.error = `${target}'s window closed while the apply ran, so ${report.waiting} approved item(s) wait for the next one: ${closedAt.summary}`;
    await audit(
      wh,
      {
        actor: options.actor,
        action: "window_closed",
        system: target,
        plan_id: planOf,
        detail: report.error,
      },
      options.clock(),
    );
  } else if (stopped) {
    report.error = lockLost(stopped, report.waiting);
  } else if (ctx.deferred !== undefined) {
    report.error = `${target} is not taking calls for now, so ${report.waiting} approved item(s) wait for a later apply: ${ctx.deferred}`;
    await audit(
      wh,
      {
        actor: options.actor,
        action: "deferred",
        system: target,
        plan_id: planOf,
        detail: report.error,
      },
      options.clock(),
    );
  }
  return report;
}

/**
 * Records that a target could not be written at all (its credentials refused, its source not
 * configured): a `target_failed` entry naming the items that wait. Returns the report's line.
 */
async function targetFailed(
  wh: Warehouse,
  target: TargetSystem,
  waiting: number,
  error: unknown,
  actor: string,
  planId: string | null,
): Promise<string> {
  const line = `${target} could not be written, so ${waiting} approved item(s) wait for a later apply: ${describeError(error)}`;
  await audit(wh, {
    actor,
    action: "target_failed",
    system: target,
    plan_id: planId,
    detail: line,
  });
  return line;
}

/**
 * Why the items left wait: the apply's lock went with its PostgreSQL connection, and another
 * apply could take it and write the same items. They stay approved for the next apply. A call
 * already under way finishes; should its item's status not be recorded, the next apply finds the
 * item in flight and resolves it as after a crash.
 */
function lockLost(lost: AbortSignal, waiting: number): string {
  const reason = lost.reason instanceof Error ? lost.reason.message : String(lost.reason);
  return `the apply stopped: ${reason}; ${waiting} approved item(s) wait for a later apply`;
}

/** The real clock, or one that starts at `start` and moves on at the real pace. */
function movingFrom(start: Date | undefined): () => Date {
  if (!start) return () => new Date();
  const offset = start.getTime() - Date.now();
  return () => new Date(Date.now() + offset);
}
