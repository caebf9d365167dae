import type { World } from "../../sandbox/world/world.js";

/** Per `project_id|YYYY-MM`: hours, cost and billed amount computed straight from the sandbox. */
export type Tally = Map<string, { hours: number; cost: number; billed: number }>;

const monthOf = (isoDate: string) => `${isoDate.slice(0, 7)}-01`;

/**
 * Independent sums the project_financials_monthly mart must equal: approved Kantata time
 * (hours, cost at the entry's cost rate) by work month, and NetSuite customer-invoice totals by
 * invoice month, attributed to the workspace their externalid names (KOX-INV / KOX-MS).
 */
export function expectedProjectFinancials(world: World): Tally {
  const tally: Tally = new Map();
  const slot = (project: string, month: string) => {
    const key = `project:kantata:${project}|${month}`;
    let entry = tally.get(key);
    if (!entry) {
      entry = { hours: 0, cost: 0, billed: 0 };
      tally.set(key, entry);
    }
    return entry;
  };
  for (const entry of world.collection("kantata", "time_entries").scan()) {
    if (entry.approved !== true) continue;
    const minutes = Number(entry.time_in_minutes);
    const row = slot(String(entry.workspace_id), monthOf(String(entry.date_performed)));
    row.hours += minutes / 60;
    row.cost += (minutes * Number(entry.cost_rate_in_cents ?? 0)) / 6000;
  }
  const invoiceWorkspace = new Map<string, string>();
  for (const invoice of world.collection("kantata", "invoices").scan()) {
    invoiceWorkspace.set(`KOX-INV-${invoice.id}`, String(invoice.workspace_id));
  }
  for (const story of world.collection("kantata", "stories").scan()) {
    invoiceWorkspace.set(`KOX-MS-${story.id}`, String(story.workspace_id));
  }
  for (const tx of world.collection("netsuite", "transaction").scan()) {
    const workspace = invoiceWorkspace.get(String(tx.externalid));
    if (tx.type !== "CustInvc" || workspace === undefined) continue;
    slot(workspace, monthOf(String(tx.trandate))).billed += Number(tx.foreigntotal);
  }
  return tally;
}
