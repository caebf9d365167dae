import { isoDay, kantataStamp, monthStart, netsuiteDay, salesforceStamp } from "./calendar.js";
import { addExternalRef } from "./external-refs.js";
import { type ClientPlan, COUNTRIES, ENTITIES, type GenContext } from "./firm-model.js";
import type { FirmState } from "./firm-state.js";

const OPEN_STAGES = ["Prospecting", "Qualification", "Proposal", "Negotiation"] as const;
const INDUSTRIES = ["Financial Services", "Healthcare", "Manufacturing", "Retail", "Technology"];

/** Legal entities, accounting periods, clients in all three systems, prospects and open deals. */
export function generateClients(ctx: GenContext): void {
  const { store, clock, ids } = ctx.state;
  const firstDay = ctx.asOfDay - 420;
  for (const entity of ENTITIES) {
    store.subsidiaries.upsert(
      {
        id: ids.take("netsuite.subsidiary"),
        name: entity.name,
        currency: entity.currency,
        country: entity.country,
        lastmodifieddate: "",
      },
      clock.at(firstDay, 480),
    );
  }
  generatePeriods(ctx);
  const names = new Set<string>();
  const uniqueName = () => {
    for (;;) {
      const name = ctx.faker.company.name();
      if (!names.has(name.toLowerCase())) {
        names.add(name.toLowerCase());
        return name;
      }
    }
  };
  for (let i = 0; i < ctx.preset.clients; i += 1) {
    const country = COUNTRIES[i % COUNTRIES.length]!;
    const entity = ENTITIES[country.entity];
    const name = uniqueName();
    const day = firstDay + ctx.rng.int(0, 30);
    const { accountId, customerId } = addCustomer(ctx, name, country, day);
    const groupId = addClientGroup(ctx.state, name, customerId, day);
    const client: ClientPlan = {
      accountId,
      customerId,
      groupId,
      name,
      country: country.name,
      entity: country.entity,
      currency: entity.currency,
    };
    ctx.clients.push(client);
  }
  for (let i = 0; i < ctx.preset.prospects; i += 1) {
    const country = COUNTRIES[ctx.rng.int(0, COUNTRIES.length - 1)]!;
    const day = ctx.asOfDay - ctx.rng.int(5, 300);
    const id = ids.take("salesforce.Account");
    const currency = ENTITIES[country.entity].currency;
    store.accounts.upsert(
      account(ctx, id, uniqueName(), country.name, currency, day),
      clock.at(day, 610),
    );
  }
  generatePipeline(ctx);
}

/**
 * A client's Salesforce account and the NetSuite customer that names it (`externalid`), in the
 * legal entity and currency of its country, created on `day`.
 */
export function addCustomer(
  ctx: GenContext,
  name: string,
  country: (typeof COUNTRIES)[number],
  day: number,
): { accountId: string; customerId: string } {
  const { store, clock, ids } = ctx.state;
  const entity = ENTITIES[country.entity];
  const accountId = ids.take("salesforce.Account");
  store.accounts.upsert(
    account(ctx, accountId, name, country.name, entity.currency, day),
    clock.at(day, 600),
  );
  const customerId = ids.take("netsuite.customer");
  store.customers.upsert(
    {
      id: customerId,
      entityid: `CUST-${customerId}`,
      companyname: name,
      externalid: accountId,
      subsidiary: entity.subsidiary,
      currency: entity.currency,
      isinactive: "F",
      lastmodifieddate: "",
    },
    clock.at(day, 660),
  );
  return { accountId, customerId };
}

/** A Kantata client group (`company`) created on `day`, linked to a NetSuite customer; its id. */
export function addClientGroup(
  state: FirmState,
  name: string,
  customerId: string,
  day: number,
): string {
  const { store, clock, ids } = state;
  const groupId = ids.take("kantata.workspace_groups");
  store.groups.upsert(
    {
      id: groupId,
      name,
      company: true,
      created_at: kantataStamp(clock.at(day, 700)),
      updated_at: "",
    },
    clock.at(day, 700),
  );
  addExternalRef(
    state,
    "WorkspaceGroup",
    groupId,
    "NetSuite",
    "customer",
    customerId,
    clock.at(day, 710),
  );
  return groupId;
}

function account(
  ctx: GenContext,
  id: string,
  name: string,
  country: string,
  currency: string,
  day: number,
) {
  return {
    Id: id,
    Name: name,
    CurrencyIsoCode: currency,
    BillingCountry: country,
    Industry: ctx.rng.pick(INDUSTRIES),
    IsDeleted: false,
    CreatedDate: salesforceStamp(ctx.state.clock.at(day, 540)),
    SystemModstamp: "",
  };
}

function generatePeriods(ctx: GenContext): void {
  const { store, clock, ids } = ctx.state;
  const closedBefore = monthStart(ctx.asOfDay, -2);
  for (
    let start = monthStart(ctx.asOfDay - 395);
    start <= ctx.asOfDay;
    start = monthStart(start, 1)
  ) {
    const end = monthStart(start, 1) - 1;
    const closed = end < closedBefore;
    const label = new Date(start * 86_400_000).toLocaleString("en-US", {
      month: "short",
      year: "numeric",
      timeZone: "UTC",
    });
    store.periods.upsert(
      {
        id: ids.take("netsuite.accountingperiod"),
        periodname: label,
        startdate: netsuiteDay(start),
        enddate: netsuiteDay(end),
        closed: closed ? "T" : "F",
        isyear: "F",
        isquarter: "F",
        lastmodifieddate: "",
      },
      clock.at(Math.min(closed ? end + 40 : start, ctx.asOfDay), 300),
    );
  }
}

/** Open and lost opportunities: they never become projects. */
function generatePipeline(ctx: GenContext): void {
  const accounts = [...ctx.state.store.accounts.scanByKey()];
  const total = ctx.preset.openOpportunities + ctx.preset.lostOpportunities;
  for (let i = 0; i < total; i += 1) {
    const open = i < ctx.preset.openOpportunities;
    const acct = ctx.rng.pick(accounts);
    const created = ctx.asOfDay - ctx.rng.int(10, 300);
    const close = open ? ctx.asOfDay + ctx.rng.int(10, 120) : created + ctx.rng.int(10, 60);
    const touched = open ? ctx.asOfDay - ctx.rng.int(1, 9) : Math.min(close, ctx.asOfDay - 1);
    ctx.state.store.opportunities.upsert(
      {
        Id: ctx.state.ids.take("salesforce.Opportunity"),
        AccountId: acct.Id,
        Name: `${acct.Name} — ${ctx.faker.commerce.productName()}`,
        StageName: open ? ctx.rng.pick(OPEN_STAGES) : "Closed Lost",
        IsWon: false,
        IsClosed: !open,
        CloseDate: isoDay(close),
        Amount: ctx.rng.int(20, 400) * 1000,
        CurrencyIsoCode: acct.CurrencyIsoCode,
        IsDeleted: false,
        CreatedDate: salesforceStamp(ctx.state.clock.at(created, 600)),
        SystemModstamp: "",
      },
      ctx.state.clock.at(touched, 620),
    );
  }
}
