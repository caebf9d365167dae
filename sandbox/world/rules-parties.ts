import { dayOf } from "./calendar.js";
import { round2 } from "./rounding.js";
import type { RuleData, RuleException } from "./rule-data.js";
import type { Thresholds } from "./rule-thresholds.js";

const SUBSIDIARY_BY_COUNTRY: Record<string, string> = {
  "United States": "1",
  Canada: "1",
  "United Kingdom": "2",
  Ireland: "2",
  Germany: "3",
  Austria: "3",
  Switzerland: "3",
  Netherlands: "3",
};

/** A name as R08 compares it: trimmed, lower case, each run of white space one space. */
export const normaliseName = (name: string) => name.trim().toLowerCase().replace(/\s+/g, " ");
const normalise = normaliseName;

/**
 * Kantata ids in numeric order without reading them as numbers (shorter first, then by text),
 * as the R08 model orders them.
 */
const byIdOrder = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * R08: customers whose CRM, ERP and PSA records disagree or do not link. The PSA agrees on the
 * name when its client group's name, or its "ERP customer name" custom field (where R08
 * write-backs put NetSuite's name), is NetSuite's name. A customer linked by several client
 * groups disagrees when any of them does; the exception names the first that does (in id
 * order), or the first group when none does.
 */
export function customerMasterMismatch(data: RuleData): RuleException[] {
  const out: RuleException[] = [];
  const groupsByCustomer = new Map<string, string[]>();
  for (const [group, customers] of data.customersByGroup)
    for (const customer of customers)
      groupsByCustomer.set(customer, [...(groupsByCustomer.get(customer) ?? []), group]);
  for (const group of data.groups.values()) {
    if (!group.company || data.customersByGroup.has(group.id)) continue;
    out.push({
      rule_id: "R08",
      canonical_key: `customer:kantata:${group.id}`,
      systems: { kantata: { workspace_group: group.id } },
      hours_impact: null,
      amount_impact: null,
      currency: null,
      details: { mismatched_fields: ["erp_link"], psa_name: group.name },
    });
  }
  for (const customer of data.customers) {
    const account = customer.externalid ? data.accounts.get(customer.externalid) : undefined;
    const fields: string[] = [];
    if (!account) fields.push("crm_link");
    const erpName = normalise(customer.companyname);
    const psaDiffersIn = (groupId: string) => {
      const group = data.groups.get(groupId);
      const erpNameInPsa = data.erpNameByGroup.get(groupId);
      return (
        group !== undefined &&
        normalise(group.name) !== erpName &&
        (erpNameInPsa == null || normalise(erpNameInPsa) !== erpName)
      );
    };
    const linked = (groupsByCustomer.get(customer.id) ?? []).sort(byIdOrder);
    const groupId = linked.find(psaDiffersIn) ?? linked[0];
    const group = groupId === undefined ? undefined : data.groups.get(groupId);
    const erpNameInPsa = groupId === undefined ? undefined : data.erpNameByGroup.get(groupId);
    const crmDiffers = account !== undefined && normalise(account.Name) !== erpName;
    const psaDiffers = groupId !== undefined && psaDiffersIn(groupId);
    if (crmDiffers || psaDiffers) fields.push("name");
    if (account && customer.currency !== account.CurrencyIsoCode) fields.push("currency");
    if (account && customer.subsidiary !== SUBSIDIARY_BY_COUNTRY[account.BillingCountry]) {
      fields.push("legal_entity");
    }
    if (fields.length === 0) continue;
    out.push({
      rule_id: "R08",
      canonical_key: `customer:netsuite:${customer.id}`,
      systems: {
        netsuite: { customer: customer.id },
        ...(account ? { salesforce: { account: account.Id } } : {}),
        ...(groupId ? { kantata: { workspace_group: groupId } } : {}),
      },
      hours_impact: null,
      amount_impact: null,
      currency: null,
      details: {
        mismatched_fields: fields,
        erp: {
          name: customer.companyname,
          currency: customer.currency,
          subsidiary: customer.subsidiary,
        },
        crm: account
          ? {
              name: account.Name,
              currency: account.CurrencyIsoCode,
              country: account.BillingCountry,
            }
          : null,
        psa: group ? { name: group.name, erp_customer_name: erpNameInPsa ?? null } : null,
      },
    });
  }
  return out;
}

