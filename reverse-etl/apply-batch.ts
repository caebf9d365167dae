import {
  type ApplyContext,
  auditCall,
  finish,
  type ItemOutcome,
  markInFlight,
  prepare,
  settle,
} from "./apply-item.js";
import { crashPoint } from "./crash-hook.js";
import { writeRequest } from "./item-checks.js";
import type { WriteItem } from "./plan-types.js";
import type { WriteOutcome, WriteRequest } from "./writers/writer-types.js";

/** A writer that can send several updates of one object in one call (Salesforce collections). */
export interface BatchWriter {
  attemptBatch(requests: readonly WriteRequest[]): Promise<WriteOutcome[]>;
}

/**
 * Applies updates of one object in one call per attempt: each item is recovered and
 * stale-checked alone, all write-ahead markers commit together, and each item settles on its
 * own per-record result (a failed attempt re-checks every item before the next).
 */
export async function applyBatch(
  ctx: ApplyContext,
  batcher: BatchWriter,
  items: readonly WriteItem[],
): Promise<ItemOutcome[]> {
  const ends = new Map<string, ItemOutcome>();
  let pending: WriteItem[] = [];
  for (const item of items) {
    const spec = ctx.writer.objects[item.object];
    const ready = spec
      ? await prepare(ctx, spec, item)
      : await finish(ctx, item, "failed", { error: "unknown object" });
    if (ready === "write") pending.push(item);
    else ends.set(item.item_key, ready);
    // The target refused a read: the rest wait unread, and nothing goes out.
    if (ctx.deferred !== undefined) return items.map((i) => ends.get(i.item_key) ?? "waiting");
  }
  if (pending.length > 0) {
    const taken = new Set(await markInFlight(ctx, pending));
    // A steward rejected these since the apply read them: they stay as decided, unsent.
    for (const item of pending) if (!taken.has(item)) ends.set(item.item_key, "withdrawn");
    pending = pending.filter((item) => taken.has(item));
    if (pending.length > 0) crashPoint("after_marker");
  }
  for (let attempt = 1; pending.length > 0; attempt++) {
    let outcomes: Array<WriteOutcome | { kind: "lost"; reason: string }>;
    try {
      outcomes = await batcher.attemptBatch(pending.map(writeRequest));
      for (const [i, item] of pending.entries()) {
        const outcome = outcomes[i];
        if (outcome && "call" in outcome) await auditCall(ctx, item, outcome.call);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      outcomes = pending.map(() => ({ kind: "lost", reason }));
    }
    crashPoint("after_call");
    const next: WriteItem[] = [];
    for (const [i, item] of pending.entries()) {
      const spec = ctx.writer.objects[item.object];
      const outcome = outcomes[i] ?? { kind: "lost", reason: "no result for the record" };
      const end = spec ? await settle(ctx, spec, item, outcome, attempt) : "failed";
      if (end) ends.set(item.item_key, end);
      else next.push(item);
    }
    pending = next;
  }
  return items.map((item) => ends.get(item.item_key) ?? "failed");
}
