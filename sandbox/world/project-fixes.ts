import { dayOf, isoDay, kantataStamp, netsuiteDay } from "./calendar.js";
import { addExternalRef } from "./external-refs.js";
import type { FirmState } from "./firm-state.js";
import { addCustInvc } from "./netsuite-writes.js";
import { koStatus, STATUSES } from "./project-status.js";
import type { RuleException } from "./rule-data.js";
import type { KoWorkspace, NsJob } from "./vendor-records.js";
import { jobOfWorkspace } from "./world-lookups.js";

const SUBSIDIARY_BY_CURRENCY: Record<string, string> = { USD: "1", GBP: "2", EUR: "3" };

/** Fixes the project and billing cases: R05–R07 and R11–R14. */
export function fixProjectCase(state: FirmState, e: RuleException, atMs: number): void {
  const s = state.store;
  const wsId = String(e.systems.kantata?.workspace ?? "");
  switch (e.rule_id) {
    case "R05":
      createJob(state, s.workspaces.get(wsId)!, "TM", atMs);
      return;
    case "R06": {
      const ws = s.workspaces.get(wsId)!;
      const job = jobOfWorkspace(state, wsId)!;
      Object.assign(job, jobFields(state, ws));
      s.jobs.upsert(job, atMs);
      return;
    }
    case "R07":
      createProjectForDeal(state, String(e.systems.salesforce?.opportunity), atMs);
      return;
    case "R11":
      invoiceUnbilled(state, wsId, atMs);
      return;
    case "R12":
      correctInvoice(state, String(e.systems.kantata?.invoice), e, atMs);
      return;
    case "R13": {
      const story = s.stories.get(String(e.systems.kantata?.story))!;
      const ws = s.workspaces.get(story.workspace_id)!;
      const cents = story.budget_estimate_in_cents ?? 0;
      addCustInvc(state, {
        jobId: jobOfWorkspace(state, ws.id)?.id ?? "",
        day: dayOf(state.asOf),
        currency: ws.currency,
        cents,
        lines: [cents],
        externalid: `KOX-MS-${story.id}`,
        paid: false,
        atMs,
      });
      return;
    }
    case "R14": {
      const opp = s.opportunities.get(String(e.systems.salesforce?.opportunity))!;
      opp.Amount = s.workspaces.get(wsId)!.price_in_cents / 100;
      s.opportunities.upsert(opp, atMs);
      return;
    }
    default:
      return;
  }
}

/**
 * The job fields a workspace implies. Its customer is the one its client group links to; when the
 * group links to several (a customer per subsidiary), the one in the workspace's currency.
 */
function jobFields(state: FirmState, ws: KoWorkspace): Partial<NsJob> {
  const groups = new Set(ws.workspace_group_ids);
  const refs = [...state.store.externalRefs.scanByKey()].filter(
    (r) =>
      r.subject_type === "WorkspaceGroup" &&
      groups.has(r.subject_id) &&
      r.service_name === "NetSuite",
  );
  const linked = [...new Set(refs.map((r) => r.service_model_ref))];
  const inCurrency = linked.filter((id) => state.store.customers.get(id)?.currency === ws.currency);
  const customer =
    linked.length === 1 ? linked[0] : inCurrency.length === 1 ? inCurrency[0] : undefined;
  const fields: Partial<NsJob> = {
    currency: ws.currency,
    subsidiary: SUBSIDIARY_BY_CURRENCY[ws.currency] ?? "1",
    entitystatus: STATUSES[ws.status.key]!.erp,
    projectedtotalvalue: ws.price_in_cents / 100,
  };
  if (customer !== undefined) {
    fields.parent = customer;
    fields.customer = customer;
  }
  return fields;
}

function createJob(
  state: FirmState,
  ws: KoWorkspace,
  type: NsJob["jobbillingtype"],
  atMs: number,
): NsJob {
  const id = state.ids.take("netsuite.job");
  const job: NsJob = {
    id,
    entityid: `PRJ-${id}`,
    companyname: ws.title,
    parent: "",
    customer: "",
    externalid: `KOX-WS-${ws.id}`,
    subsidiary: "1",
    currency: ws.currency,
    entitystatus: "3",
    jobbillingtype: type,
    startdate: netsuiteDay(dayOf(ws.start_date)),
    projectedenddate: netsuiteDay(dayOf(ws.due_date)),
    projectedtotalvalue: 0,
    lastmodifieddate: "",
    ...jobFields(state, ws),
  };
  state.store.jobs.upsert(job, atMs);
  return job;
}

