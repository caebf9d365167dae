import { dayOf, isoDay } from "./calendar.js";
import { round2 } from "./rounding.js";
import { entryAmount, type RuleData, type RuleException } from "./rule-data.js";
import type { Thresholds } from "./rule-thresholds.js";

const isTimeAndMaterials = (data: RuleData, wsId: string) =>
  data.jobByWorkspace.get(wsId)?.jobbillingtype === "TM";

/** R11: approved billable T&M time not invoiced after r11_unbilled_days, one per project. */
export function unbilledTimeAging(data: RuleData, t: Thresholds): RuleException[] {
  const byProject = new Map<
    string,
    { minutes: number; amount: number; count: number; oldest: number }
  >();
  for (const entry of data.entries.values()) {
    if (!entry.approved || !entry.billable || entry.is_invoiced) continue;
    const day = dayOf(entry.date_performed);
    if (data.asOfDay - day <= t.r11_unbilled_days || !isTimeAndMaterials(data, entry.workspace_id))
      continue;
    const sum = byProject.get(entry.workspace_id) ?? {
      minutes: 0,
      amount: 0,
      count: 0,
      oldest: day,
    };
    sum.minutes += entry.time_in_minutes;
    sum.amount += entryAmount(entry);
    sum.count += 1;
    sum.oldest = Math.min(sum.oldest, day);
    byProject.set(entry.workspace_id, sum);
  }
  return [...byProject].map(([wsId, sum]) => ({
    rule_id: "R11",
    canonical_key: `project:kantata:${wsId}`,
    systems: { kantata: { workspace: wsId } },
    hours_impact: round2(sum.minutes / 60),
    amount_impact: round2(sum.amount),
    currency: data.workspaces.get(wsId)?.currency ?? null,
    details: { entry_count: sum.count, oldest_date: isoDay(sum.oldest) },
  }));
}

/** R12: T&M invoices whose NetSuite total differs from their billable time. */
export function invoiceAmountMismatch(data: RuleData, t: Thresholds): RuleException[] {
  const expected = new Map<string, number>();
  for (const entry of data.entries.values()) {
    if (entry.invoice_id === null) continue;
    expected.set(entry.invoice_id, (expected.get(entry.invoice_id) ?? 0) + entryAmount(entry));
  }
  const out: RuleException[] = [];
  for (const invoice of data.invoices) {
    if (!isTimeAndMaterials(data, invoice.workspace_id)) continue;
    const tx = data.transactionsByExternalId.get(`KOX-INV-${invoice.id}`);
    const want = expected.get(invoice.id) ?? 0;
    const erp = tx?.foreigntotal ?? 0;
    if (Math.abs(want - erp) <= t.r12_tolerance) continue;
    out.push({
      rule_id: "R12",
      canonical_key: `invoice:kantata:${invoice.id}`,
      systems: {
        kantata: { invoice: invoice.id },
        ...(tx ? { netsuite: { transaction: tx.id } } : {}),
      },
      hours_impact: null,
      amount_impact: round2(want - erp),
      currency: invoice.currency,
      details: {
        expected: round2(want),
        erp_total: erp,
        erp_transaction_id: tx?.id ?? null,
        psa_amount: invoice.amount_in_cents / 100,
      },
    });
  }
  return out;
}

/** R13: completed billing milestones with no NetSuite invoice after the grace period. */
export function milestoneNotInvoiced(data: RuleData, t: Thresholds): RuleException[] {
  const out: RuleException[] = [];
  for (const story of data.stories) {
    if (story.story_type !== "milestone" || story.state !== "completed") continue;
    if (!story.budget_estimate_in_cents || story.budget_estimate_in_cents <= 0) continue;
    if (data.asOfDay - dayOf(story.due_date) <= t.r13_grace_days) continue;
    if (data.transactionsByExternalId.has(`KOX-MS-${story.id}`)) continue;
    const currency = data.workspaces.get(story.workspace_id)?.currency ?? null;
    out.push({
      rule_id: "R13",
      canonical_key: `milestone:kantata:${story.id}`,
      systems: { kantata: { story: story.id, workspace: story.workspace_id } },
      hours_impact: null,
      amount_impact: currency === null ? null : round2(story.budget_estimate_in_cents / 100),
      currency,
      details: { workspace_id: story.workspace_id, due_date: story.due_date },
    });
  }
  return out;
}
