import { dayOf } from "./calendar.js";
import { round2 } from "./rounding.js";
import {
  billAmount,
  entryAmount,
  primaryPosting,
  type RuleData,
  type RuleException,
} from "./rule-data.js";
import type { Thresholds } from "./rule-thresholds.js";
import type { KoTimeEntry } from "./vendor-records.js";

/** R01 and R15: approved time with no NetSuite time bill, split by period state. */
export function unpostedTime(data: RuleData, t: Thresholds): RuleException[] {
  const out: RuleException[] = [];
  for (const entry of data.entries.values()) {
    if (!entry.approved || data.billsByEntry.has(entry.id)) continue;
    const day = dayOf(entry.date_performed);
    const period = data.periods.find((p) => p.start <= day && day <= p.end);
    const age = data.asOfDay - day;
    const closed = period?.closed === true;
    if (!closed && age <= t.r01_grace_days) continue;
    out.push({
      rule_id: closed ? "R15" : "R01",
      canonical_key: `time_entry:kantata:${entry.id}`,
      systems: { kantata: { time_entry: entry.id, workspace: entry.workspace_id } },
      hours_impact: round2(entry.time_in_minutes / 60),
      amount_impact: round2(entryAmount(entry)),
      currency: entry.currency,
      details: closed
        ? { date_performed: entry.date_performed, period_id: period!.id }
        : {
            date_performed: entry.date_performed,
            age_days: age,
            workspace_id: entry.workspace_id,
            user_id: entry.user_id,
            billable: entry.billable,
          },
    });
  }
  return out;
}

/** R02: the primary posting differs from the approved entry. */
export function postedTimeMismatch(data: RuleData, t: Thresholds): RuleException[] {
  const out: RuleException[] = [];
  for (const [entryId, bills] of data.billsByEntry) {
    const entry = data.entries.get(entryId);
    if (!entry?.approved) continue;
    const bill = primaryPosting(entryId, bills);
    const fields: string[] = [];
    if (Math.abs(entry.time_in_minutes / 60 - bill.hours) > t.r02_hours_tolerance)
      fields.push("hours");
    if (entry.billable !== (bill.isbillable === "T")) fields.push("billable");
    if (data.jobByWorkspace.get(entry.workspace_id)?.id !== bill.customer) fields.push("project");
    const employeeId = data.employees.get(bill.employee)?.externalid;
    if (employeeId !== data.employeeIdByUser.get(entry.user_id)) fields.push("worker");
    if (fields.length === 0) continue;
    out.push({
      rule_id: "R02",
      canonical_key: `time_entry:kantata:${entry.id}`,
      systems: { kantata: { time_entry: entry.id }, netsuite: { timebill: bill.id } },
      hours_impact: round2(entry.time_in_minutes / 60 - bill.hours),
      amount_impact: round2(entryAmount(entry) - billAmount(bill)),
      currency: entry.currency,
      details: { mismatched_fields: fields, timebill_id: bill.id },
    });
  }
  return out;
}

/** R03: postings whose entry is deleted or unapproved. */
export function postingWithoutApproval(data: RuleData): RuleException[] {
  const out: RuleException[] = [];
  for (const bill of data.timebills) {
    const entryId = bill.custcol_kantata_time_entry;
    if (!entryId) continue;
    const entry: KoTimeEntry | undefined = data.entries.get(entryId);
    if (entry?.approved) continue;
    const currency = data.jobs.get(bill.customer)?.currency ?? null;
    out.push({
      rule_id: "R03",
      canonical_key: `timebill:netsuite:${bill.id}`,
      systems: { netsuite: { timebill: bill.id }, kantata: { time_entry: entryId } },
      hours_impact: round2(-bill.hours),
      amount_impact: currency === null ? null : round2(-billAmount(bill)),
      currency,
      details: { reason: entry ? "entry_unapproved" : "entry_deleted", time_entry_id: entryId },
    });
  }
  return out;
}

/** R04: more than one posting for one entry. */
export function duplicatePosting(data: RuleData): RuleException[] {
  const out: RuleException[] = [];
  for (const [entryId, bills] of data.billsByEntry) {
    if (bills.length < 2) continue;
    const primary = primaryPosting(entryId, bills);
    const extras = bills.filter((b) => b !== primary);
    const currency = data.jobs.get(primary.customer)?.currency ?? null;
    const ids = bills.map((b) => b.id).sort((a, b) => Number(a) - Number(b));
    out.push({
      rule_id: "R04",
      canonical_key: `time_entry:kantata:${entryId}`,
      systems: { kantata: { time_entry: entryId }, netsuite: { timebill: ids } },
      hours_impact: round2(-extras.reduce((sum, b) => sum + b.hours, 0)),
      amount_impact:
        currency === null ? null : round2(-extras.reduce((sum, b) => sum + billAmount(b), 0)),
      currency,
      details: { timebill_ids: ids, primary_timebill_id: primary.id },
    });
  }
  return out;
}
