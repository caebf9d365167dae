import { isoDay, kantataStamp, netsuiteDay, salesforceStamp } from "./calendar.js";
import { addExternalRef } from "./external-refs.js";
import type { BillingType, ClientPlan, GenContext, ProjectPlan } from "./firm-model.js";
import { koStatus, STATUSES } from "./project-status.js";

const TYPES: BillingType[] = ["TM", "FFM", "TM", "CB", "TM", "FFM", "TM"];
const KINDS = [
  "ERP Implementation",
  "Data Platform",
  "Cloud Migration",
  "Finance Transformation",
  "CRM Rollout",
  "Security Review",
  "Supply Chain Redesign",
  "Analytics Programme",
];

export interface ProjectShape {
  client: ClientPlan;
  type: BillingType;
  startDay: number;
  dueDay: number;
  statusKey: number;
  withOpportunity: boolean;
  withJob: boolean;
}

/** The firm's projects: workspaces, stories, jobs, won deals and their links. */
export function generateProjects(ctx: GenContext): void {
  for (let i = 0; i < ctx.preset.projects; i += 1) {
    const startDay = ctx.asOfDay - ctx.rng.int(40, 400);
    const dueDay = startDay + ctx.rng.int(120, 480);
    addProject(ctx, {
      client: ctx.clients[i % ctx.clients.length]!,
      type: TYPES[i % TYPES.length]!,
      startDay,
      dueDay,
      statusKey: dueDay < ctx.asOfDay ? 410 : 310,
      withOpportunity: i % 5 !== 4,
      withJob: true,
    });
  }
}

/** Creates one project in every system it belongs to and returns its plan. */
export function addProject(ctx: GenContext, shape: ProjectShape): ProjectPlan {
  const { store, clock, ids } = ctx.state;
  const { client, type, startDay, dueDay } = shape;
  const months = Math.ceil((dueDay - startDay) / 30);
  const priceCents =
    type === "CB" ? ctx.rng.int(5, 30) * 1000_00 * months : ctx.rng.int(80, 900) * 1000_00;
  const title = `${client.name.split(/[ ,]/)[0]} ${ctx.rng.pick(KINDS)} ${isoDay(startDay).slice(0, 4)}`;
  const createdMs = clock.at(startDay - 3, 540);
  const touchedDay = shape.statusKey >= 400 ? dueDay + 2 : ctx.asOfDay - ctx.rng.int(1, 20);
  const plan: ProjectPlan = {
    wsId: ids.take("kantata.workspaces"),
    jobId: null,
    oppId: null,
    client,
    type,
    startDay,
    dueDay,
    priceCents,
    statusKey: shape.statusKey,
    taskIds: [],
    milestones: [],
    staffed: shape.withJob,
    planted: false,
  };
  store.workspaces.upsert(
    {
      id: plan.wsId,
      title,
      currency: client.currency,
      price_in_cents: priceCents,
      budgeted: true,
      start_date: isoDay(startDay),
      due_date: isoDay(dueDay),
      status: koStatus(shape.statusKey),
      archived: shape.statusKey >= 400 && dueDay < ctx.asOfDay - 90,
      workspace_group_ids: [client.groupId],
      created_at: kantataStamp(createdMs),
      updated_at: "",
    },
    clock.at(Math.min(touchedDay, ctx.asOfDay), 560),
  );
  addStories(ctx, plan);
  if (shape.withJob) {
    plan.jobId = ids.take("netsuite.job");
    store.jobs.upsert(
      {
        id: plan.jobId,
        entityid: `PRJ-${plan.jobId}`,
        companyname: title,
        parent: client.customerId,
        customer: client.customerId,
        externalid: `KOX-WS-${plan.wsId}`,
        subsidiary: String(client.entity + 1),
        currency: client.currency,
        entitystatus: STATUSES[shape.statusKey]!.erp,
        jobbillingtype: type,
        startdate: netsuiteDay(startDay),
        projectedenddate: netsuiteDay(dueDay),
        projectedtotalvalue: priceCents / 100,
        lastmodifieddate: "",
      },
      clock.at(Math.min(touchedDay, ctx.asOfDay), 600),
    );
  }
  if (shape.withOpportunity) {
    plan.oppId = addWonOpportunity(
      ctx,
      client,
      title,
      priceCents / 100,
      startDay - ctx.rng.int(5, 25),
    );
    addExternalRef(
      ctx.state,
      "Workspace",
      plan.wsId,
      "Salesforce",
      "Opportunity",
      plan.oppId,
      createdMs,
    );
  }
  ctx.projects.push(plan);
  return plan;
}

/** A closed-won opportunity; returns its Id. */
export function addWonOpportunity(
  ctx: GenContext,
  client: ClientPlan,
  title: string,
  amount: number,
  closeDay: number,
): string {
  const id = ctx.state.ids.take("salesforce.Opportunity");
  ctx.state.store.opportunities.upsert(
    {
      Id: id,
      AccountId: client.accountId,
      Name: `${client.name} — ${title}`,
      StageName: "Closed Won",
      IsWon: true,
      IsClosed: true,
      CloseDate: isoDay(closeDay),
      Amount: amount,
      CurrencyIsoCode: client.currency,
      IsDeleted: false,
      CreatedDate: salesforceStamp(ctx.state.clock.at(closeDay - 40, 600)),
      SystemModstamp: "",
    },
    ctx.state.clock.at(Math.min(closeDay, ctx.asOfDay), 900),
  );
  return id;
}

function addStories(ctx: GenContext, plan: ProjectPlan): void {
  const done = plan.statusKey >= 400;
  const story = (
    title: string,
    type: "task" | "milestone",
    dueDay: number,
    budget: number | null,
  ) => {
    const id = ctx.state.ids.take("kantata.stories");
    const completed = type === "milestone" ? dueDay < ctx.asOfDay : done;
    const state = completed ? "completed" : dueDay - 30 > ctx.asOfDay ? "not_started" : "started";
    ctx.state.store.stories.upsert(
      {
        id,
        title,
        story_type: type,
        state,
        workspace_id: plan.wsId,
        due_date: isoDay(dueDay),
        budget_estimate_in_cents: budget,
        billable: budget !== null,
        created_at: kantataStamp(ctx.state.clock.at(plan.startDay - 2, 600)),
        updated_at: "",
      },
      ctx.state.clock.at(Math.min(completed ? dueDay : plan.startDay - 2, ctx.asOfDay), 620),
    );
    return id;
  };
  plan.taskIds.push(story("Discovery", "task", plan.dueDay, null));
  plan.taskIds.push(story("Delivery", "task", plan.dueDay, null));
  story("Kickoff", "milestone", plan.startDay + 7, null);
  if (plan.type !== "FFM") return;
  const count = ctx.rng.int(3, 5);
  const share = Math.floor(plan.priceCents / count / 100) * 100;
  for (let k = 0; k < count; k += 1) {
    const dueDay = plan.startDay + Math.round(((plan.dueDay - plan.startDay) * (k + 1)) / count);
    const budget = k === count - 1 ? plan.priceCents - share * (count - 1) : share;
    const id = story(`Milestone ${k + 1}`, "milestone", dueDay, budget);
    plan.milestones.push({ id, dueDay, budgetCents: budget });
  }
}
