import type { SandboxRecord } from "../../sandbox/world/types.js";
import type { World } from "../../sandbox/world/world.js";

/** A Kantata user's worker as docs/models.md links them, read straight from the sandbox. */
export interface UserWorker {
  /** `worker:workday:<Employee_ID>`, or `worker:kantata:<user id>` when nothing links. */
  workerId: string;
  /** The worker's cost-rate currency: Workday's, else the Kantata user's. */
  costCurrency: string | undefined;
}

/**
 * Each Kantata user's worker: a User → Workday Worker external reference (the newest), else the
 * Workday worker with the same e-mail address; the cost currency is that worker's
 * Cost_Rate_Currency, else the user's own cost_rate_currency.
 */
export function userWorkers(world: World): Map<string, UserWorker> {
  const workdayById = new Map<string, SandboxRecord>();
  const workdayByEmail = new Map<string, SandboxRecord>();
  for (const worker of world.collection("workday", "workers").scan()) {
    workdayById.set(String(worker.Employee_ID), worker);
    workdayByEmail.set(String(worker.Email).toLowerCase(), worker);
  }
  const referenced = new Map<string, { id: string; employeeId: string }>();
  for (const ref of world.collection("kantata", "external_references").scan()) {
    if (ref.subject_type !== "User" || ref.service_name !== "Workday") continue;
    if (ref.service_model !== "Worker") continue;
    const id = String(ref.id);
    const seen = referenced.get(String(ref.subject_id));
    if (seen === undefined || Number(id) > Number(seen.id)) {
      referenced.set(String(ref.subject_id), { id, employeeId: String(ref.service_model_ref) });
    }
  }
  const links = new Map<string, UserWorker>();
  for (const user of world.collection("kantata", "users").scan()) {
    const userId = String(user.id);
    const byEmail = workdayByEmail.get(String(user.email_address).toLowerCase());
    const employeeId = referenced.get(userId)?.employeeId ?? byEmail?.Employee_ID;
    const worker = employeeId === undefined ? undefined : workdayById.get(String(employeeId));
    links.set(userId, {
      workerId:
        employeeId === undefined ? `worker:kantata:${userId}` : `worker:workday:${employeeId}`,
      costCurrency: text(worker?.Cost_Rate_Currency) ?? text(user.cost_rate_currency),
    });
  }
  return links;
}

/** A Kantata workspace's NetSuite job (externalid `KOX-WS-<workspace>`). */
export function workspaceJobs(world: World): Map<string, SandboxRecord> {
  const jobs = new Map<string, SandboxRecord>();
  for (const job of world.collection("netsuite", "job").scan()) {
    const match = /^KOX-WS-(.+)$/.exec(String(job.externalid ?? ""));
    if (match?.[1] !== undefined) jobs.set(match[1], job);
  }
  return jobs;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
