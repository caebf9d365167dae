import { addClientGroup, addCustomer } from "./client-generator.js";
import { addExternalRef } from "./external-refs.js";
import { COUNTRIES, ENTITIES, type GenContext } from "./firm-model.js";
import { addProject, addWonOpportunity } from "./project-generator.js";
import { round2 } from "./rounding.js";

const R06_VARIANTS = ["budget", "customer", "status", "currency"] as const;
const R08_VARIANTS = ["name", "legal_entity", "crm_link", "currency", "erp_link"] as const;
const R10_VARIANTS = ["different", "missing", "currency"] as const;

/** Plants the master-data cases (R05–R08, R10, R14) and designates R09 workers. */
export function plantMasterCases(ctx: GenContext): void {
  plantR08(ctx);
  spaceOutNames(ctx);
  plantR06(ctx);
  plantR14(ctx);
  plantR05(ctx);
  plantR07(ctx);
  plantR10(ctx);
  designateR09(ctx);
}

function plantR08(ctx: GenContext): void {
  const { store } = ctx.state;
  const clients = ctx.rng.sample(ctx.clients, Math.max(ctx.preset.cases, R08_VARIANTS.length));
  clients.forEach((client, i) => {
    const variant = R08_VARIANTS[i % R08_VARIANTS.length]!;
    const customer = store.customers.get(client.customerId)!;
    const other = ENTITIES[(client.entity + 1) % 3];
    if (variant === "name") customer.companyname = `${client.name} Group`;
    if (variant === "legal_entity") customer.subsidiary = other.subsidiary;
    if (variant === "currency") customer.currency = other.currency;
    if (variant === "crm_link") customer.externalid = `0018d${String(9_000_000_000 + i)}QAA`;
    if (variant === "erp_link") {
      const ref = [...store.externalRefs.scanByKey()].find(
        (r) => r.subject_type === "WorkspaceGroup" && r.subject_id === client.groupId,
      )!;
      store.externalRefs.discard(ref.id);
    }
    const key =
      variant === "erp_link"
        ? `customer:kantata:${client.groupId}`
        : `customer:netsuite:${client.customerId}`;
    ctx.plantedClients.add(client.customerId);
    ctx.plant({
      rule_id: "R08",
      canonical_key: key,
      systems: {
        netsuite: { customer: client.customerId },
        kantata: { workspace_group: client.groupId },
      },
      hours_impact: null,
      amount_impact: null,
      currency: null,
      description: `Customer master disagrees: ${variant}`,
    });
  });
}

/**
 * A near miss for R08, no case: one linked client whose CRM and PSA names differ from its ERP
 * name only in letter case and white space as names pasted from documents do (a no-break space,
 * a narrow no-break space, an em space, spaces around), which name matching must read as one
 * space. Drawn without the random generator, so the rest of the world is as it was.
 */
function spaceOutNames(ctx: GenContext): void {
  const { store } = ctx.state;
  const client = ctx.clients.find(
    (c) => !ctx.plantedClients.has(c.customerId) && c.name.includes(" "),
  );
  if (!client) return;
  const account = store.accounts.get(client.accountId);
  const group = store.groups.get(client.groupId);
  if (!account || !group) return;
  const words = client.name.split(" ");
  account.Name = words.join("\u00a0").toUpperCase();
  group.name = ` ${words.join("\u202f\u2003 ")}\u3000`;
}

/**
 * R08 with two client groups: a client whose main group was renamed in Kantata, and which also
 * has a legacy duplicate group under its ERP name, linked to the same NetSuite customer (left
 * from a migration). The customer disagrees with the main group only, the one with the lower id:
 * a model that compared one group per customer, the highest id, missed it. Planted last, after
 * every other record: it takes no random number and shifts no other record's id.
 */
export function plantDuplicateClientGroup(ctx: GenContext): void {
  const { store, clock } = ctx.state;
  // A client no case holds, whose group still has its own name (not the near miss above).
  const client = ctx.clients.findLast(
    (c) => !ctx.plantedClients.has(c.customerId) && store.groups.get(c.groupId)?.name === c.name,
  );
  const main = client && store.groups.get(client.groupId);
  if (!client || !main) return;
  ctx.plantedClients.add(client.customerId);
  const day = ctx.asOfDay - 90;
  store.groups.upsert({ ...main, name: `${client.name} Studio` }, clock.at(day, 690));
  addClientGroup(ctx.state, client.name, client.customerId, day);
  ctx.plant({
    rule_id: "R08",
    canonical_key: `customer:netsuite:${client.customerId}`,
    systems: {
      netsuite: { customer: client.customerId },
      kantata: { workspace_group: client.groupId },
    },
    hours_impact: null,
    amount_impact: null,
    currency: null,
    description: "Customer master disagrees: name (the renamed one of two client groups)",
  });
}

