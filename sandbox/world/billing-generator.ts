import { isoDay, kantataStamp, monthStart, netsuiteDay } from "./calendar.js";
import type { GenContext, ProjectPlan } from "./firm-model.js";
import { addCustInvc } from "./netsuite-writes.js";

/** A Kantata invoice and the NetSuite invoice that carries it. */
export interface InvoiceLink {
  invoiceId: string;
  transactionId: string;
  project: number;
  expectedCents: number;
}

/** Posts approved time to NetSuite and bills T&M months, retainers and completed milestones. */
export function generateBilling(ctx: GenContext): InvoiceLink[] {
  postTime(ctx);
  const links = invoiceTime(ctx);
  for (const project of ctx.projects) {
    if (project.jobId === null) continue;
    if (project.type === "CB") links.push(...invoiceRetainer(ctx, project));
    if (project.type === "FFM") invoiceMilestones(ctx, project);
  }
  return links;
}

function postTime(ctx: GenContext): void {
  const t = ctx.entries;
  for (let i = 0; i < t.records.length; i += 1) {
    if (t.approvedDay[i]! < 0 || ctx.unposted.has(i)) continue;
    const record = t.records[i]!;
    const project = ctx.projects[t.project[i]!]!;
    const id = ctx.state.ids.take("netsuite.timebill");
    ctx.postings.set(i, id);
    const ms = ctx.state.clock.at(t.approvedDay[i]!, t.approvedMinute[i]! + 45);
    ctx.state.store.timebills.upsert(
      {
        id,
        employee: ctx.workers[t.worker[i]!]!.nsEmployeeId,
        customer: project.jobId!,
        hours: record.time_in_minutes / 60,
        isbillable: record.billable ? "T" : "F",
        rate: record.rate_in_cents / 100,
        trandate: netsuiteDay(t.day[i]!),
        approvalstatus: "2",
        externalid: `KOX-TE-${record.id}`,
        custcol_kantata_time_entry: record.id,
        memo: record.notes,
        lastmodifieddate: "",
      },
      ms,
    );
  }
}

function invoiceTime(ctx: GenContext): InvoiceLink[] {
  const t = ctx.entries;
  const groups = new Map<string, number[]>();
  for (let i = 0; i < t.records.length; i += 1) {
    if (!t.records[i]!.billable || t.approvedDay[i]! < 0 || ctx.uninvoiced.has(i)) continue;
    const invoiceDay = monthStart(t.day[i]!, 1) + 9;
    if (invoiceDay > ctx.asOfDay) continue;
    const key = `${invoiceDay}:${t.project[i]}`;
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  }
  const keys = [...groups.keys()].sort((a, b) => {
    const [da, pa] = a.split(":").map(Number);
    const [db, pb] = b.split(":").map(Number);
    return da! - db! || pa! - pb!;
  });
  const links: InvoiceLink[] = [];
  for (const key of keys) {
    const members = groups.get(key)!;
    const [invoiceDay, p] = key.split(":").map(Number) as [number, number];
    const byUser = new Map<string, number>();
    let cents = 0;
    for (const i of members) {
      const record = t.records[i]!;
      const amount = (record.time_in_minutes * record.rate_in_cents) / 60;
      cents += amount;
      byUser.set(record.user_id, (byUser.get(record.user_id) ?? 0) + amount);
    }
    const link = writeInvoice(ctx, p, invoiceDay, cents, [...byUser.values()], true);
    const invoiceMs = ctx.state.clock.at(invoiceDay, 600);
    for (const i of members) {
      t.records[i]!.is_invoiced = true;
      t.records[i]!.invoice_id = link.invoiceId;
      t.touchedMs[i] = invoiceMs;
    }
    links.push(link);
  }
  return links;
}

function invoiceRetainer(ctx: GenContext, project: ProjectPlan): InvoiceLink[] {
  const months: number[] = [];
  for (let m = monthStart(project.startDay); m <= project.dueDay; m = monthStart(m, 1))
    months.push(m);
  const fee = Math.floor(project.priceCents / months.length / 100) * 100;
  const links: InvoiceLink[] = [];
  for (const m of months) {
    if (m + 9 > ctx.asOfDay) break;
    links.push(writeInvoice(ctx, ctx.projects.indexOf(project), m + 9, fee, [fee], true));
  }
  return links;
}

function invoiceMilestones(ctx: GenContext, project: ProjectPlan): void {
  const p = ctx.projects.indexOf(project);
  for (const milestone of project.milestones) {
    const day = milestone.dueDay + ctx.rng.int(0, 5);
    if (
      milestone.dueDay >= ctx.asOfDay ||
      day > ctx.asOfDay ||
      ctx.unbilledMilestones.has(milestone.id)
    )
      continue;
    writeTransaction(
      ctx,
      p,
      day,
      milestone.budgetCents,
      [milestone.budgetCents],
      `KOX-MS-${milestone.id}`,
    );
  }
}

function writeInvoice(
  ctx: GenContext,
  p: number,
  day: number,
  cents: number,
  lines: number[],
  withPsa: boolean,
): InvoiceLink {
  const project = ctx.projects[p]!;
  const invoiceId = ctx.state.ids.take("kantata.invoices");
  const paid = day < ctx.asOfDay - 45;
  if (withPsa) {
    const ms = ctx.state.clock.at(paid ? day + 40 : day, 600);
    ctx.state.store.invoices.upsert(
      {
        id: invoiceId,
        workspace_id: project.wsId,
        invoice_date: isoDay(day),
        currency: project.client.currency,
        status: paid ? "paid" : "sent",
        amount_in_cents: Math.round(cents),
        created_at: kantataStamp(ms),
        updated_at: "",
      },
      ms,
    );
  }
  const transactionId = writeTransaction(ctx, p, day, cents, lines, `KOX-INV-${invoiceId}`);
  return { invoiceId, transactionId, project: p, expectedCents: cents };
}

function writeTransaction(
  ctx: GenContext,
  p: number,
  day: number,
  cents: number,
  lines: number[],
  externalid: string,
): string {
  const project = ctx.projects[p]!;
  const paid = day < ctx.asOfDay - 45;
  return addCustInvc(ctx.state, {
    jobId: project.jobId!,
    day,
    currency: project.client.currency,
    cents,
    lines,
    externalid,
    paid,
    atMs: ctx.state.clock.at(paid ? day + 40 : day, 660),
  });
}
