import { isoDay, isWeekend, kantataStamp } from "./calendar.js";
import { type GenContext, PROFILES, type WorkerPlan } from "./firm-model.js";

const NOTES = [
  "Workshop preparation",
  "Client meeting",
  "Solution design",
  "Data mapping",
  "Testing support",
  "Status reporting",
  "Configuration",
  "Stakeholder interviews",
];
const EXPENSE_CATEGORIES = ["Travel", "Lodging", "Meals", "Mileage", "Software"];

/** A year of daily time (1–3 entries a working day) and occasional expenses per worker. */
export function generateTime(ctx: GenContext): void {
  const firstDay = ctx.asOfDay - 365;
  for (let w = 0; w < ctx.workers.length; w += 1) {
    const worker = ctx.workers[w]!;
    const until = Math.min(worker.lastDay, ctx.asOfDay);
    for (let day = Math.max(worker.hireDay, firstDay); day <= until; day += 1) {
      if (isWeekend(day) || ctx.rng.chance(0.08)) continue;
      const active = activeProjects(ctx, worker, day);
      if (active.length === 0) continue;
      const count = ctx.rng.int(1, 3);
      for (let k = 0; k < count; k += 1) addEntry(ctx, w, ctx.rng.pick(active), day);
      if (ctx.rng.chance(0.04)) addExpense(ctx, worker, ctx.rng.pick(active), day);
    }
  }
}

function activeProjects(ctx: GenContext, worker: WorkerPlan, day: number): number[] {
  const active = worker.projects.filter((i) => {
    const p = ctx.projects[i]!;
    return p.startDay <= day && day <= p.dueDay;
  });
  if (active.length > 0 || worker.termDay === null || day <= worker.termDay) return active;
  // A planted R09 worker keeps logging after termination: any running project will do.
  const running = ctx.projects.findIndex((p) => p.staffed && p.startDay <= day && day <= p.dueDay);
  return running < 0 ? [] : [running];
}

function addEntry(ctx: GenContext, w: number, p: number, day: number): void {
  const worker = ctx.workers[w]!;
  const project = ctx.projects[p]!;
  const billable = project.type === "TM";
  const lag = ctx.rng.int(1, 5);
  const approved = day + lag <= ctx.asOfDay;
  const createdMs = ctx.state.clock.at(day, ctx.rng.int(1020, 1140));
  const table = ctx.entries;
  table.records.push({
    id: ctx.state.ids.take("kantata.time_entries"),
    workspace_id: project.wsId,
    user_id: worker.userId,
    story_id: project.taskIds[ctx.rng.int(0, 1)]!,
    role_id: String(600001 + worker.profile),
    date_performed: isoDay(day),
    time_in_minutes: 15 * ctx.rng.int(4, 12),
    billable,
    rate_in_cents: billable ? PROFILES[worker.profile]!.billCents : 0,
    cost_rate_in_cents: worker.costRateCents,
    currency: project.client.currency,
    approved,
    is_invoiced: false,
    invoice_id: null,
    notes: ctx.rng.pick(NOTES),
    created_at: kantataStamp(createdMs),
    updated_at: "",
  });
  table.day.push(day);
  table.worker.push(w);
  table.project.push(p);
  table.approvedDay.push(approved ? day + lag : -1);
  const minute = ctx.rng.int(540, 1000);
  table.approvedMinute.push(approved ? minute : -1);
  table.touchedMs.push(approved ? ctx.state.clock.at(day + lag, minute) : createdMs);
}

function addExpense(ctx: GenContext, worker: WorkerPlan, p: number, day: number): void {
  const project = ctx.projects[p]!;
  const approved = day + 5 <= ctx.asOfDay;
  const createdMs = ctx.state.clock.at(day, 1100);
  ctx.state.store.expenses.upsert(
    {
      id: ctx.state.ids.take("kantata.expenses"),
      workspace_id: project.wsId,
      user_id: worker.userId,
      date: isoDay(day),
      category: ctx.rng.pick(EXPENSE_CATEGORIES),
      notes: "",
      amount_in_cents: ctx.rng.int(15, 400) * 100,
      currency: project.client.currency,
      is_billable: project.type === "TM",
      approved,
      is_invoiced: false,
      created_at: kantataStamp(createdMs),
      updated_at: "",
    },
    approved ? ctx.state.clock.at(day + 5, 600) : createdMs,
  );
}