/**
 * A client billed by two legal entities, no case: its Kantata client group links to its NetSuite
 * customer and to a second one of the same name in the next subsidiary (with its own Salesforce
 * account), as a firm does when one client signs with two of its entities. Its projects' jobs stay
 * under the first customer, which R06 must read as agreeing (a model that took the group's
 * highest customer id saw every one as a customer mismatch). Plus one R05 case: a new project of
 * that client in its first customer's currency, whose proposed job goes under that customer.
 * Planted after every other record, so it shifts no other record's id or random number.
 */
export function plantSecondEntityCustomer(ctx: GenContext): void {
  const { store, clock } = ctx.state;
  const client = ctx.clients.find(
    (c) =>
      !ctx.plantedClients.has(c.customerId) &&
      store.groups.get(c.groupId)?.name === c.name &&
      ctx.projects.some(
        (p) => p.client.customerId === c.customerId && p.jobId !== null && !p.planted,
      ),
  );
  if (!client) return;
  ctx.plantedClients.add(client.customerId);
  const day = ctx.asOfDay - 60;
  const country = COUNTRIES.find((c) => c.entity === (client.entity + 1) % ENTITIES.length)!;
  const { customerId } = addCustomer(ctx, client.name, country, day);
  addExternalRef(
    ctx.state,
    "WorkspaceGroup",
    client.groupId,
    "NetSuite",
    "customer",
    customerId,
    clock.at(day, 710),
  );
  const startDay = ctx.asOfDay - 3;
  const project = addProject(ctx, {
    client,
    type: "TM",
    startDay,
    dueDay: startDay + 200,
    statusKey: 200,
    withOpportunity: false,
    withJob: false,
  });
  project.planted = true;
  ctx.plant({
    rule_id: "R05",
    canonical_key: `project:kantata:${project.wsId}`,
    systems: { kantata: { workspace: project.wsId } },
    hours_impact: null,
    amount_impact: round2(project.priceCents / 100),
    currency: client.currency,
    description: "Active Kantata project never created in NetSuite (client with two ERP customers)",
  });
}

function plantR06(ctx: GenContext): void {
  const { store } = ctx.state;
  const count = Math.max(ctx.preset.cases, R06_VARIANTS.length);
  for (let i = 0; i < count; i += 1) {
    const variant = R06_VARIANTS[i % R06_VARIANTS.length]!;
    const candidates = ctx.projects.filter(
      (p) =>
        !p.planted &&
        p.jobId !== null &&
        (variant !== "budget" || p.oppId === null) &&
        (variant !== "customer" || !ctx.plantedClients.has(p.client.customerId)),
    );
    if (candidates.length === 0) continue;
    const project = ctx.rng.pick(candidates);
    project.planted = true;
    const job = store.jobs.get(project.jobId!)!;
    let amount: number | null = null;
    if (variant === "customer") {
      const other = ctx.clients.find((c) => c.customerId !== project.client.customerId)!;
      job.parent = other.customerId;
      job.customer = other.customerId;
    } else if (variant === "currency") {
      const other = ENTITIES[(project.client.entity + 1) % 3];
      job.subsidiary = other.subsidiary;
      job.currency = other.currency;
    } else if (variant === "status") {
      job.entitystatus = project.statusKey >= 400 ? "2" : "1";
    } else {
      const delta = ctx.rng.int(2, 40) * 250;
      job.projectedtotalvalue += delta;
      amount = round2(-delta);
    }
    ctx.plant({
      rule_id: "R06",
      canonical_key: `project:kantata:${project.wsId}`,
      systems: { kantata: { workspace: project.wsId }, netsuite: { job: job.id } },
      hours_impact: null,
      amount_impact: amount,
      currency: amount === null ? null : project.client.currency,
      description: `Project master disagrees between Kantata and NetSuite: ${variant}`,
    });
  }
}

