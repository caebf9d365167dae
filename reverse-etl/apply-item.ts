import { setTimeout as sleep } from "node:timers/promises";
import type { WriteRateLimit } from "../core/config/governance-schema.js";
import { describeError, PslinkError } from "../core/errors.js";
import { backoffMs } from "../extractors/engine/retry-policy.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { type AuditAction, audit, itemSubject } from "./audit-log.js";
import { crashPoint } from "./crash-hook.js";
import { checkFreshness, type Freshness, landedId, writeRequest } from "./item-checks.js";
import { ClosedPeriods, closedPeriodOf, postingDates } from "./period-guard.js";
import { type ItemPatch, transitionItem } from "./plan-store.js";
import type { WriteItem } from "./plan-types.js";
import type { CallRecord, ObjectSpec, WriteOutcome, Writer } from "./writers/writer-types.js";
import { capabilityRefusal } from "./writers/writer-types.js";

/** What applying needs besides the item. */
export interface ApplyContext {
  wh: Warehouse;
  writer: Writer;
  limits: WriteRateLimit;
  actor: string;
  /** Records (`object:id`) this run has written, so its own writes do not look like a change. */
  written: Set<string>;
  /** Why the target refuses calls for now (a refused write or read): its remaining items wait. */
  deferred?: string;
  /** Where the items that fail are listed with the target's answer (the apply's report). */
  failures?: { item_key: string; error: string }[];
  /** The target's closed periods as read live, once per apply run (`writer.closedPeriods`). */
  periods?: ClosedPeriods;
}

/**
 * How an item ended: written, refused by the target, changed since planning, or `queued` for the
 * adjustment queue because its accounting period closed after planning.
 */
export type ItemEnd = "applied" | "failed" | "stale" | "queued";

/**
 * How applying an item came out: it ended, it waits for a later apply (`ctx.deferred`), or it
 * was `withdrawn`: a steward rejected it (or it was otherwise decided) while the apply ran, so
 * it was left as the decision put it and never written.
 */
export type ItemOutcome = ItemEnd | "waiting" | "withdrawn";

/** Applies one approved (or crashed in-flight) item: recover, check, mark, call, record. */
export async function applyItem(ctx: ApplyContext, item: WriteItem): Promise<ItemOutcome> {
  const spec = ctx.writer.objects[item.object];
  const refusal = capabilityRefusal(
    ctx.writer.system,
    ctx.writer.objects,
    item.object,
    item.operation,
  );
  if (refusal || !spec) return finish(ctx, item, "failed", { error: refusal ?? "unknown object" });
  const ready = await prepare(ctx, spec, item);
  if (ready !== "write") return ready;
  if ((await markInFlight(ctx, [item])).length === 0) return "withdrawn";
  crashPoint("after_marker");
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(ctx, item);
    crashPoint("after_call");
    const end = await settle(ctx, spec, item, outcome, attempt);
    if (end) return end;
  }
}

/**
 * Before any call: an in-flight item whose write already landed is recorded as applied (the
 * crash recovery), then the stale check, then the closed-period guard on the target's periods as
 * they are now. Returns "write" when the call should go out, and "waiting" when the target cannot
 * be read for now (`ctx.deferred` says why).
 */
export async function prepare(
  ctx: ApplyContext,
  spec: ObjectSpec,
  item: WriteItem,
): Promise<ItemOutcome | "write"> {
  let check: TargetCheck;
  try {
    check = await checkTarget(ctx, spec, item);
  } catch (error) {
    // Unavailable after the read's own retries, or refusing calls for hours (Salesforce's
    // daily allowance): nothing is known about the record, so the item waits unchanged.
    if (!(error instanceof PslinkError) || error.kind !== "transient") throw error;
    return defer(
      ctx,
      item,
      describeError(error),
      item.status === "in_flight" ? "in_flight" : "approved",
    );
  }
  switch (check.kind) {
    case "landed": {
      const note =
        item.status === "in_flight"
          ? "found written after an interrupted apply"
          : "the target already holds it";
      return finish(
        ctx,
        item,
        "applied",
        { result_id: check.id, status_reason: note },
        "reconciled",
      );
    }
    case "stale":
      return finish(ctx, item, "stale", { status_reason: check.reason });
    case "closed":
      return finish(ctx, item, "queued", { status_reason: check.reason });
    case "holds":
      return finish(
        ctx,
        item,
        "applied",
        { result_id: item.target_id, status_reason: "the target already holds the values" },
        "reconciled",
      );
    case "fresh":
      return "write";
  }
}

