import type { GroundTruthEntry } from "../../../sandbox/world/types.js";
import type { Warehouse } from "../../../warehouse/warehouse.js";
import type { GovernedSandbox } from "./governed-sandbox.js";

/** A proposal row as `proposals.<name>` holds it (docs/reverse-etl.md, "Proposal contract"). */
export interface ProposalRow {
  proposal_key: string;
  rule_id: string;
  exception_id: string | null;
  domain: string;
  source_system: string;
  target_system: string;
  object: string;
  target_id: string | null;
  operation: string;
  fields: Record<string, unknown>;
  evidence: Record<string, unknown>;
}

/** An R10 update of Kantata user `user`'s headline, its key prefixed `prefix:` (one per test file). */
export function userHeadline(prefix: string, user: string, headline: string): ProposalRow {
  return {
    proposal_key: `${prefix}:${user}:${headline}`,
    rule_id: "R10",
    exception_id: null,
    domain: "worker",
    source_system: "workday",
    target_system: "kantata",
    object: "users",
    target_id: user,
    operation: "update",
    fields: { headline },
    evidence: {},
  };
}

/** An R08 update of Salesforce account `id` setting `fields`. */
export function accountUpdate(key: string, id: string, fields: ProposalRow["fields"]): ProposalRow {
  return {
    proposal_key: key,
    rule_id: "R08",
    exception_id: null,
    domain: "customer_master",
    source_system: "netsuite",
    target_system: "salesforce",
    object: "Account",
    target_id: id,
    operation: "update",
    fields,
    evidence: {},
  };
}

/** Creates `proposals.<table>` and inserts the rows with plain SQL. */
export async function insertProposals(
  wh: Warehouse,
  table: string,
  rows: readonly ProposalRow[],
): Promise<void> {
  await wh.execute("create schema if not exists proposals");
  await wh.execute(`drop table if exists proposals.${table}`);
  await wh.execute(
    `create table proposals.${table} (proposal_key text, rule_id text, exception_id text, domain text,
       source_system text, target_system text, object text, target_id text, operation text, fields json, evidence json)`,
  );
  for (const row of rows) {
    await wh.execute(
      `insert into proposals.${table} values ($1, $2, $3, $4, $5, $6, $7, $8, $9, cast($10 as json), cast($11 as json))`,
      [
        row.proposal_key,
        row.rule_id,
        row.exception_id,
        row.domain,
        row.source_system,
        row.target_system,
        row.object,
        row.target_id,
        row.operation,
        JSON.stringify(row.fields),
        JSON.stringify(row.evidence),
      ],
    );
  }
}

function entries(gs: GovernedSandbox, rule: string): GroundTruthEntry[] {
  return gs.sandbox.world.groundTruth().entries.filter((entry) => entry.rule_id === rule);
}

function one<T>(rows: T[], what: string): T {
  if (!rows[0]) throw new Error(`test data: no ${what}`);
  return rows[0];
}

/** R01/R15: approved Kantata time without a NetSuite time bill → create the time bill. */
export async function timeBillProposals(
  gs: GovernedSandbox,
  rule: "R01" | "R15",
): Promise<ProposalRow[]> {
  const rows: ProposalRow[] = [];
  for (const entry of entries(gs, rule)) {
    const id = String(entry.systems.kantata?.time_entry);
    const te = one(
      await gs.warehouse.query("select * from src_kantata.time_entries where id = $1", [id]),
      `time entry ${id}`,
    );
    const employee = one(
      await gs.warehouse.query(
        "select e.id from src_netsuite.employee e join src_kantata.users u on lower(u.email_address) = lower(e.email) where u.id = $1",
        [te.user_id],
      ),
      `employee of ${String(te.user_id)}`,
    );
    const job = one(
      await gs.warehouse.query("select id from src_netsuite.job where externalid = $1", [
        `KOX-WS-${String(te.workspace_id)}`,
      ]),
      "job",
    );
    const date =
      te.date_performed instanceof Date
        ? te.date_performed.toISOString().slice(0, 10)
        : String(te.date_performed);
    rows.push(
      timeBillCreate(
        { key: `${rule}:${id}`, rule, exception: `exc-${entry.case_id}` },
        {
          externalId: `KOX-TE-${id}`,
          employee: { id: String(employee.id) },
          customer: { id: String(job.id) },
          hours: Number(te.time_in_minutes) / 60,
          tranDate: date,
          isBillable: te.billable === true,
          memo: `Kantata time entry ${id}`,
          custcol_kantata_time_entry: id,
        },
        { case_id: entry.case_id, time_entry: id, date_performed: date },
      ),
    );
  }
  return rows;
}

