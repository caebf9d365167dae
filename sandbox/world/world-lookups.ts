import type { FirmState } from "./firm-state.js";
import type { KoTimeEntry, NsJob, NsTimebill } from "./vendor-records.js";

/** Ids named by any planted case: mutations leave these records alone. */
export function plantedIds(state: FirmState): Set<string> {
  const ids = new Set<string>();
  for (const c of state.planted) {
    for (const system of Object.values(c.systems)) {
      for (const value of Object.values(system ?? {})) {
        for (const id of Array.isArray(value) ? value : [value]) ids.add(id);
      }
    }
  }
  return ids;
}

/** The NetSuite job linked to a Kantata workspace. */
export function jobOfWorkspace(state: FirmState, wsId: string): NsJob | undefined {
  for (const job of state.store.jobs.scanByKey())
    if (job.externalid === `KOX-WS-${wsId}`) return job;
  return undefined;
}

/** The NetSuite employee id of a Kantata user (through the Workday Employee_ID). */
export function employeeOfUser(state: FirmState, userId: string): string | undefined {
  let employeeId: string | undefined;
  for (const ref of state.store.externalRefs.scanByKey()) {
    if (ref.subject_type === "User" && ref.subject_id === userId)
      employeeId = ref.service_model_ref;
  }
  for (const employee of state.store.employees.scanByKey()) {
    if (employeeId !== undefined && employee.externalid === employeeId) return employee.id;
  }
  return undefined;
}

/** Posts an approved Kantata entry to NetSuite as the integration does on approval. */
export function postEntry(
  state: FirmState,
  entry: KoTimeEntry,
  trandate: string,
  atMs: number,
): NsTimebill {
  const bill: NsTimebill = {
    id: state.ids.take("netsuite.timebill"),
    employee: employeeOfUser(state, entry.user_id) ?? "",
    customer: jobOfWorkspace(state, entry.workspace_id)?.id ?? "",
    hours: entry.time_in_minutes / 60,
    isbillable: entry.billable ? "T" : "F",
    rate: entry.rate_in_cents / 100,
    trandate,
    approvalstatus: "2",
    externalid: `KOX-TE-${entry.id}`,
    custcol_kantata_time_entry: entry.id,
    memo: entry.notes,
    lastmodifieddate: "",
  };
  state.store.timebills.upsert(bill, atMs);
  return bill;
}
