import type { AdvanceContext } from "./advance-context.js";
import { dayOf, isoDay } from "./calendar.js";
import { ENTITIES, PROFILES } from "./firm-model.js";
import type { WdWorker } from "./vendor-records.js";

const OFFICES: Record<string, readonly string[]> = {
  "Northwind Consulting Inc.": ["New York", "Chicago", "Boston"],
  "Northwind Consulting Ltd.": ["London", "Manchester"],
  "Northwind Consulting GmbH": ["Berlin", "Munich"],
};
const FIRST = ["Avery", "Jordan", "Riley", "Morgan", "Casey", "Quinn", "Harper", "Rowan"];
const LAST = ["Lindqvist", "Okafor", "Brennan", "Castillo", "Novak", "Whitaker", "Sato"];

export interface WorkdayCounts {
  inserts: number;
  updates: number;
  removals: number;
}

/**
 * Worker churn no rule reads. Active workers move office or are promoted (Location,
 * Job_Profile; the cost rate stays, R10 compares it). Pre-hires start in a few weeks with no
 * Kantata user yet; a pre-hire from an earlier advance may be rescinded, which Workday never
 * signals: the worker just leaves the report (a true removal, seen by a snapshot diff).
 */
export function mutateWorkday(ctx: AdvanceContext, counts: WorkdayCounts): void {
  const { store } = ctx.state;
  const workers = [...store.workers.scanByKey()];
  const preHires = workers.filter(
    (w) =>
      dayOf(w.Hire_Date) > ctx.asOfDay &&
      w.Active_Status === "0" &&
      !ctx.untouchable("workday", "workers", w.Employee_ID),
  );
  for (let i = 0; i < counts.removals; i += 1) {
    const worker = ctx.draw(preHires);
    if (!worker) break;
    store.workers.remove(worker.Employee_ID, ctx.atMs);
    ctx.note("deleted", "workday", "workers", worker.Employee_ID);
  }
  const active = workers.filter(
    (w) => w.Active_Status === "1" && !ctx.untouchable("workday", "workers", w.Employee_ID),
  );
  for (let i = 0; i < counts.updates; i += 1) {
    const worker = ctx.draw(active);
    if (!worker) break;
    const profile = PROFILES.findIndex((p) => p.name === worker.Job_Profile);
    const promote = i % 2 === 1 && profile >= 0 && profile < PROFILES.length - 1;
    const offices = (OFFICES[worker.Legal_Entity] ?? []).filter((o) => o !== worker.Location);
    const updated: WdWorker =
      promote || offices.length === 0
        ? { ...worker, Job_Profile: PROFILES[Math.min(profile + 1, PROFILES.length - 1)]!.name }
        : { ...worker, Location: ctx.state.rng.pick(offices) };
    store.workers.upsert(updated, ctx.atMs);
    ctx.note("updated", "workday", "workers", worker.Employee_ID);
  }
  for (let i = 0; i < counts.inserts; i += 1) insertPreHire(ctx);
}

function insertPreHire(ctx: AdvanceContext): void {
  const { store, rng, ids } = ctx.state;
  const entity = rng.pick(ENTITIES);
  const profile = rng.int(0, 1);
  const cost = PROFILES[profile]!.cost;
  const id = ids.take("workday.workers");
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  // The id in the address keeps it unique, so no Kantata user links to it by email either.
  const worker: WdWorker = {
    Employee_ID: id,
    Worker: `${first} ${last}`,
    Email: `${first}.${last}.${id}@northwind.example`.toLowerCase(),
    Worker_Type: "Employee",
    Hire_Date: isoDay(ctx.asOfDay + rng.int(7, 35)),
    Termination_Date: "",
    Active_Status: "0",
    Cost_Center: `CC-${entity.country}-ADV`,
    Location: entity.location,
    Manager_ID: "",
    Legal_Entity: entity.name,
    Job_Profile: PROFILES[profile]!.name,
    Cost_Rate: rng.int(cost[0], cost[1]).toFixed(2),
    Cost_Rate_Currency: entity.currency,
    Last_Updated: "",
  };
  store.workers.upsert(worker, ctx.atMs);
  ctx.note("inserted", "workday", "workers", id);
}
