import { dayOf } from "./calendar.js";
import { STATUSES } from "./project-status.js";
import { round2 } from "./rounding.js";
import { clientGroupOf, type RuleData, type RuleException } from "./rule-data.js";
import type { Thresholds } from "./rule-thresholds.js";
import type { KoWorkspace } from "./vendor-records.js";

const isActive = (ws: KoWorkspace) => !ws.archived && ws.status.key < 400;

/** R05: active workspaces with no NetSuite job. */
export function projectMissingInErp(data: RuleData): RuleException[] {
  const out: RuleException[] = [];
  for (const ws of data.workspaces.values()) {
    if (!isActive(ws) || data.jobByWorkspace.has(ws.id)) continue;
    out.push({
      rule_id: "R05",
      canonical_key: `project:kantata:${ws.id}`,
      systems: { kantata: { workspace: ws.id } },
      hours_impact: null,
      amount_impact: round2(ws.price_in_cents / 100),
      currency: ws.currency,
      details: { title: ws.title, status: ws.status.message },
    });
  }
  return out;
}

/**
 * R06: linked workspace/job pairs that disagree on customer, currency, status or budget. The job's
 * customer agrees when it is any of the customers the workspace's client group links to.
 */
export function projectMasterMismatch(data: RuleData, t: Thresholds): RuleException[] {
  const out: RuleException[] = [];
  for (const ws of data.workspaces.values()) {
    const job = data.jobByWorkspace.get(ws.id);
    if (!job) continue;
    const fields: string[] = [];
    const group = clientGroupOf(data, ws);
    const customers = group === undefined ? undefined : data.customersByGroup.get(group);
    if (customers !== undefined && !customers.includes(job.parent)) fields.push("customer");
    if (job.currency !== ws.currency) fields.push("currency");
    if (STATUSES[ws.status.key]?.erp !== job.entitystatus) fields.push("status");
    const budgetGap = ws.price_in_cents / 100 - job.projectedtotalvalue;
    if (Math.abs(budgetGap) > t.r06_budget_tolerance) fields.push("budget");
    if (fields.length === 0) continue;
    const withBudget = fields.includes("budget");
    out.push({
      rule_id: "R06",
      canonical_key: `project:kantata:${ws.id}`,
      systems: { kantata: { workspace: ws.id }, netsuite: { job: job.id } },
      hours_impact: null,
      amount_impact: withBudget ? round2(budgetGap) : null,
      currency: withBudget ? ws.currency : null,
      details: { mismatched_fields: fields, job_id: job.id },
    });
  }
  return out;
}

/** R07 and R14: won deals without a project, and won deals whose value disagrees. */
export function wonDeals(data: RuleData, t: Thresholds): RuleException[] {
  const workspaceByOpportunity = new Map<string, string>();
  for (const [ws, opp] of data.opportunityByWorkspace) {
    if (data.workspaces.has(ws)) workspaceByOpportunity.set(opp, ws);
  }
  const out: RuleException[] = [];
  for (const opp of data.opportunities) {
    if (!opp.IsWon || opp.IsDeleted) continue;
    const wsId = workspaceByOpportunity.get(opp.Id);
    if (wsId === undefined) {
      const age = data.asOfDay - dayOf(opp.CloseDate);
      if (age <= t.r07_days) continue;
      out.push({
        rule_id: "R07",
        canonical_key: `opportunity:salesforce:${opp.Id}`,
        systems: { salesforce: { opportunity: opp.Id } },
        hours_impact: null,
        amount_impact: round2(opp.Amount),
        currency: opp.CurrencyIsoCode,
        details: { close_date: opp.CloseDate, age_days: age, account_id: opp.AccountId },
      });
      continue;
    }
    const ws = data.workspaces.get(wsId)!;
    const job = data.jobByWorkspace.get(wsId);
    const values = [opp.Amount, ws.price_in_cents / 100];
    if (job) values.push(job.projectedtotalvalue);
    const spread = Math.max(...values) - Math.min(...values);
    if (spread <= t.r14_tolerance) continue;
    out.push({
      rule_id: "R14",
      canonical_key: `opportunity:salesforce:${opp.Id}`,
      systems: {
        salesforce: { opportunity: opp.Id },
        kantata: { workspace: wsId },
        ...(job ? { netsuite: { job: job.id } } : {}),
      },
      hours_impact: null,
      amount_impact: round2(spread),
      currency: opp.CurrencyIsoCode,
      details: {
        crm: opp.Amount,
        psa: ws.price_in_cents / 100,
        erp: job?.projectedtotalvalue ?? null,
      },
    });
  }
  return out;
}
