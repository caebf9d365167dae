import type { GroundTruth } from "../../sandbox/world/types.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { sortedJson } from "./model-harness.js";

/** One exception reduced to what the manifest fixes: rule, each system's ids, impacts. */
export interface ExceptionKey {
  key: string;
  rule_id: string;
  systems: string;
  hours_impact: string | null;
  amount_impact: string | null;
  currency: string | null;
}

const money = (value: unknown): string | null =>
  value === null || value === undefined ? null : Number(value).toFixed(2);

const json = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);

function keyOf(rule: string, systems: unknown): string {
  return `${rule} ${JSON.stringify(sortedJson(json(systems)))}`;
}

/** The ground-truth manifest as comparable exception keys, sorted. */
export function expectedExceptions(truth: GroundTruth): ExceptionKey[] {
  return truth.entries
    .map((entry) => ({
      key: keyOf(entry.rule_id, entry.systems),
      rule_id: entry.rule_id,
      systems: JSON.stringify(sortedJson(entry.systems)),
      hours_impact: money(entry.hours_impact),
      amount_impact: money(entry.amount_impact),
      currency: entry.currency,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** The warehouse's exceptions in `status`, as comparable keys, sorted. */
export async function warehouseExceptions(
  wh: Warehouse,
  status: "open" | "resolved",
): Promise<ExceptionKey[]> {
  const rows = await wh.query(
    "select rule_id, systems, hours_impact, amount_impact, currency from reconciliation.exceptions where status = $1",
    [status],
  );
  return rows
    .map((row) => ({
      key: keyOf(String(row.rule_id), row.systems),
      rule_id: String(row.rule_id),
      systems: JSON.stringify(sortedJson(json(row.systems))),
      hours_impact: money(row.hours_impact),
      amount_impact: money(row.amount_impact),
      currency: (row.currency as string | null) ?? null,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}
