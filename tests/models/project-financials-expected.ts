import { readFileSync } from "node:fs";
import { parse as parseCsv } from "csv-parse/sync";
import type { World } from "../../sandbox/world/world.js";
import { userWorkers, workspaceJobs } from "./sandbox-lookups.js";

/** A currency's value in USD from the first of a month on (a row of the `fx_rates` seed). */
interface UsdRate {
  currency: string;
  usdRate: number;
  validFrom: string;
}

/** The rate from one currency into another on a date (YYYY-MM-DD); none if either has none. */
export type FxRate = (
  from: string | undefined,
  to: string | undefined,
  on: string,
) => number | undefined;

/**
 * The rates of a project's `fx_rates` seed (the shipped project's by default), as
 * int_finance__fx_rates crosses them: each currency's latest row in force on the date, through
 * USD, 8 decimals.
 */
export function seedFxRates(
  seedFile: string | URL = new URL("../../models/seeds/fx_rates.csv", import.meta.url),
): FxRate {
  const rows: UsdRate[] = parseCsv<{ currency: string; usd_rate: string; valid_from: string }>(
    readFileSync(seedFile, "utf8"),
    { columns: true },
  ).map((row) => ({
    currency: row.currency,
    usdRate: Number(row.usd_rate),
    validFrom: row.valid_from,
  }));
  const usdOn = (currency: string, on: string) =>
    rows
      .filter((row) => row.currency === currency && row.validFrom <= on)
      .sort((a, b) => a.validFrom.localeCompare(b.validFrom))
      .at(-1)?.usdRate;
  return (from, to, on) => {
    if (from === undefined || to === undefined) return undefined;
    if (from === to) return 1;
    const [fromUsd, toUsd] = [usdOn(from, on), usdOn(to, on)];
    if (fromUsd === undefined || toUsd === undefined) return undefined;
    return Math.round((fromUsd / toUsd) * 1e8) / 1e8;
  };
}

/** Half away from zero, as the models round money (2) and ratios (4). */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return (Math.sign(value) * Math.round(Math.abs(value) * scale + 1e-7)) / scale;
}

/** One project month as a finance user reads it (functional amounts null with no legal entity). */
export interface ProjectMonth {
  hours: number;
  billableHours: number;
  /** Cost in the project's currency: each cost currency's total converted once. */
  cost: number;
  costFunctional: number | null;
  billableValue: number;
  billed: number;
  revenueBasis: "billable_value" | "billed_amount";
  revenue: number;
  margin: number;
  marginPct: number | null;
  cumulativeRevenue: number;
  cumulativeCost: number;
  budgetBurnPct: number | null;
  costBurnPct: number | null;
  currency: string;
  functionalCurrency: string | undefined;
  revenueFunctional: number | null;
  marginFunctional: number | null;
}

/** Per `project_id|YYYY-MM-01`. */
export type Tally = Map<string, ProjectMonth>;

interface Sums {
  minutes: number;
  billableMinutes: number;
  /** Σ minutes × bill-rate cents of billable time. */
  value: number;
  /** Invoiced cents per NetSuite invoice currency. */
  billedCents: Map<string, number>;
}

const monthOf = (isoDate: string) => `${isoDate.slice(0, 7)}-01`;

/**
 * What project_financials_monthly must hold, computed straight from the sandbox's records:
 * approved Kantata time by work month (cost in each worker's Workday cost currency, converted
 * into the workspace's currency and the job's subsidiary currency), NetSuite customer invoices
 * by invoice month (attributed through KOX-INV / KOX-MS, converted from the invoice's currency),
 * every conversion at the month's rate, revenue by the job's billing type
 * (T&M: billable value; FFM and CB: invoiced), margin and burn from the rounded amounts.
 */