function createProjectForDeal(state: FirmState, oppId: string, atMs: number): void {
  const s = state.store;
  const opp = s.opportunities.get(oppId)!;
  const customer = [...s.customers.scanByKey()].find((c) => c.externalid === opp.AccountId)!;
  const group = [...s.externalRefs.scanByKey()].find(
    (r) => r.subject_type === "WorkspaceGroup" && r.service_model_ref === customer.id,
  )!.subject_id;
  const start = dayOf(state.asOf) + 7;
  const ws: KoWorkspace = {
    id: state.ids.take("kantata.workspaces"),
    title: opp.Name,
    currency: opp.CurrencyIsoCode,
    price_in_cents: Math.round(opp.Amount * 100),
    budgeted: true,
    start_date: isoDay(start),
    due_date: isoDay(start + 180),
    status: koStatus(200),
    archived: false,
    workspace_group_ids: [group],
    created_at: kantataStamp(atMs),
    updated_at: "",
  };
  s.workspaces.upsert(ws, atMs);
  addExternalRef(state, "Workspace", ws.id, "Salesforce", "Opportunity", opp.Id, atMs);
  createJob(state, ws, "TM", atMs);
}

function invoiceUnbilled(state: FirmState, wsId: string, atMs: number): void {
  const s = state.store;
  const ws = s.workspaces.get(wsId)!;
  // A person invoices everything outstanding on the project, not only the aged part.
  const entries = [...s.timeEntries.scanByKey()].filter(
    (t) => t.workspace_id === wsId && t.approved && t.billable && !t.is_invoiced,
  );
  const invoiceId = state.ids.take("kantata.invoices");
  let cents = 0;
  for (const entry of entries) {
    cents += (entry.time_in_minutes * entry.rate_in_cents) / 60;
    entry.is_invoiced = true;
    entry.invoice_id = invoiceId;
    s.timeEntries.upsert(entry, atMs);
  }
  s.invoices.upsert(
    {
      id: invoiceId,
      workspace_id: wsId,
      invoice_date: state.asOf,
      currency: ws.currency,
      status: "sent",
      amount_in_cents: Math.round(cents),
      created_at: kantataStamp(atMs),
      updated_at: "",
    },
    atMs,
  );
  addCustInvc(state, {
    jobId: jobOfWorkspace(state, wsId)?.id ?? "",
    day: dayOf(state.asOf),
    currency: ws.currency,
    cents,
    lines: [cents],
    externalid: `KOX-INV-${invoiceId}`,
    paid: false,
    atMs,
  });
}

function correctInvoice(state: FirmState, invoiceId: string, e: RuleException, atMs: number): void {
  const s = state.store;
  const expectedCents = Math.round(Number(e.details.expected) * 100);
  const txId = e.details.erp_transaction_id;
  const invoice = s.invoices.get(invoiceId)!;
  if (typeof txId !== "string") {
    addCustInvc(state, {
      jobId: jobOfWorkspace(state, invoice.workspace_id)?.id ?? "",
      day: dayOf(invoice.invoice_date),
      currency: invoice.currency,
      cents: expectedCents,
      lines: [expectedCents],
      externalid: `KOX-INV-${invoiceId}`,
      paid: false,
      atMs,
    });
    return;
  }
  const tx = s.transactions.get(txId)!;
  const gap = expectedCents / 100 - tx.foreigntotal;
  tx.foreigntotal = expectedCents / 100;
  s.transactions.upsert(tx, atMs);
  const lines = [...s.transactionLines.scanByKey()]
    .filter((l) => l.transaction === txId)
    .slice(0, 2);
  for (const line of lines) {
    line.netamount += gap;
    line.foreignamount += gap;
    s.transactionLines.upsert(line, atMs);
  }
}
