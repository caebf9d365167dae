import { applyBatch, type BatchWriter } from "./apply-batch.js";
import { type ApplyContext, applyItem, type ItemOutcome } from "./apply-item.js";
import type { WriteItem } from "./plan-types.js";
import { SALESFORCE_BATCH_LIMIT } from "./writers/salesforce-writer.js";
import type { Writer } from "./writers/writer-types.js";

/** One call's worth of a target's items, and the call that writes them. */
export interface ApplyStep {
  readonly items: readonly WriteItem[];
  readonly run: () => Promise<ItemOutcome[]>;
}

/**
 * A target's items as the calls that write them: a writer that takes batches (Salesforce's
 * composite API) gets its approved updates in batches of its limit, and every other item is a
 * call of its own.
 */
export function applySteps(
  ctx: ApplyContext,
  writer: Writer,
  items: readonly WriteItem[],
): ApplyStep[] {
  const batcher = "attemptBatch" in writer ? (writer as Writer & BatchWriter) : undefined;
  const batchable = batcher
    ? items.filter((item) => item.operation === "update" && item.status === "approved")
    : [];
  const steps: ApplyStep[] = [];
  if (batcher && batchable.length > 1) {
    for (let i = 0; i < batchable.length; i += SALESFORCE_BATCH_LIMIT) {
      const chunk = batchable.slice(i, i + SALESFORCE_BATCH_LIMIT);
      steps.push({ items: chunk, run: () => applyBatch(ctx, batcher, chunk) });
    }
  }
  const alone = batchable.length > 1 ? items.filter((item) => !batchable.includes(item)) : items;
  for (const item of alone)
    steps.push({ items: [item], run: async () => [await applyItem(ctx, item)] });
  return steps;
}