export function expectedProjectFinancials(world: World, fxRate: FxRate = seedFxRates()): Tally {
  const workers = userWorkers(world);
  const jobs = workspaceJobs(world);
  const workspaces = new Map(
    [...world.collection("kantata", "workspaces").scan()].map((w) => [String(w.id), w]),
  );
  const subsidiaryCurrency = new Map(
    [...world.collection("netsuite", "subsidiary").scan()].map((s) => [
      String(s.id),
      String(s.currency),
    ]),
  );
  // Sums in minute-cents and cents (integers) until the end, so nothing is rounded twice.
  const raw = new Map<string, Sums>();
  const costs = new Map<string, Map<string | undefined, number>>();
  const slot = (workspace: string, month: string) => {
    const key = `${workspace}|${month}`;
    let entry = raw.get(key);
    if (!entry) {
      entry = { minutes: 0, billableMinutes: 0, value: 0, billedCents: new Map() };
      raw.set(key, entry);
      costs.set(key, new Map());
    }
    return entry;
  };
  for (const entry of world.collection("kantata", "time_entries").scan()) {
    if (entry.approved !== true) continue;
    const minutes = Number(entry.time_in_minutes);
    const key = `${entry.workspace_id}|${monthOf(String(entry.date_performed))}`;
    const row = slot(String(entry.workspace_id), monthOf(String(entry.date_performed)));
    row.minutes += minutes;
    if (entry.billable === true) {
      row.billableMinutes += minutes;
      row.value += minutes * Number(entry.rate_in_cents);
    }
    const currency = workers.get(String(entry.user_id))?.costCurrency;
    const byCurrency = costs.get(key) as Map<string | undefined, number>;
    const cost = minutes * Number(entry.cost_rate_in_cents ?? 0);
    byCurrency.set(currency, (byCurrency.get(currency) ?? 0) + cost);
  }
  const invoiceWorkspace = new Map<string, string>();
  for (const invoice of world.collection("kantata", "invoices").scan()) {
    invoiceWorkspace.set(`KOX-INV-${invoice.id}`, String(invoice.workspace_id));
  }
  for (const story of world.collection("kantata", "stories").scan()) {
    invoiceWorkspace.set(`KOX-MS-${story.id}`, String(story.workspace_id));
  }
  for (const tx of world.collection("netsuite", "transaction").scan()) {
    const workspace = invoiceWorkspace.get(String(tx.externalid));
    if (tx.type !== "CustInvc" || workspace === undefined) continue;
    const billed = slot(workspace, monthOf(String(tx.trandate))).billedCents;
    const currency = String(tx.currency);
    billed.set(currency, (billed.get(currency) ?? 0) + Math.round(Number(tx.foreigntotal) * 100));
  }

  const tally: Tally = new Map();
  const toDate = new Map<string, { revenue: number; cost: number }>();
  for (const key of [...raw.keys()].sort()) {
    const [workspaceId = "", month = ""] = key.split("|");
    const row = raw.get(key) as Sums;
    const workspace = workspaces.get(workspaceId);
    const job = jobs.get(workspaceId);
    const currency = String(workspace?.currency);
    const functional = job ? subsidiaryCurrency.get(String(job.subsidiary)) : undefined;
    /** Each currency's total (in `unit`s of the currency) converted once, then rounded. */
    const convert = (
      amounts: Iterable<[string | undefined, number]>,
      unit: number,
      into: string,
    ) => {
      let total = 0;
      for (const [from, amount] of amounts) {
        if (amount === 0) continue;
        const rate = fxRate(from, into, month);
        if (rate === undefined) throw new Error(`no planning rate ${from} → ${into} (${key})`);
        total += (amount / unit) * rate;
      }
      return roundTo(total, 2);
    };
    const cost = convert(costs.get(key) ?? [], 6000, currency);
    const billableValue = roundTo(row.value / 6000, 2);
    const billed = convert(row.billedCents, 100, currency);
    const fixedFee = job?.jobbillingtype === "FFM" || job?.jobbillingtype === "CB";
    const revenue = fixedFee ? billed : billableValue;
    const before = toDate.get(workspaceId) ?? { revenue: 0, cost: 0 };
    const cumulative = {
      revenue: roundTo(before.revenue + revenue, 2),
      cost: roundTo(before.cost + cost, 2),
    };
    toDate.set(workspaceId, cumulative);
    const budget = Number(workspace?.price_in_cents) / 100;
    const rate = fxRate(currency, functional, month);
    const costFunctional =
      functional === undefined ? null : convert(costs.get(key) ?? [], 6000, functional);
    const revenueFunctional = rate === undefined ? null : roundTo(revenue * rate, 2);
    tally.set(`project:kantata:${key}`, {
      hours: roundTo(row.minutes / 60, 2),
      billableHours: roundTo(row.billableMinutes / 60, 2),
      cost,
      costFunctional,
      billableValue,
      billed,
      revenueBasis: fixedFee ? "billed_amount" : "billable_value",
      revenue,
      margin: roundTo(revenue - cost, 2),
      marginPct: revenue === 0 ? null : roundTo((revenue - cost) / revenue, 4),
      cumulativeRevenue: cumulative.revenue,
      cumulativeCost: cumulative.cost,
      budgetBurnPct: budget > 0 ? roundTo(cumulative.revenue / budget, 4) : null,
      costBurnPct: budget > 0 ? roundTo(cumulative.cost / budget, 4) : null,
      currency,
      functionalCurrency: functional,
      revenueFunctional,
      marginFunctional:
        revenueFunctional === null || costFunctional === null
          ? null
          : roundTo(revenueFunctional - costFunctional, 2),
    });
  }
  return tally;
}
