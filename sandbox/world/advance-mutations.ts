import { dayOf, isoDay, kantataStamp, netsuiteDay } from "./calendar.js";
import type { FirmState } from "./firm-state.js";
import type { KoTimeEntry } from "./vendor-records.js";
import { plantedIds, postEntry } from "./world-lookups.js";
import type { AdvanceOptions, AdvanceReport } from "./world-options.js";

const LATE_MINUTES_MAX = 8;

/** Applies one batch of mutations between two syncs, none of which creates an exception. */
export function applyAdvance(state: FirmState, options: AdvanceOptions): AdvanceReport {
  const atMs = state.now();
  const report: AdvanceReport = { atMs, inserted: {}, updated: {}, deleted: {} };
  const note = (kind: "inserted" | "updated" | "deleted", key: string, id: string) => {
    const list = report[kind][key] ?? [];
    list.push(id);
    report[kind][key] = list;
  };
  const asOfDay = dayOf(state.asOf);
  const protectedIds = plantedIds(state);
  const templates = activeTemplates(state, protectedIds);
  const pending = [...state.store.timeEntries.scanByKey()].filter(
    (e) => !e.approved && !protectedIds.has(e.id) && templates.users.has(e.user_id),
  );
  const insert = (day: number, ms: number) => {
    if (templates.entries.length === 0) return;
    const template = state.rng.pick(templates.entries);
    const entry: KoTimeEntry = {
      ...template,
      id: state.ids.take("kantata.time_entries"),
      date_performed: isoDay(day),
      time_in_minutes: 15 * state.rng.int(2, 12),
      approved: false,
      is_invoiced: false,
      invoice_id: null,
      created_at: kantataStamp(ms),
    };
    state.store.timeEntries.upsert(entry, ms);
    note("inserted", "kantata.time_entries", entry.id);
  };
  for (let i = 0; i < (options.inserts ?? 0); i += 1) insert(asOfDay, atMs);
  for (let i = 0; i < (options.backdated ?? 0); i += 1)
    insert(asOfDay - state.rng.int(3, 20), atMs);
  for (let i = 0; i < (options.lateArrivals ?? 0); i += 1) {
    insert(asOfDay, atMs - state.rng.int(1, LATE_MINUTES_MAX) * 60_000);
  }
  for (let i = 0; i < (options.updates ?? 0); i += 1) {
    const entry =
      pending.length > 0 ? pending.splice(state.rng.int(0, pending.length - 1), 1)[0]! : undefined;
    if (!entry) break;
    if (i % 2 === 0) {
      entry.approved = true;
      const bill = postEntry(state, entry, netsuiteDay(dayOf(entry.date_performed)), atMs);
      note("inserted", "netsuite.timebill", bill.id);
    } else {
      entry.notes = `${entry.notes} (revised)`;
      entry.time_in_minutes += 15;
    }
    state.store.timeEntries.upsert(entry, atMs);
    note("updated", "kantata.time_entries", entry.id);
  }
  const openDeals = [...state.store.opportunities.scanByKey()].filter((o) => !o.IsClosed);
  for (let i = 0; i < (options.deletes ?? 0); i += 1) {
    const useDeal = i % 4 === 3 && openDeals.length > 0;
    const pool = useDeal ? openDeals : pending;
    const victim =
      pool.length > 0 ? pool.splice(state.rng.int(0, pool.length - 1), 1)[0]! : undefined;
    if (!victim) continue;
    if ("Id" in victim) {
      state.store.opportunities.remove(victim.Id, atMs);
      note("deleted", "salesforce.Opportunity", victim.Id);
    } else {
      state.store.timeEntries.remove(victim.id, atMs);
      note("deleted", "kantata.time_entries", victim.id);
    }
  }
  return report;
}

/** Recent entries of active, unplanted users to copy new time from. */
function activeTemplates(state: FirmState, protectedIds: Set<string>) {
  const active = new Set<string>();
  const byEmployee = new Map<string, string>();
  for (const ref of state.store.externalRefs.scanByKey()) {
    if (ref.subject_type === "User") byEmployee.set(ref.service_model_ref, ref.subject_id);
  }
  for (const worker of state.store.workers.scanByKey()) {
    const user = byEmployee.get(worker.Employee_ID);
    if (worker.Active_Status === "1" && user && !protectedIds.has(user)) active.add(user);
  }
  const recent = dayOf(state.asOf) - 20;
  const entries = [...state.store.timeEntries.scanByKey()].filter(
    (e) =>
      active.has(e.user_id) &&
      !protectedIds.has(e.workspace_id) &&
      dayOf(e.date_performed) >= recent,
  );
  return { users: active, entries };
}
