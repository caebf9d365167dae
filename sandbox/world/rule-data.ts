import { dayOf, parseNetsuiteDay } from "./calendar.js";
import type { FirmState } from "./firm-state.js";
import { erpCustomerNames } from "./kantata-custom-fields.js";
import type { MemoryCollection } from "./memory-collection.js";
import type { GroundTruthEntry, SandboxRecord } from "./types.js";
import type * as V from "./vendor-records.js";

/** One exception as the reference evaluation finds it (a ground-truth entry before tagging). */
export type RuleException = Omit<GroundTruthEntry, "case_id" | "description">;

/** The current data as the rules see it, with the identity links resolved once. */
export interface RuleData {
  asOfDay: number;
  accounts: Map<string, V.SfAccount>;
  opportunities: V.SfOpportunity[];
  customers: V.NsCustomer[];
  jobs: Map<string, V.NsJob>;
  jobByWorkspace: Map<string, V.NsJob>;
  employees: Map<string, V.NsEmployee>;
  timebills: V.NsTimebill[];
  billsByEntry: Map<string, V.NsTimebill[]>;
  transactionsByExternalId: Map<string, V.NsTransaction>;
  periods: Array<{ id: string; start: number; end: number; closed: boolean }>;
  groups: Map<string, V.KoWorkspaceGroup>;
  workspaces: Map<string, V.KoWorkspace>;
  stories: V.KoStory[];
  assignments: V.KoAssignment[];
  entries: Map<string, V.KoTimeEntry>;
  invoices: V.KoInvoice[];
  workers: V.WdWorker[];
  users: Map<string, V.KoUser>;
  /** Kantata ref lookups: subject id → referenced id, per link kind. */
  opportunityByWorkspace: Map<string, string>;
  /** Client group → the NetSuite customers it links to (several for a client with one per subsidiary). */
  customersByGroup: Map<string, string[]>;
  /** Client group → its "ERP customer name" custom field's newest value (R08 write-backs set it). */
  erpNameByGroup: Map<string, string | null>;
  employeeIdByUser: Map<string, string>;
  userByEmployeeId: Map<string, string>;
}

/** Live records in key order, with broken records seen as their last good version. */
function live<R extends SandboxRecord>(state: FirmState, collection: MemoryCollection<R>): R[] {
  const out: R[] = [];
  for (const record of collection.scanByKey()) {
    const id = String(record[collection.primaryKey]);
    const broken = state.broken.get(`${collection.system}.${collection.name}:${id}`);
    out.push(broken ? (broken.original as R) : record);
  }
  return out;
}

const byId = <R extends SandboxRecord>(rows: R[], key: keyof R & string) =>
  new Map(rows.map((r) => [String(r[key]), r]));

/** Reads every collection the rules need and resolves the deterministic identity links. */
export function loadRuleData(state: FirmState): RuleData {
  const s = state.store;
  const jobs = live(state, s.jobs);
  const jobByWorkspace = new Map<string, V.NsJob>();
  for (const job of jobs) {
    if (job.externalid?.startsWith("KOX-WS-")) jobByWorkspace.set(job.externalid.slice(7), job);
  }
  const timebills = live(state, s.timebills);
  const billsByEntry = new Map<string, V.NsTimebill[]>();
  for (const bill of timebills) {
    const entryId = bill.custcol_kantata_time_entry;
    if (!entryId) continue;
    const list = billsByEntry.get(entryId);
    if (list) list.push(bill);
    else billsByEntry.set(entryId, [bill]);
  }
  const transactionsByExternalId = new Map<string, V.NsTransaction>();
  for (const tx of live(state, s.transactions)) {
    if (tx.type === "CustInvc" && tx.externalid) transactionsByExternalId.set(tx.externalid, tx);
  }
  const opportunityByWorkspace = new Map<string, string>();
  const customersByGroup = new Map<string, string[]>();
  const employeeIdByUser = new Map<string, string>();
  for (const ref of live(state, s.externalRefs)) {
    const kind = `${ref.subject_type}/${ref.service_name}/${ref.service_model}`;
    if (kind === "Workspace/Salesforce/Opportunity")
      opportunityByWorkspace.set(ref.subject_id, ref.service_model_ref);
    if (kind === "WorkspaceGroup/NetSuite/customer") {
      const linked = customersByGroup.get(ref.subject_id) ?? [];
      if (!linked.includes(ref.service_model_ref)) linked.push(ref.service_model_ref);
      customersByGroup.set(ref.subject_id, linked);
    }
    if (kind === "User/Workday/Worker") employeeIdByUser.set(ref.subject_id, ref.service_model_ref);
  }
  const workers = live(state, s.workers);
  const users = byId(live(state, s.users), "id");
  const byEmail = new Map(workers.map((w) => [w.Email.toLowerCase(), w.Employee_ID]));
  for (const user of users.values()) {
    if (employeeIdByUser.has(user.id)) continue;
    const match = byEmail.get(user.email_address.toLowerCase());
    if (match) employeeIdByUser.set(user.id, match);
  }
  const userByEmployeeId = new Map<string, string>();
  for (const [user, employee] of employeeIdByUser) userByEmployeeId.set(employee, user);
  return {
    asOfDay: dayOf(state.asOf),
    accounts: byId(live(state, s.accounts), "Id"),
    opportunities: live(state, s.opportunities),
    customers: live(state, s.customers),
    jobs: byId(jobs, "id"),
    jobByWorkspace,
    employees: byId(live(state, s.employees), "id"),
    timebills,
    billsByEntry,
    transactionsByExternalId,
    periods: live(state, s.periods).map((p) => ({
      id: p.id,
      start: parseNetsuiteDay(p.startdate),
      end: parseNetsuiteDay(p.enddate),
      closed: p.closed === "T",
    })),
    groups: byId(live(state, s.groups), "id"),
    workspaces: byId(live(state, s.workspaces), "id"),
    stories: live(state, s.stories),
    assignments: live(state, s.assignments),
    entries: byId(live(state, s.timeEntries), "id"),
    invoices: live(state, s.invoices),
    workers,
    users,
    opportunityByWorkspace,
    customersByGroup,
    erpNameByGroup: erpCustomerNames(live(state, s.customFieldValues)),
    employeeIdByUser,
    userByEmployeeId,
  };
}

/** The workspace's client group (the first of its groups with company = true). */
export function clientGroupOf(data: RuleData, workspace: V.KoWorkspace): string | undefined {
  return workspace.workspace_group_ids.find((id) => data.groups.get(id)?.company === true);
}

/** Billable amount of a Kantata entry, unrounded. */
export function entryAmount(entry: V.KoTimeEntry): number {
  return entry.billable ? (entry.time_in_minutes * entry.rate_in_cents) / 6000 : 0;
}

/** Billable amount of a NetSuite time bill, unrounded. */
export function billAmount(bill: V.NsTimebill): number {
  return bill.isbillable === "T" ? bill.hours * bill.rate : 0;
}

/** The primary posting: externalid KOX-TE-<entry>, else the lowest id. */
export function primaryPosting(entryId: string, bills: V.NsTimebill[]): V.NsTimebill {
  const byExternalId = bills.find((b) => b.externalid === `KOX-TE-${entryId}`);
  if (byExternalId) return byExternalId;
  return bills.reduce((low, b) => (Number(b.id) < Number(low.id) ? b : low));
}