/**
 * What the target says before a write: the record already written there, how fresh it is, or
 * that the write would post into a period closed since planning.
 */
type TargetCheck = Freshness | { kind: "landed"; id: string } | { kind: "closed"; reason: string };

/** Reads the target for `prepare`; calls the target only, never the warehouse. */
async function checkTarget(
  ctx: ApplyContext,
  spec: ObjectSpec,
  item: WriteItem,
): Promise<TargetCheck> {
  if (item.status === "in_flight" || item.operation === "create" || item.operation === "upsert") {
    const landed = await landedId(ctx.writer, spec, item);
    if (landed !== undefined) return { kind: "landed", id: landed };
  }
  const freshness = await checkFreshness(ctx.writer, spec, item, ctx.written);
  if (freshness.kind !== "fresh") return freshness;
  return (await closedSincePlanning(ctx, item)) ?? freshness;
}

/**
 * The closed-period guard of planning, again right before the call: a period that closed since
 * planning is found in the periods the target has now (read once per apply run). The dates are
 * those planning checked: a create's date, an update's planned-on date and any new one (the
 * stale check has just found the record unchanged).
 */
async function closedSincePlanning(
  ctx: ApplyContext,
  item: WriteItem,
): Promise<{ kind: "closed"; reason: string } | undefined> {
  const dates = postingDates(item.target_system, item.object, item.after, item.snapshot?.values);
  if (dates.length === 0 || !ctx.writer.closedPeriods) return undefined;
  ctx.periods ??= ClosedPeriods.fromRows(await ctx.writer.closedPeriods());
  const closed = closedPeriodOf(dates, ctx.periods);
  if (!closed) return undefined;
  return {
    kind: "closed",
    reason: `date ${closed.date} falls in period ${closed.name}, which ${item.target_system} closed after planning: routed to the adjustment queue, not posted`,
  };
}

/**
 * The write-ahead marker: committed before the call, so a crash leaves a trace to recover from.
 * Only an item still as the apply read it (approved, or in flight after a crash) is taken: one
 * rejected since is left alone. Returns the items taken, the only ones to write.
 */
export async function markInFlight(
  ctx: ApplyContext,
  items: readonly WriteItem[],
): Promise<WriteItem[]> {
  const now = new Date();
  const taken = await ctx.wh.transaction(async (tx) => {
    const marked: WriteItem[] = [];
    for (const item of items) {
      const still = await transitionItem(tx, item, [item.status], {
        status: "in_flight",
        idempotency_key: item.idempotency_key,
        updated_at: now,
      });
      if (!still) continue;
      marked.push(item);
      await audit(
        tx,
        {
          ...subject(ctx, item),
          action: "write_ahead",
          detail: `key ${item.idempotency_key ?? item.item_key}`,
        },
        now,
      );
    }
    return marked;
  });
  for (const item of taken) item.status = "in_flight";
  return taken;
}

async function attemptOnce(
  ctx: ApplyContext,
  item: WriteItem,
): Promise<WriteOutcome | { kind: "lost"; reason: string }> {
  try {
    const outcome = await ctx.writer.attempt(writeRequest(item));
    await auditCall(ctx, item, outcome.call);
    return outcome;
  } catch (error) {
    const reason = describeError(error);
    await audit(ctx.wh, { ...subject(ctx, item), action: "call", detail: `no answer: ${reason}` });
    return { kind: "lost", reason };
  }
}

/** Records a call in the audit log (request summary, response status and excerpt). */
export async function auditCall(
  ctx: ApplyContext,
  item: WriteItem,
  call: CallRecord,
): Promise<void> {
  await audit(ctx.wh, {
    ...subject(ctx, item),
    action: "call",
    request: { method: call.method, path: call.path, body: call.body ?? null },
    response: { status: call.status, excerpt: call.excerpt },
    after: item.after,
  });
}

/**
 * Acts on one attempt's outcome; undefined means "try again". Before a retry the target is
 * checked, because a 5xx or a lost reply may hide a write that landed.
 */
