import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STREAM_CATALOG } from "../../extractors/stream-catalog.js";
import type { Row, Warehouse } from "../../warehouse/warehouse.js";
import { warehouseCases } from "../support/warehouses.js";
import {
  build,
  type LandedSandbox,
  landSandbox,
  PROJECT_DIR,
  resyncAndBuild,
} from "./model-harness.js";
import {
  expectedProjectFinancials,
  type FxRate,
  type ProjectMonth,
  seedFxRates,
} from "./project-financials-expected.js";
import { userWorkers } from "./sandbox-lookups.js";
import { expectedUtilisation, type WorkerMonth } from "./utilisation-expected.js";

const RUN_AT = "2026-01-01T00:00:00Z";

/** A number column as text with fixed decimals (null stays null), for exact comparisons. */
const fixed = (value: unknown, decimals: number) =>
  value === null || value === undefined ? null : Number(value).toFixed(decimals);

describe.each(warehouseCases())("marts on $kind (sandbox small)", (wc) => {
  let landed: LandedSandbox;
  let wh: Warehouse;
  let vars: Record<string, unknown>;

  beforeAll(async () => {
    const target = await wc.target();
    landed = await landSandbox("small", target);
    wh = await wc.open(target);
    vars = { as_of_date: landed.sandbox.world.asOf, run_at: RUN_AT };
    await build(wh, vars, true);
  }, 600_000);

  afterAll(async () => {
    await landed?.sandbox.close();
  });

  it("keeps each entry's cost in the worker's cost currency and converts it into the entry's", async () => {
    const world = landed.sandbox.world;
    const workers = userWorkers(world);
    const rows = await wh.query(
      "select kantata_time_entry_id, cost_currency, cost_amount_in_cost_currency, cost_fx_rate, cost_amount, currency, is_fx_rate_missing from canonical.time_entry where kantata_time_entry_id is not null",
    );
    const byId = new Map(rows.map((row) => [String(row.kantata_time_entry_id), row]));
    const wrong: string[] = [];
    let mixed = 0;
    for (const entry of world.collection("kantata", "time_entries").scan()) {
      const row = byId.get(String(entry.id));
      const costCurrency = workers.get(String(entry.user_id))?.costCurrency;
      const recorded =
        (Number(entry.time_in_minutes) * Number(entry.cost_rate_in_cents ?? 0)) / 6000;
      const rate = seedFxRates()(
        costCurrency,
        String(entry.currency),
        String(entry.date_performed),
      );
      if (costCurrency !== entry.currency) mixed += 1;
      const ok =
        row !== undefined &&
        row.cost_currency === costCurrency &&
        row.currency === entry.currency &&
        Math.abs(Number(row.cost_amount_in_cost_currency) - recorded) < 5e-6 &&
        Math.abs(Number(row.cost_fx_rate) - Number(rate)) < 5e-9 &&
        Math.abs(Number(row.cost_amount) - recorded * Number(rate)) < 5e-6 &&
        row.is_fx_rate_missing === false;
      if (!ok) wrong.push(`${entry.id}: ${JSON.stringify(row)} want ${costCurrency} ${recorded}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(byId.size).toBe(world.collection("kantata", "time_entries").size);
    // The sandbox staffs projects across entities: most cost is in another currency.
    expect(mixed).toBeGreaterThan(100);
  });

  /** The Kantata projects' mart rows, and the same rows published and expected, by project|month. */
  async function projectMonths(rates?: FxRate) {
    const rows = await wh.query(
      "select *, cast(month_start as varchar) as month from marts.project_financials_monthly where project_id like 'project:kantata:%'",
    );
    const actual = Object.fromEntries(
      rows.map((row) => [`${row.project_id}|${row.month}`, publishedMonth(row)]),
    );
    const expected = Object.fromEntries(
      [...expectedProjectFinancials(landed.sandbox.world, rates)].map(([key, month]) => [
        key,
        expectedMonth(month),
      ]),
    );
    return { rows, actual, expected };
  }

  it("ties project financials out: cost converted, revenue by billing type, margin and burn add up", async () => {
    const { rows, actual, expected } = await projectMonths();
    expect(rows.length).toBeGreaterThan(20);
    expect(actual).toEqual(expected);

    // Every row adds up to the cent, as published.
    const cents = (value: unknown) => Math.round(Number(value) * 100);
    for (const row of rows) {
      expect(cents(row.margin_amount), String(row.project_id)).toBe(
        cents(row.revenue_amount) - cents(row.cost_amount),
      );
      expect(cents(row.margin_amount_functional)).toBe(
        cents(row.revenue_amount_functional) - cents(row.cost_amount_functional),
      );
    }
    // Fixed fee and retainer projects earn what they invoice: a margin and a burn of their own.
    const fixedFee = rows.filter((row) => ["FFM", "CB"].includes(String(row.billing_type)));
    expect(fixedFee.length).toBeGreaterThan(10);
    expect(fixedFee.some((row) => Number(row.margin_pct) > 0)).toBe(true);
    expect(fixedFee.some((row) => Number(row.budget_burn_pct) > 0)).toBe(true);
  });

  it("utilisation has a row for every month a worker was employed, capacity cut at the as-of date", async () => {
    const world = landed.sandbox.world;
    const rows = await wh.query(
      "select worker_id, cast(month_start as varchar) as month, hours, billable_hours, capacity_hours, utilisation_pct, occupancy_pct from marts.utilisation",
    );
    const actual = Object.fromEntries(
      rows.map((row) => [
        `${row.worker_id}|${row.month}`,
        [
          fixed(row.hours, 2),
          fixed(row.billable_hours, 2),
          Number(row.capacity_hours),
          fixed(row.utilisation_pct, 4),
          fixed(row.occupancy_pct, 4),
        ],
      ]),
    );
    const expected = Object.fromEntries(
      [...expectedUtilisation(world)].map(([key, month]: [string, WorkerMonth]) => [
        key,
        [
          month.hours.toFixed(2),
          month.billableHours.toFixed(2),
          month.capacityHours,
          fixed(month.utilisationPct, 4),
          fixed(month.occupancyPct, 4),
        ],
      ]),
    );
    expect(actual).toEqual(expected);
    // Bench months are rows; the as-of month holds at most the weekdays up to the as-of date.
    expect(rows.some((row) => Number(row.hours) === 0 && Number(row.capacity_hours) > 0)).toBe(
      true,
    );
    const asOfMonth = `${world.asOf.slice(0, 7)}-01`;
    const weekdaysToAsOf = [...Array(Number(world.asOf.slice(8, 10))).keys()]
      .map((d) => new Date(`${asOfMonth.slice(0, 8)}${String(d + 1).padStart(2, "0")}T00:00:00Z`))
      .filter((day) => day.getUTCDay() % 6 !== 0).length;
    const current = rows.filter((row) => row.month === asOfMonth);
    expect(current.length).toBeGreaterThan(0);
    expect(Math.max(...current.map((row) => Number(row.capacity_hours)))).toBe(8 * weekdaysToAsOf);
  });

  it("integration_health says when freshness was measured", async () => {
    const rows = await wh.query(
      "select stream, extract(epoch from measured_at) as measured, extract(epoch from last_success_at) as succeeded, freshness_hours from marts.integration_health",
    );
    // A row per stream pslink syncs.
    expect(rows.map((row) => String(row.stream)).sort()).toEqual(
      Object.values(STREAM_CATALOG)
        .flatMap((streams) => streams.map((stream) => stream.name.toLowerCase()))
        .sort(),
    );
    for (const row of rows) {
      expect(Number(row.measured) * 1000, String(row.stream)).toBe(Date.parse(RUN_AT));
      const lag = (Number(row.measured) - Number(row.succeeded)) / 3600;
      expect(Number(row.freshness_hours)).toBeCloseTo(lag, 2);
    }
  });

  it("converts each month at that month's rate when the fx_rates seed changes a rate", async () => {
    // The project with one more row in its seed: EUR worth more from a month in the data on.
    const project = mkdtempSync(join(tmpdir(), "pslink-models-fx-"));
    cpSync(PROJECT_DIR, project, { recursive: true, filter: (path) => !path.includes("/target") });
    const seed = join(project, "seeds", "fx_rates.csv");
    const asOf = String(landed.sandbox.world.asOf);
    const changedFrom = `${shiftMonths(asOf, -4).slice(0, 7)}-01`;
    writeFileSync(seed, `${readFileSync(seed, "utf8").trimEnd()}\nEUR,1.200000,${changedFrom}\n`);
    try {
      await build(wh, vars, false, project);
      const rates = seedFxRates(seed);
      const { actual, expected } = await projectMonths(rates);
      expect(actual).toEqual(expected);
      // The same pair converts at two rates, either side of the change.
      const pairs = await wh.query(
        `select distinct cost_fx_rate, work_date >= cast($1 as date) as after_change
           from canonical.time_entry
          where cost_currency = 'EUR' and currency = 'USD' and is_approved`,
        [changedFrom],
      );
      expect(pairs.map((p) => [Number(p.cost_fx_rate), p.after_change]).sort()).toEqual([
        [1.08, false],
        [1.2, true],
      ]);
    } finally {
      await build(wh, vars);
      rmSync(project, { recursive: true, force: true });
    }
  });

  it("converts invoices in another currency than their project's, and flags one with no rate", async () => {
    // Two fixed-fee projects' NetSuite invoices (fixed fee earns what is invoiced).
    const invoices = await wh.query(
      `select invoice.netsuite_transaction_id, invoice.project_id, project.currency,
              cast(invoice.invoice_date as varchar) as invoice_date
         from canonical.invoice as invoice
         join canonical.project as project on project.project_id = invoice.project_id
        where project.billing_type in ('FFM', 'CB') and invoice.erp_amount > 0
        order by invoice.project_id, invoice.invoice_date`,
    );
    const [rated, unrated] = [
      invoices[0],
      invoices.find((i) => i.project_id !== invoices[0]?.project_id),
    ];
    if (!rated || !unrated)
      throw new Error("the small sandbox has no two invoiced fixed-fee projects");
    const transactions = landed.sandbox.world.collection("netsuite", "transaction");
    const recurrency = (id: unknown, currency: string) => {
      const tx = transactions.get(String(id));
      if (!tx) throw new Error(`no NetSuite transaction ${String(id)}`);
      transactions.upsert({ ...tx, currency }, Date.now());
    };

    const foreign = ["EUR", "GBP", "USD"].find((c) => c !== rated.currency) as string;
    recurrency(rated.netsuite_transaction_id, foreign);
    await resyncAndBuild(landed, wh, vars, { runAt: "2026-01-02T00:00:00Z", fullRefresh: true });
    const [landedInvoice] = await wh.query(
      "select erp_currency from canonical.invoice where netsuite_transaction_id = $1",
      [rated.netsuite_transaction_id],
    );
    expect(landedInvoice?.erp_currency).toBe(foreign);
    const { actual, expected } = await projectMonths();
    expect(actual).toEqual(expected);

    recurrency(unrated.netsuite_transaction_id, "JPY");
    await resyncAndBuild(landed, wh, vars, { runAt: "2026-01-03T00:00:00Z", fullRefresh: true });
    const months = await wh.query(
      "select cast(month_start as varchar) as month, billed_amount, revenue_amount, margin_amount, cumulative_revenue_amount, is_fx_rate_missing from marts.project_financials_monthly where project_id = $1 order by month_start",
      [unrated.project_id],
    );
    const invoiceMonth = `${String(unrated.invoice_date).slice(0, 7)}-01`;
    for (const month of months) {
      if (month.month === invoiceMonth) {
        expect(month.is_fx_rate_missing).toBe(true);
        for (const column of ["billed_amount", "revenue_amount", "margin_amount"])
          expect(month[column], column).toBeNull();
      }
      if (String(month.month) >= invoiceMonth) {
        expect(month.cumulative_revenue_amount, String(month.month)).toBeNull();
      } else {
        expect(month.cumulative_revenue_amount, String(month.month)).not.toBeNull();
      }
    }
    expect(months.some((m) => m.month === invoiceMonth)).toBe(true);
  });

  it("leaves cost unconverted and flagged, never mixed, when a cost currency has no rate", async () => {
    const [logged] = await wh.query(
      "select min(worker_id) as worker_id from canonical.time_entry where is_approved and worker_id like 'worker:workday:%'",
    );
    const workerId = String(logged?.worker_id);
    const workers = landed.sandbox.world.collection("workday", "workers");
    const worker = workers.get(workerId.replace("worker:workday:", ""));
    if (!worker) throw new Error(`no Workday worker ${workerId}`);
    workers.upsert({ ...worker, Cost_Rate_Currency: "JPY" }, Date.now());
    await resyncAndBuild(landed, wh, vars, { runAt: "2026-01-02T00:00:00Z", fullRefresh: true });

    const entries = await wh.query(
      "select project_id, cast(work_date as varchar) as work_date, cost_currency, cost_amount_in_cost_currency, cost_amount, is_fx_rate_missing from canonical.time_entry where worker_id = $1 and is_approved",
      [workerId],
    );
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry.cost_currency).toBe("JPY");
      expect(Number(entry.cost_amount_in_cost_currency)).toBeGreaterThan(0);
      expect(entry.cost_amount).toBeNull();
      expect(entry.is_fx_rate_missing).toBe(true);
    }
    const touched = new Set(
      entries.map((e) => `${e.project_id}|${String(e.work_date).slice(0, 7)}-01`),
    );
    const months = await wh.query(
      "select project_id, cast(month_start as varchar) as month, cost_amount, cost_amount_functional, billed_amount, margin_amount, margin_pct, cumulative_cost_amount, is_fx_rate_missing from marts.project_financials_monthly",
    );
    for (const month of months) {
      if (touched.has(`${month.project_id}|${month.month}`)) {
        expect(month.is_fx_rate_missing).toBe(true);
        for (const column of [
          "cost_amount",
          "cost_amount_functional",
          "margin_amount",
          "margin_pct",
        ])
          expect(month[column], column).toBeNull();
        expect(month.cumulative_cost_amount).toBeNull();
      } else if (month.cost_amount !== null && month.billed_amount !== null) {
        expect(month.is_fx_rate_missing).toBe(false);
      }
    }
    expect(months.filter((m) => m.is_fx_rate_missing === true).length).toBeGreaterThanOrEqual(
      touched.size,
    );
  });
});

/** The columns a finance user reads, as text, from a mart row. */
function publishedMonth(row: Row): Record<string, unknown> {
  return {
    hours: fixed(row.hours, 2),
    billable_hours: fixed(row.billable_hours, 2),
    currency: row.currency,
    cost_amount: fixed(row.cost_amount, 2),
    billable_value: fixed(row.billable_value, 2),
    billed_amount: fixed(row.billed_amount, 2),
    revenue_basis: row.revenue_basis,
    revenue_amount: fixed(row.revenue_amount, 2),
    margin_amount: fixed(row.margin_amount, 2),
    margin_pct: fixed(row.margin_pct, 4),
    cumulative_revenue_amount: fixed(row.cumulative_revenue_amount, 2),
    cumulative_cost_amount: fixed(row.cumulative_cost_amount, 2),
    budget_burn_pct: fixed(row.budget_burn_pct, 4),
    cost_burn_pct: fixed(row.cost_burn_pct, 4),
    functional_currency: row.functional_currency,
    cost_amount_functional: fixed(row.cost_amount_functional, 2),
    revenue_amount_functional: fixed(row.revenue_amount_functional, 2),
    margin_amount_functional: fixed(row.margin_amount_functional, 2),
    is_fx_rate_missing: row.is_fx_rate_missing,
  };
}

/** The same columns from the independent expectation. */
function expectedMonth(month: ProjectMonth): Record<string, unknown> {
  return {
    hours: fixed(month.hours, 2),
    billable_hours: fixed(month.billableHours, 2),
    currency: month.currency,
    cost_amount: fixed(month.cost, 2),
    billable_value: fixed(month.billableValue, 2),
    billed_amount: fixed(month.billed, 2),
    revenue_basis: month.revenueBasis,
    revenue_amount: fixed(month.revenue, 2),
    margin_amount: fixed(month.margin, 2),
    margin_pct: fixed(month.marginPct, 4),
    cumulative_revenue_amount: fixed(month.cumulativeRevenue, 2),
    cumulative_cost_amount: fixed(month.cumulativeCost, 2),
    budget_burn_pct: fixed(month.budgetBurnPct, 4),
    cost_burn_pct: fixed(month.costBurnPct, 4),
    functional_currency: month.functionalCurrency ?? null,
    cost_amount_functional: fixed(month.costFunctional, 2),
    revenue_amount_functional: fixed(month.revenueFunctional, 2),
    margin_amount_functional: fixed(month.marginFunctional, 2),
    is_fx_rate_missing: month.functionalCurrency !== undefined && month.revenueFunctional === null,
  };
}

/** `YYYY-MM-DD` moved by whole months (UTC). */
function shiftMonths(isoDate: string, months: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.toISOString().slice(0, 10);
}
