import { configError } from "../core/errors.js";
import { ruleName } from "../core/rules.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { textTable } from "./text-table.js";

const DAY_MS = 86_400_000;

/** One open row of reconciliation.exceptions, with DESIGN's columns. */
export interface ExceptionRow extends Record<string, unknown> {
  exception_id: string;
  rule_id: string;
  severity: string;
  domain: string;
  canonical_id: string;
  systems: unknown;
  details: unknown;
  amount_impact: unknown;
  currency: string | null;
  hours_impact: unknown;
  first_detected_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
  status: string;
}

/** The open exceptions, or a clear error when the models were never built. */
export async function openExceptions(warehouse: Warehouse): Promise<ExceptionRow[]> {
  try {
    return await warehouse.query<ExceptionRow>(
      `select exception_id, rule_id, severity, domain, canonical_id, systems, details, amount_impact,
              currency, hours_impact, first_detected_at, last_seen_at, resolved_at, status
       from reconciliation.exceptions where status = 'open' order by rule_id, canonical_id`,
    );
  } catch (error) {
    throw configError("reconciliation.exceptions is not in the warehouse yet", {
      cause: error,
      hint: "run `pslink sync` and then `pslink build` first",
    });
  }
}

/** Whole days since an exception was first detected. */
export const ageDays = (row: ExceptionRow, now: number) =>
  Math.floor((now - new Date(row.first_detected_at).getTime()) / DAY_MS);

/** A numeric column (decimal, bigint or null) as a number or null. */
export const numberOrNull = (value: unknown) =>
  value === null || value === undefined ? null : Number(value);

interface RuleSummary {
  rule: string;
  severity: string;
  open: number;
  oldestDays: number;
  hours: number;
  amounts: Map<string, number>;
}

/** Open exceptions per rule and severity: count, oldest age, hours and amounts by currency. */
export function summaryTable(rows: readonly ExceptionRow[], now: number): string {
  const byRule = new Map<string, RuleSummary>();
  for (const row of rows) {
    const key = `${row.rule_id} ${row.severity}`;
    const summary = byRule.get(key) ?? {
      rule: row.rule_id,
      severity: row.severity,
      open: 0,
      oldestDays: 0,
      hours: 0,
      amounts: new Map<string, number>(),
    };
    summary.open += 1;
    summary.oldestDays = Math.max(summary.oldestDays, ageDays(row, now));
    summary.hours += numberOrNull(row.hours_impact) ?? 0;
    const amount = numberOrNull(row.amount_impact);
    if (amount !== null && row.currency) {
      summary.amounts.set(row.currency, (summary.amounts.get(row.currency) ?? 0) + amount);
    }
    byRule.set(key, summary);
  }
  return textTable(
    [...byRule.values()],
    [
      { header: "rule", value: (s) => s.rule },
      { header: "what", value: (s) => ruleName(s.rule) },
      { header: "severity", value: (s) => s.severity },
      { header: "open", align: "right", value: (s) => s.open },
      { header: "oldest (days)", align: "right", value: (s) => s.oldestDays },
      { header: "hours", align: "right", value: (s) => (s.hours === 0 ? "" : s.hours.toFixed(2)) },
      { header: "amount", value: (s) => formatAmounts(s.amounts) },
    ],
  );
}

function formatAmounts(amounts: ReadonlyMap<string, number>): string {
  return [...amounts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => `${currency} ${amount.toFixed(2)}`)
    .join(", ");
}