export async function settle(
  ctx: ApplyContext,
  spec: ObjectSpec,
  item: WriteItem,
  outcome: WriteOutcome | { kind: "lost"; reason: string },
  attempt: number,
): Promise<ItemOutcome | undefined> {
  const response =
    "call" in outcome ? { status: outcome.call.status, excerpt: outcome.call.excerpt } : null;
  switch (outcome.kind) {
    case "applied":
      return finish(ctx, item, "applied", {
        result_id: outcome.targetId ?? item.target_id,
        response,
        attempts: attempt,
      });
    case "rejected":
      return finish(ctx, item, "failed", {
        error: outcome.message,
        status_reason: outcome.message,
        response,
        attempts: attempt,
      });
    case "deferred":
      return defer(ctx, item, outcome.reason, "approved");
    case "retry":
    case "lost": {
      const reason = outcome.reason;
      if (attempt >= ctx.limits.max_attempts) {
        const message = `still failing after ${attempt} attempt(s): ${reason}`;
        return finish(ctx, item, "failed", {
          error: message,
          status_reason: message,
          response,
          attempts: attempt,
        });
      }
      const waitMs = outcome.kind === "retry" ? outcome.waitMs : undefined;
      await sleep(waitMs ?? backoffMs(attempt, ctx.limits));
      const landed = await landedId(ctx.writer, spec, item).catch(() => undefined);
      if (landed !== undefined) {
        return finish(
          ctx,
          item,
          "applied",
          { result_id: landed, status_reason: `landed despite: ${reason}`, attempts: attempt },
          "reconciled",
        );
      }
      return undefined;
    }
  }
}

/**
 * Leaves an item for a later apply once the target refuses calls for now, and records why
 * (`ctx.deferred`, the item's `status_reason`, the audit entry, in one transaction). `status` is
 * `approved` when nothing can have been written (the call was refused, or never sent); an item
 * a crash left `in_flight` keeps its marker, so the next apply's recovery looks first.
 */
async function defer(
  ctx: ApplyContext,
  item: WriteItem,
  reason: string,
  status: "approved" | "in_flight",
): Promise<"waiting" | "withdrawn"> {
  ctx.deferred = reason;
  const now = new Date();
  const still = await ctx.wh.transaction(async (tx) => {
    const from = item.status;
    if (
      !(await transitionItem(tx, item, [from], { status, status_reason: reason, updated_at: now }))
    )
      return false;
    await audit(tx, { ...subject(ctx, item), action: "deferred", detail: reason }, now);
    return true;
  });
  if (!still) return "withdrawn";
  item.status = status;
  return "waiting";
}

/**
 * Ends an item: its status and the audit entry in one transaction. The entry's action is the end,
 * but `guard_queued` for a queued item, as when planning queues one. An item a steward decided
 * otherwise since the apply read it keeps that decision (`withdrawn`).
 */
export async function finish(
  ctx: ApplyContext,
  item: WriteItem,
  end: ItemEnd,
  patch: Omit<ItemPatch, "status" | "updated_at">,
  action: AuditAction = end === "queued" ? "guard_queued" : end,
): Promise<ItemEnd | "withdrawn"> {
  const now = new Date();
  const full: ItemPatch = {
    ...patch,
    status: end,
    updated_at: now,
    ...(end === "applied" ? { applied_at: now } : {}),
  };
  const still = await ctx.wh.transaction(async (tx) => {
    if (!(await transitionItem(tx, item, [item.status], full))) return false;
    await audit(
      tx,
      {
        ...subject(ctx, item),
        // A create's record has its id only now: the entry names it.
        target_id: item.target_id ?? patch.result_id ?? null,
        action,
        before: item.before,
        after: item.after,
        response: patch.response ?? null,
        detail:
          patch.status_reason ??
          patch.error ??
          (end === "applied" ? `applied as ${patch.result_id ?? "?"}` : null),
      },
      now,
    );
    return true;
  });
  if (!still) return "withdrawn";
  if (end === "failed")
    ctx.failures?.push({ item_key: item.item_key, error: patch.error ?? "failed" });
  if (end === "applied") ctx.written.add(`${item.object}:${patch.result_id ?? item.target_id}`);
  item.status = end;
  return end;
}

function subject(ctx: ApplyContext, item: WriteItem) {
  return { actor: ctx.actor, ...itemSubject(item) };
}
