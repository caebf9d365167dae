import type { AdvanceContext } from "./advance-context.js";
import { dayOf, isoDay, kantataStamp } from "./calendar.js";
import type { KoExpense, KoStory, KoTimeEntry } from "./vendor-records.js";

const CATEGORIES = ["Travel", "Lodging", "Meals", "Mileage", "Software"];

/** Expenses (no rule reads them): new claims, approvals or corrected notes, withdrawn claims. */
export function mutateExpenses(
  ctx: AdvanceContext,
  templates: readonly KoTimeEntry[],
  counts: { inserts: number; updates: number; deletes: number },
): void {
  const { store, rng, ids } = ctx.state;
  const editable = [...store.expenses.scanByKey()].filter(
    (e) => ctx.activeUsers.has(e.user_id) && !ctx.untouchable("kantata", "expenses", e.id),
  );
  const pending = editable.filter((e) => !e.approved);
  const approved = editable.filter((e) => e.approved && !e.is_invoiced);
  for (let i = 0; i < counts.deletes; i += 1) {
    // Claims not yet invoiced can still be withdrawn, approved or not.
    const expense = ctx.draw(pending) ?? ctx.draw(approved);
    if (!expense) break;
    store.expenses.remove(expense.id, ctx.atMs);
    ctx.note("deleted", "kantata", "expenses", expense.id);
  }
  for (let i = 0; i < counts.updates; i += 1) {
    const expense = ctx.draw(pending) ?? ctx.draw(approved);
    if (!expense) break;
    const updated: KoExpense = expense.approved
      ? { ...expense, notes: expense.notes ? `${expense.notes} (receipt added)` : "Receipt added" }
      : { ...expense, approved: true };
    store.expenses.upsert(updated, ctx.atMs);
    ctx.note("updated", "kantata", "expenses", expense.id);
  }
  for (let i = 0; i < counts.inserts && templates.length > 0; i += 1) {
    const template = rng.pick(templates);
    const expense: KoExpense = {
      id: ids.take("kantata.expenses"),
      workspace_id: template.workspace_id,
      user_id: template.user_id,
      date: isoDay(ctx.asOfDay),
      category: rng.pick(CATEGORIES),
      notes: "",
      amount_in_cents: rng.int(15, 400) * 100,
      currency: template.currency,
      is_billable: template.billable,
      approved: false,
      is_invoiced: false,
      created_at: kantataStamp(ctx.atMs),
      updated_at: "",
    };
    store.expenses.upsert(expense, ctx.atMs);
    ctx.note("inserted", "kantata", "expenses", expense.id);
  }
}

/**
 * Task progress: a task starts, or a started one's due date moves a week. Milestones and
 * completion are left alone (R13 reads completed milestones, R09 open assignments).
 */
export function updateStories(ctx: AdvanceContext, count: number): void {
  const { store } = ctx.state;
  const tasks = [...store.stories.scanByKey()].filter(
    (s) =>
      s.story_type === "task" &&
      s.state !== "completed" &&
      !ctx.untouchable("kantata", "stories", s.id) &&
      !ctx.untouchable("kantata", "workspaces", s.workspace_id),
  );
  for (let i = 0; i < count; i += 1) {
    const story = ctx.draw(tasks);
    if (!story) break;
    const updated: KoStory =
      story.state === "not_started"
        ? { ...story, state: "started" }
        : { ...story, due_date: isoDay(dayOf(story.due_date) + 7) };
    store.stories.upsert(updated, ctx.atMs);
    ctx.note("updated", "kantata", "stories", story.id);
  }
}
