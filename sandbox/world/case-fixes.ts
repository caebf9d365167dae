import { dayOf, isoDay, netsuiteDay } from "./calendar.js";
import { addExternalRef } from "./external-refs.js";
import type { FirmState } from "./firm-state.js";
import { fixProjectCase } from "./project-fixes.js";
import { referenceExceptions } from "./reference-rules.js";
import type { RuleException } from "./rule-data.js";
import { DEFAULT_THRESHOLDS } from "./rule-thresholds.js";
import { normaliseName } from "./rules-parties.js";
import { employeeOfUser, jobOfWorkspace, postEntry } from "./world-lookups.js";
import type { FixOptions } from "./world-options.js";

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

/** Repairs open planted cases at their source, as a person would; returns the case ids fixed. */
export function applyFixes(state: FirmState, options: FixOptions): string[] {
  const byKey = new Map(state.planted.map((c) => [`${c.rule_id}|${c.canonical_key}`, c.case_id]));
  const wanted = options.caseIds ? new Set(options.caseIds) : undefined;
  const open = referenceExceptions(state, DEFAULT_THRESHOLDS)
    .map((e) => ({ e, caseId: byKey.get(`${e.rule_id}|${e.canonical_key}`) }))
    .filter(
      ({ e, caseId }) => caseId !== undefined && (!options.rule || e.rule_id === options.rule),
    )
    .filter(({ caseId }) => !wanted || wanted.has(caseId!));
  const chosen = open.slice(0, options.count ?? open.length);
  const atMs = state.now();
  for (const { e } of chosen) fixOne(state, e, atMs);
  return chosen.map(({ caseId }) => caseId!);
}

const id = (
  e: RuleException,
  system: "kantata" | "netsuite" | "salesforce" | "workday",
  key: string,
) => String(e.systems[system]?.[key]);

function fixOne(state: FirmState, e: RuleException, atMs: number): void {
  const s = state.store;
  switch (e.rule_id) {
    case "R01":
    case "R15": {
      const entry = s.timeEntries.get(id(e, "kantata", "time_entry"))!;
      const day = dayOf(entry.date_performed);
      const firstOpen = [...s.periods.scanByKey()].find((p) => p.closed === "F");
      postEntry(
        state,
        entry,
        e.rule_id === "R15" && firstOpen ? firstOpen.startdate : netsuiteDay(day),
        atMs,
      );
      return;
    }
    case "R02": {
      const entry = s.timeEntries.get(id(e, "kantata", "time_entry"))!;
      const bill = s.timebills.get(String(e.details.timebill_id))!;
      bill.hours = entry.time_in_minutes / 60;
      bill.isbillable = entry.billable ? "T" : "F";
      bill.customer = jobOfWorkspace(state, entry.workspace_id)?.id ?? bill.customer;
      bill.employee = employeeOfUser(state, entry.user_id) ?? bill.employee;
      s.timebills.upsert(bill, atMs);
      return;
    }
    case "R03": {
      if (e.details.reason === "entry_deleted") {
        s.timebills.remove(id(e, "netsuite", "timebill"), atMs);
        return;
      }
      const entry = s.timeEntries.get(id(e, "kantata", "time_entry"))!;
      entry.approved = true;
      s.timeEntries.upsert(entry, atMs);
      return;
    }
    case "R04": {
      const ids = e.details.timebill_ids as string[];
      for (const bill of ids)
        if (bill !== e.details.primary_timebill_id) s.timebills.remove(bill, atMs);
      return;
    }
    case "R08":
      fixCustomer(state, e, atMs);
      return;
    case "R09": {
      const userId = id(e, "kantata", "user");
      const user = s.users.get(userId)!;
      user.disabled = true;
      s.users.upsert(user, atMs);
      const open = new Set(
        [...s.stories.scanByKey()].filter((st) => st.state !== "completed").map((st) => st.id),
      );
      for (const a of [...s.assignments.scanByKey()]) {
        if (a.assignee_id === userId && open.has(a.story_id)) s.assignments.remove(a.id, atMs);
      }
      const worker = s.workers.get(id(e, "workday", "worker"))!;
      let last = dayOf(worker.Termination_Date);
      for (const entry of s.timeEntries.scanByKey()) {
        if (entry.user_id === userId) last = Math.max(last, dayOf(entry.date_performed));
      }
      worker.Termination_Date = isoDay(last);
      s.workers.upsert(worker, atMs);
      return;
    }
    case "R10": {
      const worker = s.workers.get(id(e, "workday", "worker"))!;
      const user = s.users.get(id(e, "kantata", "user"))!;
      user.cost_rate_in_cents = Math.round(Number(worker.Cost_Rate) * 100);
      user.cost_rate_currency = worker.Cost_Rate_Currency;
      s.users.upsert(user, atMs);
      return;
    }
    default:
      fixProjectCase(state, e, atMs);
  }
}

function fixCustomer(state: FirmState, e: RuleException, atMs: number): void {
  const s = state.store;
  const fields = e.details.mismatched_fields as string[];
  if (fields.includes("erp_link")) {
    const group = s.groups.get(id(e, "kantata", "workspace_group"))!;
    const customer = [...s.customers.scanByKey()].find((c) => c.companyname === group.name)!;
    addExternalRef(state, "WorkspaceGroup", group.id, "NetSuite", "customer", customer.id, atMs);
    return;
  }
  const customer = s.customers.get(id(e, "netsuite", "customer"))!;
  const accounts = [...s.accounts.scanByKey()];
  const account =
    accounts.find((a) => a.Id === customer.externalid) ??
    accounts.find((a) => a.Name.toLowerCase() === customer.companyname.toLowerCase())!;
  customer.externalid = account.Id;
  customer.companyname = account.Name;
  customer.currency = account.CurrencyIsoCode;
  customer.subsidiary = SUBSIDIARY_BY_COUNTRY[account.BillingCountry] ?? customer.subsidiary;
  s.customers.upsert(customer, atMs);
  // A client group of the customer under another name (a legacy duplicate) takes its name.
  for (const ref of [...s.externalRefs.scanByKey()]) {
    const kind = `${ref.subject_type}/${ref.service_name}/${ref.service_model}`;
    if (kind !== "WorkspaceGroup/NetSuite/customer" || ref.service_model_ref !== customer.id)
      continue;
    const group = s.groups.get(ref.subject_id);
    if (!group || normaliseName(group.name) === normaliseName(customer.companyname)) continue;
    s.groups.upsert({ ...group, name: customer.companyname }, atMs);
  }
}
