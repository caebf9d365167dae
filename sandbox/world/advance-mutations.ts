import { createAdvanceContext, share } from "./advance-context.js";
import { mutateExpenses, updateStories } from "./advance-kantata.js";
import { lateApprovals, updateNetsuiteMasters } from "./advance-netsuite.js";
import { mutateSalesforce } from "./advance-salesforce.js";
import {
  deleteEntries,
  insertEntry,
  timeTemplates,
  updateEntries,
} from "./advance-time-entries.js";
import { mutateWorkday } from "./advance-workday.js";
import type { FirmState } from "./firm-state.js";
import type { AdvanceOptions, AdvanceReport } from "./world-options.js";

/**
 * Applies one batch of mutations between two syncs across all four systems, none of which
 * creates an exception: records named by planted cases, broken records and terminated workers
 * are left alone, and every change keeps the identity links and posted amounts consistent.
 * Each record is touched at most once per call, so the report's id lists are exact.
 */
export function applyAdvance(state: FirmState, options: AdvanceOptions): AdvanceReport {
  const ctx = createAdvanceContext(state);
  const inserts = options.inserts ?? 0;
  const updates = options.updates ?? 0;
  const deletes = options.deletes ?? 0;
  const templates = timeTemplates(ctx);
  const day = ctx.asOfDay;
  for (let i = 0; i < inserts; i += 1) insertEntry(ctx, templates, day, ctx.atMs);
  for (let i = 0; i < (options.backdated ?? 0); i += 1)
    insertEntry(ctx, templates, day - state.rng.int(3, 20), ctx.atMs);
  for (let i = 0; i < (options.lateArrivals ?? 0); i += 1)
    insertEntry(ctx, templates, day, ctx.lateMs());
  updateEntries(ctx, updates);
  lateApprovals(ctx, share(options.lateArrivals));
  deleteEntries(ctx, deletes, share(deletes));
  mutateExpenses(ctx, templates, {
    inserts: share(inserts),
    updates: share(updates),
    deletes: share(deletes),
  });
  updateStories(ctx, share(updates));
  updateNetsuiteMasters(ctx, share(updates));
  mutateSalesforce(ctx, {
    inserts: share(inserts),
    updates: share(updates),
    deals: Math.ceil(deletes / 4),
    prospects: Math.ceil(deletes / 4),
  });
  mutateWorkday(ctx, {
    inserts: share(inserts),
    updates: share(updates),
    removals: share(deletes),
  });
  return ctx.report;
}