/** A NetSuite time bill create, Kantata's approved time posted (project execution). */
export function timeBillCreate(
  ids: { key: string; rule: string; exception: string | null },
  fields: Record<string, unknown>,
  evidence: Record<string, unknown> = { test: true },
): ProposalRow {
  return {
    proposal_key: ids.key,
    rule_id: ids.rule,
    exception_id: ids.exception,
    domain: "project_execution",
    source_system: "kantata",
    target_system: "netsuite",
    object: "timeBill",
    target_id: null,
    operation: "create",
    fields,
    evidence,
  };
}

/** R02: a landed NetSuite time bill's hours corrected to Kantata's (project execution). */
export function timeBillHoursUpdate(
  ids: { key: string; exception: string | null },
  billId: string,
  hours: number,
): ProposalRow {
  return {
    ...timeBillCreate({ ...ids, rule: "R02" }, { hours }),
    target_id: billId,
    operation: "update",
  };
}

/** R09: a Workday-terminated worker still active in Kantata → deactivate the user. */
export function deactivationProposals(gs: GovernedSandbox): ProposalRow[] {
  return entries(gs, "R09").map((entry) => ({
    proposal_key: `R09:${String(entry.systems.kantata?.user)}`,
    rule_id: "R09",
    exception_id: `exc-${entry.case_id}`,
    domain: "worker",
    source_system: "workday",
    target_system: "kantata",
    object: "users",
    target_id: String(entry.systems.kantata?.user),
    operation: "deactivate",
    fields: { disabled: true },
    evidence: { case_id: entry.case_id, ...(entry as { details?: object }).details },
  }));
}

/** R10: Kantata cost rate missing or different from Workday's → set Workday's. */
export function costRateProposals(gs: GovernedSandbox): ProposalRow[] {
  const workers = gs.sandbox.world.collection("workday", "workers");
  return entries(gs, "R10").map((entry) => {
    const worker = workers.get(String(entry.systems.workday?.worker)) ?? {};
    return {
      proposal_key: `R10:${String(entry.systems.kantata?.user)}`,
      rule_id: "R10",
      exception_id: `exc-${entry.case_id}`,
      domain: "worker",
      source_system: "workday",
      target_system: "kantata",
      object: "users",
      target_id: String(entry.systems.kantata?.user),
      operation: "update",
      fields: {
        cost_rate_in_cents: Math.round(Number(worker.Cost_Rate) * 100),
        cost_rate_currency: String(worker.Cost_Rate_Currency),
      },
      evidence: { case_id: entry.case_id, workday_worker: entry.systems.workday?.worker },
    };
  });
}

/** R08: the CRM account name differs from the ERP customer's → set the ERP name in Salesforce. */
export function accountNameProposals(gs: GovernedSandbox): ProposalRow[] {
  return entries(gs, "R08")
    .filter((entry) => entry.systems.salesforce?.account !== undefined)
    .flatMap((entry) => {
      const details = (
        entry as { details?: { erp?: { name?: string }; mismatched_fields?: string[] } }
      ).details;
      if (!details?.erp?.name || !details.mismatched_fields?.includes("name")) return [];
      return [
        {
          proposal_key: `R08:${String(entry.systems.salesforce?.account)}`,
          rule_id: "R08",
          exception_id: `exc-${entry.case_id}`,
          domain: "customer_master",
          source_system: "netsuite",
          target_system: "salesforce",
          object: "Account",
          target_id: String(entry.systems.salesforce?.account),
          operation: "update",
          fields: { Name: details.erp.name },
          evidence: { case_id: entry.case_id, erp_name: details.erp.name },
        },
      ];
    });
}

/** R05: an active Kantata project missing in NetSuite → create the job. */
export async function missingJobProposals(gs: GovernedSandbox): Promise<ProposalRow[]> {
  const rows: ProposalRow[] = [];
  for (const entry of entries(gs, "R05")) {
    const workspace = String(entry.systems.kantata?.workspace);
    const ws = one(
      await gs.warehouse.query("select * from src_kantata.workspaces where id = $1", [workspace]),
      "workspace",
    );
    const groups = (
      typeof ws.workspace_group_ids === "string"
        ? JSON.parse(ws.workspace_group_ids)
        : ws.workspace_group_ids
    ) as string[];
    const customer = await gs.warehouse.query(
      `select service_model_ref from src_kantata.external_references
       where subject_type = 'WorkspaceGroup' and service_name = 'NetSuite' and subject_id = $1`,
      [String(groups[0])],
    );
    if (!customer[0]) continue;
    rows.push({
      proposal_key: `R05:${workspace}`,
      rule_id: "R05",
      exception_id: `exc-${entry.case_id}`,
      domain: "project_execution",
      source_system: "kantata",
      target_system: "netsuite",
      object: "job",
      target_id: null,
      operation: "create",
      fields: {
        externalId: `KOX-WS-${workspace}`,
        companyName: String(ws.title),
        customer: { id: String(customer[0].service_model_ref) },
      },
      evidence: { case_id: entry.case_id, workspace },
    });
  }
  return rows;
}
