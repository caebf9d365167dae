import type { AdvanceContext } from "./advance-context.js";
import { dayOf, netsuiteDay, parseNetsuiteDay } from "./calendar.js";
import type { KoTimeEntry, NsCustomer, NsTimebill } from "./vendor-records.js";

const PHONE_PREFIX: Record<string, string> = {
  "1": "+1 212 555",
  "2": "+44 20 7946",
  "3": "+49 30 1234",
};

/**
 * Approves a pending entry and posts it as the integration does: one time bill with the entry's
 * hours, billability, job and employee, so neither R01 nor R02 can fire. Both share `ms`.
 */
export function approveAndPost(ctx: AdvanceContext, pending: KoTimeEntry, ms: number): NsTimebill {
  const { store, ids } = ctx.state;
  // Updates store new objects: servers may still be paging a snapshot holding the old ones.
  const entry: KoTimeEntry = { ...pending, approved: true };
  store.timeEntries.upsert(entry, ms);
  ctx.note("updated", "kantata", "time_entries", entry.id, ms);
  const bill: NsTimebill = {
    id: ids.take("netsuite.timebill"),
    employee: ctx.employeeByUser.get(entry.user_id) ?? "",
    customer: ctx.jobByWorkspace.get(entry.workspace_id)?.id ?? "",
    hours: entry.time_in_minutes / 60,
    isbillable: entry.billable ? "T" : "F",
    rate: entry.rate_in_cents / 100,
    trandate: netsuiteDay(dayOf(entry.date_performed)),
    approvalstatus: "2",
    externalid: `KOX-TE-${entry.id}`,
    custcol_kantata_time_entry: entry.id,
    memo: entry.notes,
    lastmodifieddate: "",
  };
  store.timebills.upsert(bill, ms);
  ctx.note("inserted", "netsuite", "timebill", bill.id, ms);
  return bill;
}

/** Pending entries approved a few minutes ago whose postings arrive late in both systems. */
export function lateApprovals(ctx: AdvanceContext, count: number): void {
  for (let i = 0; i < count; i += 1) {
    const entry = ctx.draw(ctx.pending);
    if (!entry) return;
    const ms = ctx.lateMs();
    // A late stamp must still move the record forward; otherwise it counts as a plain update.
    const current = ctx.state.store.timeEntries.modifiedMs(entry.id) ?? 0;
    approveAndPost(ctx, entry, ms > current ? ms : ctx.atMs);
  }
}

/** Master-data edits no rule reads: customer phone numbers, job end dates pushed out a month. */
export function updateNetsuiteMasters(ctx: AdvanceContext, count: number): void {
  const { store } = ctx.state;
  const customers = [...store.customers.scanByKey()].filter(
    (c) => !ctx.untouchable("netsuite", "customer", c.id),
  );
  for (let i = 0; i < count; i += 1) {
    const customer = ctx.draw(customers);
    if (!customer) break;
    const prefix = PHONE_PREFIX[customer.subsidiary] ?? "+1 212 555";
    const phone = `${prefix} ${String(ctx.state.rng.int(1000, 9999))}`;
    const updated: NsCustomer & { phone: string } = { ...customer, phone };
    store.customers.upsert(updated, ctx.atMs);
    ctx.note("updated", "netsuite", "customer", customer.id);
  }
  const jobs = [...store.jobs.scanByKey()].filter(
    (j) =>
      !ctx.untouchable("netsuite", "job", j.id) &&
      !ctx.untouchable("kantata", "workspaces", j.externalid?.slice(7) ?? "") &&
      !Number.isNaN(parseNetsuiteDay(j.projectedenddate)),
  );
  for (let i = 0; i < count; i += 1) {
    const job = ctx.draw(jobs);
    if (!job) break;
    const projectedenddate = netsuiteDay(parseNetsuiteDay(job.projectedenddate) + 30);
    store.jobs.upsert({ ...job, projectedenddate }, ctx.atMs);
    ctx.note("updated", "netsuite", "job", job.id);
  }
}
