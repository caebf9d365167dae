import type { AdvanceContext } from "./advance-context.js";
import { approveAndPost } from "./advance-netsuite.js";
import { isoDay, kantataStamp } from "./calendar.js";
import type { KoTimeEntry } from "./vendor-records.js";

/** Recent entries copied as templates for new time (same user, project, story and rates). */
export function timeTemplates(ctx: AdvanceContext): KoTimeEntry[] {
  const recent = isoDay(ctx.asOfDay - 20);
  const out: KoTimeEntry[] = [];
  for (const entry of ctx.state.store.timeEntries.scanByKey()) {
    if (!ctx.activeUsers.has(entry.user_id) || entry.date_performed < recent) continue;
    if (ctx.jobByWorkspace.has(entry.workspace_id)) out.push(entry);
  }
  return out;
}

/** New unapproved time: `day` is the business day, `ms` the stamp (before now when late). */
export function insertEntry(
  ctx: AdvanceContext,
  templates: readonly KoTimeEntry[],
  day: number,
  ms: number,
): KoTimeEntry | undefined {
  if (templates.length === 0) return undefined;
  const { rng, ids, store } = ctx.state;
  const template = rng.pick(templates);
  const entry: KoTimeEntry = {
    ...template,
    id: ids.take("kantata.time_entries"),
    date_performed: isoDay(day),
    time_in_minutes: 15 * rng.int(2, 12),
    approved: false,
    is_invoiced: false,
    invoice_id: null,
    created_at: kantataStamp(ms),
  };
  store.timeEntries.upsert(entry, ms);
  ctx.note("inserted", "kantata", "time_entries", entry.id, ms);
  return entry;
}

/** Alternately approves and posts a pending entry or revises its notes and hours. */
export function updateEntries(ctx: AdvanceContext, count: number): void {
  for (let i = 0; i < count; i += 1) {
    const entry = ctx.draw(ctx.pending);
    if (!entry) return;
    if (i % 2 === 0) {
      approveAndPost(ctx, entry, ctx.atMs);
      continue;
    }
    const revised: KoTimeEntry = {
      ...entry,
      notes: `${entry.notes} (revised)`,
      time_in_minutes: entry.time_in_minutes + 15,
    };
    ctx.state.store.timeEntries.upsert(revised, ctx.atMs);
    ctx.note("updated", "kantata", "time_entries", entry.id);
  }
}

/** Deletes pending entries, then posted entries together with their only posting. */
export function deleteEntries(ctx: AdvanceContext, pendingCount: number, pairCount: number): void {
  const { store } = ctx.state;
  for (let i = 0; i < pendingCount; i += 1) {
    const entry = ctx.draw(ctx.pending);
    if (!entry) break;
    store.timeEntries.remove(entry.id, ctx.atMs);
    ctx.note("deleted", "kantata", "time_entries", entry.id);
  }
  // Removing both sides leaves no R01 (approved, unposted) and no R03 (posting, no entry).
  for (let i = 0; i < pairCount; i += 1) {
    const pair = ctx.draw(ctx.posted);
    if (!pair) break;
    store.timeEntries.remove(pair.entry.id, ctx.atMs);
    ctx.note("deleted", "kantata", "time_entries", pair.entry.id);
    store.timebills.remove(pair.bill.id, ctx.atMs);
    ctx.note("deleted", "netsuite", "timebill", pair.bill.id);
  }
}
