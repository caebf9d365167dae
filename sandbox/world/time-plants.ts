import { monthStart } from "./calendar.js";
import type { GenContext } from "./firm-model.js";
import { round2 } from "./rounding.js";

/** Whether an entry may carry a planted posting/billing case (nothing else planted near it). */
export function isFreeEntry(ctx: GenContext, i: number, used: Set<number>): boolean {
  const t = ctx.entries;
  return (
    !used.has(i) &&
    t.approvedDay[i]! >= 0 &&
    !ctx.workers[t.worker[i]!]!.planted &&
    !ctx.projects[t.project[i]!]!.planted
  );
}

/** Picks up to `count` distinct free entries meeting `accept`, by random probing then a sweep. */
export function pickEntries(
  ctx: GenContext,
  count: number,
  used: Set<number>,
  accept: (i: number) => boolean,
): number[] {
  const n = ctx.entries.records.length;
  const picked: number[] = [];
  const ok = (i: number) => isFreeEntry(ctx, i, used) && accept(i);
  for (let tries = 0; tries < 20_000 && picked.length < count && n > 0; tries += 1) {
    const i = ctx.rng.int(0, n - 1);
    if (ok(i)) {
      picked.push(i);
      used.add(i);
    }
  }
  for (let i = 0; i < n && picked.length < count; i += 1) {
    if (ok(i)) {
      picked.push(i);
      used.add(i);
    }
  }
  return picked;
}

/** Billable amount of an entry in currency units (unrounded). */
export function entryAmount(ctx: GenContext, i: number): number {
  const record = ctx.entries.records[i]!;
  return record.billable ? (record.time_in_minutes * record.rate_in_cents) / 6000 : 0;
}

/** Plants the cases decided before billing: R01, R15 (unposted), R11 (uninvoiced), R13, R09. */
export function plantTimeCases(ctx: GenContext, used: Set<number>): void {
  const t = ctx.entries;
  const closedBefore = monthStart(ctx.asOfDay, -2);
  const unposted = (rule: "R01" | "R15", accept: (day: number) => boolean) => {
    for (const i of pickEntries(ctx, ctx.preset.cases, used, (j) => accept(t.day[j]!))) {
      ctx.unposted.add(i);
      const record = t.records[i]!;
      ctx.plant({
        rule_id: rule,
        canonical_key: `time_entry:kantata:${record.id}`,
        systems: { kantata: { time_entry: record.id, workspace: record.workspace_id } },
        hours_impact: round2(record.time_in_minutes / 60),
        amount_impact: round2(entryAmount(ctx, i)),
        currency: record.currency,
        description:
          rule === "R01"
            ? "Approved time never posted to NetSuite"
            : "Approved time in a closed period, never posted",
      });
    }
  };
  unposted("R01", (day) => day >= closedBefore && day <= ctx.asOfDay - 6);
  unposted("R15", (day) => day < closedBefore);
  plantR11(ctx, used);
  plantR13(ctx);
  plantR09(ctx);
}

function plantR11(ctx: GenContext, used: Set<number>): void {
  const t = ctx.entries;
  const cutoff = ctx.asOfDay - 75;
  const withOldTime = new Set<number>();
  for (let i = 0; i < t.records.length; i += 1) {
    if (t.records[i]!.billable && t.day[i]! < cutoff) withOldTime.add(t.project[i]!);
  }
  let candidates = [...withOldTime].filter((p) => !ctx.projects[p]!.planted);
  let planted = 0;
  // A project whose old entries other cases already took plants nothing: draw another in its
  // place (only then, so a world where every first draw plants stays as it was).
  while (planted < ctx.preset.cases && candidates.length > 0) {
    const drawn = ctx.rng.sample(candidates, ctx.preset.cases - planted);
    candidates = candidates.filter((p) => !drawn.includes(p));
    for (const p of drawn) {
      if (plantR11Case(ctx, used, p, cutoff)) planted += 1;
    }
  }
}

/** Leaves 2–6 of project `p`'s billable entries before `cutoff` off every invoice, if any are free. */
function plantR11Case(ctx: GenContext, used: Set<number>, p: number, cutoff: number): boolean {
  const t = ctx.entries;
  const picked = pickEntries(
    ctx,
    ctx.rng.int(2, 6),
    used,
    (i) => t.project[i] === p && t.day[i]! < cutoff,
  );
  if (picked.length === 0) return false;
  ctx.projects[p]!.planted = true;
  let minutes = 0;
  let amount = 0;
  for (const i of picked) {
    ctx.uninvoiced.add(i);
    minutes += t.records[i]!.time_in_minutes;
    amount += entryAmount(ctx, i);
  }
  const project = ctx.projects[p]!;
  ctx.plant({
    rule_id: "R11",
    canonical_key: `project:kantata:${project.wsId}`,
    systems: { kantata: { workspace: project.wsId } },
    hours_impact: round2(minutes / 60),
    amount_impact: round2(amount),
    currency: project.client.currency,
    description: `${picked.length} approved billable entries left off every invoice`,
  });
  return true;
}

function plantR13(ctx: GenContext): void {
  const candidates = ctx.projects
    .filter((p) => p.type === "FFM" && p.jobId !== null)
    .flatMap((p) => p.milestones.map((m) => ({ p, m })))
    .filter(({ m }) => m.dueDay < ctx.asOfDay - 8);
  for (const { p, m } of ctx.rng.sample(candidates, ctx.preset.cases)) {
    ctx.unbilledMilestones.add(m.id);
    ctx.plant({
      rule_id: "R13",
      canonical_key: `milestone:kantata:${m.id}`,
      systems: { kantata: { story: m.id, workspace: p.wsId } },
      hours_impact: null,
      amount_impact: round2(m.budgetCents / 100),
      currency: p.client.currency,
      description: "Completed billing milestone never invoiced",
    });
  }
}

function plantR09(ctx: GenContext): void {
  const t = ctx.entries;
  ctx.workers.forEach((worker, w) => {
    if (worker.r09.length === 0) return;
    let minutes = 0;
    for (let i = 0; i < t.records.length; i += 1) {
      if (t.worker[i] === w && t.day[i]! > worker.termDay!)
        minutes += t.records[i]!.time_in_minutes;
    }
    ctx.plant({
      rule_id: "R09",
      canonical_key: `worker:workday:${worker.employeeId}`,
      systems: { workday: { worker: worker.employeeId }, kantata: { user: worker.userId } },
      hours_impact: round2(minutes / 60),
      amount_impact: null,
      currency: null,
      description: `Terminated worker still ${worker.r09.join(", ")}`,
    });
  });
}