function plantR14(ctx: GenContext): void {
  const candidates = ctx.projects.filter((p) => !p.planted && p.oppId !== null);
  for (const project of ctx.rng.sample(candidates, ctx.preset.cases)) {
    project.planted = true;
    const opp = ctx.state.store.opportunities.get(project.oppId!)!;
    const delta = ctx.rng.int(2, 40) * 250 * (ctx.rng.chance(0.5) ? 1 : -1);
    opp.Amount += delta;
    ctx.plant({
      rule_id: "R14",
      canonical_key: `opportunity:salesforce:${opp.Id}`,
      systems: { salesforce: { opportunity: opp.Id }, kantata: { workspace: project.wsId } },
      hours_impact: null,
      amount_impact: round2(Math.abs(delta)),
      currency: opp.CurrencyIsoCode,
      description: "Opportunity amount changed after close; PSA and ERP budgets kept the old value",
    });
  }
}

function plantR05(ctx: GenContext): void {
  for (let i = 0; i < ctx.preset.cases; i += 1) {
    const startDay = ctx.asOfDay - ctx.rng.int(0, 10);
    const project = addProject(ctx, {
      client: ctx.rng.pick(ctx.clients.filter((c) => !ctx.plantedClients.has(c.customerId))),
      type: "TM",
      startDay,
      dueDay: startDay + 200,
      statusKey: i % 2 === 0 ? 200 : 310,
      withOpportunity: i % 2 === 0,
      withJob: false,
    });
    project.planted = true;
    ctx.plant({
      rule_id: "R05",
      canonical_key: `project:kantata:${project.wsId}`,
      systems: { kantata: { workspace: project.wsId } },
      hours_impact: null,
      amount_impact: round2(project.priceCents / 100),
      currency: project.client.currency,
      description: "Active Kantata project never created in NetSuite",
    });
  }
}

function plantR07(ctx: GenContext): void {
  const clients = ctx.clients.filter((c) => !ctx.plantedClients.has(c.customerId));
  for (let i = 0; i <= ctx.preset.cases; i += 1) {
    const client = ctx.rng.pick(clients);
    const recent = i === ctx.preset.cases; // a fresh win inside r07_days: not an exception
    const closeDay = ctx.asOfDay - (recent ? ctx.rng.int(0, 10) : ctx.rng.int(20, 150));
    const amount = ctx.rng.int(40, 500) * 1000;
    const id = addWonOpportunity(ctx, client, "Follow-on Engagement", amount, closeDay);
    if (recent) continue;
    ctx.plant({
      rule_id: "R07",
      canonical_key: `opportunity:salesforce:${id}`,
      systems: { salesforce: { opportunity: id } },
      hours_impact: null,
      amount_impact: round2(amount),
      currency: client.currency,
      description: "Closed-won opportunity with no Kantata project",
    });
  }
}

function plantR10(ctx: GenContext): void {
  const candidates = ctx.workers.filter((w) => w.termDay === null && !w.planted);
  ctx.rng.sample(candidates, ctx.preset.cases).forEach((worker, i) => {
    worker.planted = true;
    const variant = R10_VARIANTS[i % R10_VARIANTS.length]!;
    const user = ctx.state.store.users.get(worker.userId)!;
    const currency = ENTITIES[worker.entity].currency;
    let psa = worker.costRateCents;
    if (variant === "different") psa += ctx.rng.int(2, 20) * 100;
    if (variant === "missing") psa = 0;
    user.cost_rate_in_cents = variant === "missing" ? null : psa;
    if (variant === "currency")
      user.cost_rate_currency = ENTITIES[(worker.entity + 1) % 3].currency;
    ctx.plant({
      rule_id: "R10",
      canonical_key: `worker:workday:${worker.employeeId}`,
      systems: { workday: { worker: worker.employeeId }, kantata: { user: worker.userId } },
      hours_impact: null,
      amount_impact: round2((worker.costRateCents - psa) / 100),
      currency,
      description: `Kantata cost rate ${variant} versus Workday`,
    });
  });
}

/** R09 cases are planted after time generation, when their hours are known. */
function designateR09(ctx: GenContext): void {
  const candidates = ctx.workers.filter((w) => w.termDay !== null && !w.planted);
  const reasons = [
    ["active_in_psa"],
    ["assigned"],
    ["time_after_termination"],
    ["active_in_psa", "assigned"],
  ] as const;
  ctx.rng.sample(candidates, ctx.preset.cases).forEach((worker, i) => {
    worker.planted = true;
    worker.r09 = [...reasons[i % reasons.length]!];
    if (worker.r09.includes("active_in_psa"))
      ctx.state.store.users.get(worker.userId)!.disabled = false;
    if (worker.r09.includes("time_after_termination")) {
      worker.lastDay = Math.min(worker.termDay! + ctx.rng.int(4, 10), ctx.asOfDay - 2);
    }
  });
}
