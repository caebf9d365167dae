import { isoDay, kantataStamp } from "./calendar.js";
import { addExternalRef } from "./external-refs.js";
import { ENTITIES, type GenContext, PROFILES, type WorkerPlan } from "./firm-model.js";

const PROFILE_WEIGHTS = [0.2, 0.5, 0.75, 0.9, 1];
const PRACTICES = ["ADV", "TEC", "DAT", "OPS"];

/** Workers in Workday, with their Kantata users and NetSuite employees. */
export function generatePeople(ctx: GenContext): void {
  const n = ctx.preset.workers;
  const terminated = new Set(
    ctx.rng.sample(
      Array.from({ length: n }, (_, i) => i),
      Math.max(ctx.preset.cases * 2 + 2, Math.round(n * 0.07)),
    ),
  );
  const emails = new Set<string>();
  for (let i = 0; i < n; i += 1) {
    const roll = ctx.rng.float();
    const profile = PROFILE_WEIGHTS.findIndex((w) => roll < w);
    const entity = roll < 0.55 ? 0 : ctx.rng.chance(0.55) ? 1 : 2;
    const cost = PROFILES[profile]!.cost;
    const hireDay = ctx.rng.chance(0.75)
      ? ctx.asOfDay - ctx.rng.int(400, 3000)
      : ctx.asOfDay - ctx.rng.int(40, 330);
    let termDay: number | null = null;
    if (terminated.has(i)) termDay = Math.max(hireDay + 30, ctx.asOfDay - ctx.rng.int(20, 200));
    if (termDay !== null && termDay >= ctx.asOfDay - 5) termDay = ctx.asOfDay - 20;
    const plan: WorkerPlan = {
      employeeId: ctx.state.ids.take("workday.workers"),
      userId: ctx.state.ids.take("kantata.users"),
      nsEmployeeId: ctx.state.ids.take("netsuite.employee"),
      entity,
      profile,
      costRateCents: ctx.rng.int(cost[0] * 4, cost[1] * 4) * 25,
      hireDay: termDay !== null && hireDay >= termDay ? termDay - 200 : hireDay,
      termDay,
      projects: [],
      r09: [],
      lastDay: termDay ?? ctx.asOfDay,
      planted: false,
    };
    ctx.workers.push(plan);
    const first = ctx.faker.person.firstName();
    const last = ctx.faker.person.lastName();
    let email = `${first}.${last}@northwind.example`.toLowerCase().replace(/[^a-z0-9.@]/g, "");
    if (emails.has(email)) email = email.replace("@", `${i}@`);
    emails.add(email);
    writeWorker(ctx, plan, `${first} ${last}`, email);
  }
}

function writeWorker(ctx: GenContext, plan: WorkerPlan, name: string, email: string): void {
  const { store, clock } = ctx.state;
  const entity = ENTITIES[plan.entity];
  const profile = PROFILES[plan.profile]!;
  const touchedDay = plan.termDay ?? Math.max(plan.hireDay, ctx.asOfDay - ctx.rng.int(30, 330));
  const managers = ctx.workers.filter((w) => w.entity === plan.entity && w.profile >= 3);
  const manager = managers.length > 0 && plan.profile < 4 ? ctx.rng.pick(managers).employeeId : "";
  const rate = (plan.costRateCents / 100).toFixed(2);
  store.workers.upsert(
    {
      Employee_ID: plan.employeeId,
      Worker: name,
      Email: email,
      Worker_Type: ctx.rng.chance(0.1) ? "Contingent Worker" : "Employee",
      Hire_Date: isoDay(plan.hireDay),
      Termination_Date: plan.termDay === null ? "" : isoDay(plan.termDay),
      Active_Status: plan.termDay === null ? "1" : "0",
      Cost_Center: `CC-${entity.country}-${ctx.rng.pick(PRACTICES)}`,
      Location: entity.location,
      Manager_ID: manager,
      Legal_Entity: entity.name,
      Job_Profile: profile.name,
      Cost_Rate: rate,
      Cost_Rate_Currency: entity.currency,
      Last_Updated: "",
    },
    clock.at(touchedDay, 420),
  );
  const createdMs = clock.at(Math.max(plan.hireDay, ctx.asOfDay - 390), 500);
  store.users.upsert(
    {
      id: plan.userId,
      full_name: name,
      email_address: email,
      headline: profile.name,
      disabled: plan.termDay !== null,
      cost_rate_in_cents: plan.costRateCents,
      cost_rate_currency: entity.currency,
      created_at: kantataStamp(createdMs),
      updated_at: "",
    },
    clock.at(touchedDay, 480),
  );
  store.employees.upsert(
    {
      id: plan.nsEmployeeId,
      entityid: name,
      email,
      externalid: plan.employeeId,
      subsidiary: entity.subsidiary,
      laborcost: plan.costRateCents / 100,
      isinactive: plan.termDay === null ? "F" : "T",
      lastmodifieddate: "",
    },
    clock.at(touchedDay, 490),
  );
  addExternalRef(ctx.state, "User", plan.userId, "Workday", "Worker", plan.employeeId, createdMs);
}
