import { kantataStamp } from "./calendar.js";
import type { GenContext, ProjectPlan, WorkerPlan } from "./firm-model.js";

/** Staffs workers on up to three projects overlapping their employment, with assignments. */
export function generateStaffing(ctx: GenContext): void {
  const staffed = ctx.projects.map((p, i) => ({ p, i })).filter(({ p }) => p.staffed);
  const firstDay = ctx.asOfDay - 365;
  for (const worker of ctx.workers) {
    const from = Math.max(worker.hireDay, firstDay);
    const fits = staffed.filter(({ p }) => p.startDay <= worker.lastDay && p.dueDay >= from);
    worker.projects = ctx.rng.sample(fits, 3).map(({ i }) => i);
    let openAssignment = false;
    for (const index of worker.projects) {
      const project = ctx.projects[index]!;
      const open = project.statusKey < 400;
      if (worker.termDay !== null && open && !worker.r09.includes("assigned")) continue;
      openAssignment ||= open;
      assign(ctx, worker, project);
    }
    if (worker.r09.includes("assigned") && !openAssignment) {
      const ongoing = staffed.filter(({ p }) => p.statusKey < 400);
      assign(ctx, worker, ctx.rng.pick(ongoing).p);
    }
  }
}

function assign(ctx: GenContext, worker: WorkerPlan, project: ProjectPlan): void {
  const day = Math.max(project.startDay, worker.hireDay, ctx.asOfDay - 390);
  const ms = ctx.state.clock.at(Math.min(day, ctx.asOfDay), 560);
  ctx.state.store.assignments.upsert(
    {
      id: ctx.state.ids.take("kantata.assignments"),
      story_id: project.taskIds[1]!,
      assignee_id: worker.userId,
      workspace_id: project.wsId,
      created_at: kantataStamp(ms),
      updated_at: "",
    },
    ms,
  );
}
