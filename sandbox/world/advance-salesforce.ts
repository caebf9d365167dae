import type { AdvanceContext } from "./advance-context.js";
import { isoDay, salesforceStamp } from "./calendar.js";
import { COUNTRIES, ENTITIES } from "./firm-model.js";
import type { SfAccount, SfOpportunity } from "./vendor-records.js";

const OPEN_STAGES = ["Prospecting", "Qualification", "Proposal", "Negotiation"];
const INDUSTRIES = ["Financial Services", "Healthcare", "Manufacturing", "Retail", "Technology"];
const NAME_HEADS = ["Harbor", "Summit", "Crescent", "Granite", "Beacon", "Maple", "Orbit"];
const NAME_TAILS = ["Analytics", "Logistics", "Health", "Partners", "Systems", "Foods", "Energy"];
const OFFERINGS = ["ERP rollout", "Data platform", "Process review", "Cloud migration"];

export interface SalesforceCounts {
  inserts: number;
  updates: number;
  /** Open deals deleted. */
  deals: number;
  /** Prospect accounts deleted with their (open or lost) deals, as Salesforce cascades. */
  prospects: number;
}

/** Pipeline churn no rule reads: prospects and open deals come, move and go; won deals stay. */
export function mutateSalesforce(ctx: AdvanceContext, counts: SalesforceCounts): void {
  const { store } = ctx.state;
  const linked = new Set<string>();
  for (const customer of store.customers.scanByKey())
    if (customer.externalid) linked.add(customer.externalid);
  const dealsOf = new Map<string, SfOpportunity[]>();
  for (const deal of store.opportunities.scanByKey()) {
    const list = dealsOf.get(deal.AccountId) ?? [];
    list.push(deal);
    dealsOf.set(deal.AccountId, list);
  }
  const free = (o: SfOpportunity) => !ctx.untouchable("salesforce", "Opportunity", o.Id);
  const touched = new Set<string>();
  const open = [...store.opportunities.scanByKey()].filter((o) => !o.IsClosed && free(o));
  for (let i = 0; i < counts.updates; i += 1) {
    const deal = ctx.draw(open);
    if (!deal) break;
    const stage = OPEN_STAGES.indexOf(deal.StageName);
    const updated: SfOpportunity =
      stage >= 0 && stage < OPEN_STAGES.length - 1
        ? { ...deal, StageName: OPEN_STAGES[stage + 1]! }
        : { ...deal, Amount: Math.round(deal.Amount * 1.1) };
    store.opportunities.upsert(updated, ctx.atMs);
    ctx.note("updated", "salesforce", "Opportunity", deal.Id);
    touched.add(deal.Id);
  }
  for (let i = 0; i < counts.deals; i += 1) {
    const deal = ctx.draw(open);
    if (!deal) break;
    store.opportunities.remove(deal.Id, ctx.atMs);
    ctx.note("deleted", "salesforce", "Opportunity", deal.Id);
    touched.add(deal.Id);
  }
  const prospects = [...store.accounts.scanByKey()].filter(
    (a) =>
      !linked.has(a.Id) &&
      !ctx.untouchable("salesforce", "Account", a.Id) &&
      (dealsOf.get(a.Id) ?? []).every((o) => !o.IsWon && free(o) && !touched.has(o.Id)),
  );
  for (let i = 0; i < counts.prospects; i += 1) {
    const account = ctx.draw(prospects);
    if (!account) break;
    for (const deal of dealsOf.get(account.Id) ?? []) {
      store.opportunities.remove(deal.Id, ctx.atMs);
      ctx.note("deleted", "salesforce", "Opportunity", deal.Id);
    }
    store.accounts.remove(account.Id, ctx.atMs);
    ctx.note("deleted", "salesforce", "Account", account.Id);
  }
  const accounts = [...store.accounts.scanByKey()].filter(
    (a) => !ctx.untouchable("salesforce", "Account", a.Id),
  );
  for (let i = 0; i < counts.updates; i += 1) {
    const account = ctx.draw(accounts);
    if (!account) break;
    const others = INDUSTRIES.filter((name) => name !== account.Industry);
    store.accounts.upsert({ ...account, Industry: ctx.state.rng.pick(others) }, ctx.atMs);
    ctx.note("updated", "salesforce", "Account", account.Id);
  }
  insertPipeline(ctx, counts.inserts);
}

function insertPipeline(ctx: AdvanceContext, count: number): void {
  const { store, rng, ids } = ctx.state;
  const created = salesforceStamp(ctx.atMs);
  for (let i = 0; i < count; i += 1) {
    const country = rng.pick(COUNTRIES);
    const account: SfAccount = {
      Id: ids.take("salesforce.Account"),
      Name: `${rng.pick(NAME_HEADS)} ${rng.pick(NAME_TAILS)} ${rng.int(10, 99)}`,
      CurrencyIsoCode: ENTITIES[country.entity].currency,
      BillingCountry: country.name,
      Industry: rng.pick(INDUSTRIES),
      IsDeleted: false,
      CreatedDate: created,
      SystemModstamp: "",
    };
    store.accounts.upsert(account, ctx.atMs);
    ctx.note("inserted", "salesforce", "Account", account.Id);
  }
  const accounts = [...store.accounts.scanByKey()];
  for (let i = 0; i < count && accounts.length > 0; i += 1) {
    const account = rng.pick(accounts);
    const deal: SfOpportunity = {
      Id: ids.take("salesforce.Opportunity"),
      AccountId: account.Id,
      Name: `${account.Name} — ${rng.pick(OFFERINGS)}`,
      StageName: "Prospecting",
      IsWon: false,
      IsClosed: false,
      CloseDate: isoDay(ctx.asOfDay + rng.int(30, 120)),
      Amount: rng.int(20, 400) * 1000,
      CurrencyIsoCode: account.CurrencyIsoCode,
      IsDeleted: false,
      CreatedDate: created,
      SystemModstamp: "",
    };
    store.opportunities.upsert(deal, ctx.atMs);
    ctx.note("inserted", "salesforce", "Opportunity", deal.Id);
  }
}