/** R09: terminated workers still active, assigned or logging time in Kantata. */
export function terminatedWorkerActive(data: RuleData): RuleException[] {
  const openStories = new Set(data.stories.filter((s) => s.state !== "completed").map((s) => s.id));
  const assigned = new Set(
    data.assignments.filter((a) => openStories.has(a.story_id)).map((a) => a.assignee_id),
  );
  const terminated = new Map<string, number>();
  for (const worker of data.workers) {
    if (worker.Termination_Date === "") continue;
    const day = dayOf(worker.Termination_Date);
    if (day > data.asOfDay) continue;
    const user = data.userByEmployeeId.get(worker.Employee_ID);
    if (user !== undefined) terminated.set(user, day);
  }
  const minutesAfter = new Map<string, number>();
  for (const entry of data.entries.values()) {
    const termDay = terminated.get(entry.user_id);
    if (termDay === undefined || dayOf(entry.date_performed) <= termDay) continue;
    minutesAfter.set(entry.user_id, (minutesAfter.get(entry.user_id) ?? 0) + entry.time_in_minutes);
  }
  const out: RuleException[] = [];
  for (const worker of data.workers) {
    const userId = data.userByEmployeeId.get(worker.Employee_ID);
    if (userId === undefined || !terminated.has(userId)) continue;
    const reasons: string[] = [];
    if (data.users.get(userId)?.disabled === false) reasons.push("active_in_psa");
    if (assigned.has(userId)) reasons.push("assigned");
    const minutes = minutesAfter.get(userId) ?? 0;
    if (minutes > 0) reasons.push("time_after_termination");
    if (reasons.length === 0) continue;
    out.push({
      rule_id: "R09",
      canonical_key: `worker:workday:${worker.Employee_ID}`,
      systems: { workday: { worker: worker.Employee_ID }, kantata: { user: userId } },
      hours_impact: round2(minutes / 60),
      amount_impact: null,
      currency: null,
      details: { reasons, termination_date: worker.Termination_Date, user_id: userId },
    });
  }
  return out;
}

/** R10: Kantata cost rate missing or different from Workday's. */
export function costRateMismatch(data: RuleData, t: Thresholds): RuleException[] {
  const out: RuleException[] = [];
  for (const worker of data.workers) {
    if (worker.Active_Status !== "1") continue;
    const userId = data.userByEmployeeId.get(worker.Employee_ID);
    const user = userId === undefined ? undefined : data.users.get(userId);
    if (!user) continue;
    const hris = Number(worker.Cost_Rate);
    const psa = (user.cost_rate_in_cents ?? 0) / 100;
    let reason: string | null = null;
    if (!user.cost_rate_in_cents) reason = "missing";
    else if (user.cost_rate_currency !== worker.Cost_Rate_Currency) reason = "currency";
    else if (Math.abs(psa - hris) > t.r10_rate_tolerance) reason = "different";
    if (reason === null) continue;
    out.push({
      rule_id: "R10",
      canonical_key: `worker:workday:${worker.Employee_ID}`,
      systems: { workday: { worker: worker.Employee_ID }, kantata: { user: user.id } },
      hours_impact: null,
      amount_impact: round2(hris - psa),
      currency: worker.Cost_Rate_Currency,
      details: {
        reason,
        psa_cost_rate: user.cost_rate_in_cents === null ? null : psa,
        hris_cost_rate: hris,
      },
    });
  }
  return out;
}
