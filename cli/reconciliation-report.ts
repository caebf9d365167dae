import { configError } from "../core/errors.js";
import { groupBy } from "../core/group-by.js";
import { ruleLabel, ruleName } from "../core/rules.js";
import { parseJson } from "../warehouse/json-value.js";
import { inList, queryInChunks } from "../warehouse/sql-values.js";
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

const EXCEPTION_COLUMNS = `exception_id, rule_id, severity, domain, canonical_id, systems, details,
  amount_impact, currency, hours_impact, first_detected_at, last_seen_at, resolved_at, status`;

/** The open exceptions, or a clear error when the models were never built. */
export function openExceptions(warehouse: Warehouse): Promise<ExceptionRow[]> {
  return exceptionsWhere(warehouse, "status = 'open'", []);
}

/** These exceptions whatever their status (a plan names resolved ones too), in the given order. */
export async function exceptionsById(
  warehouse: Warehouse,
  ids: readonly string[],
): Promise<ExceptionRow[]> {
  const rows = await queryInChunks(ids, (chunk) => {
    const params: unknown[] = [];
    return exceptionsWhere(warehouse, inList("exception_id", chunk, params), params);
  });
  const byId = new Map(rows.map((row) => [row.exception_id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

async function exceptionsWhere(
  warehouse: Warehouse,
  where: string,
  params: readonly unknown[],
): Promise<ExceptionRow[]> {
  try {
    return await warehouse.query<ExceptionRow>(
      `select ${EXCEPTION_COLUMNS} from reconciliation.exceptions where ${where}
       order by rule_id, canonical_id`,
      params,
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
  /** Of them, the ones a write-back is planned, approved or under way for. */
  planned: number;
  oldestDays: number;
  hours: number;
  amounts: Map<string, number>;
}

/**
 * Open exceptions per rule and severity: count, oldest age, hours and amounts by currency; with
 * `planned` (the exceptions a write-back is planned for), how many of each are being fixed.
 */
export function summaryTable(
  rows: readonly ExceptionRow[],
  now: number,
  planned?: ReadonlySet<string>,
): string {
  const byRule = new Map<string, RuleSummary>();
  for (const row of rows) {
    const key = `${row.rule_id} ${row.severity}`;
    const summary = byRule.get(key) ?? {
      rule: row.rule_id,
      severity: row.severity,
      open: 0,
      planned: 0,
      oldestDays: 0,
      hours: 0,
      amounts: new Map<string, number>(),
    };
    summary.open += 1;
    if (planned?.has(row.exception_id)) summary.planned += 1;
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
      ...(planned
        ? [
            {
              header: "write-back",
              align: "right" as const,
              value: (s: RuleSummary) => s.planned || "",
            },
          ]
        : []),
      { header: "oldest (days)", align: "right", value: (s) => s.oldestDays },
      { header: "hours", align: "right", value: (s) => (s.hours === 0 ? "" : decimal(s.hours)) },
      { header: "amount", value: (s) => formatAmounts(s.amounts) },
    ],
  );
}

function formatAmounts(amounts: ReadonlyMap<string, number>): string {
  return [...amounts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => `${currency} ${decimal(amount)}`)
    .join(", ");
}

/** Two decimals with thousands grouped: `1,548,000.00`. */
const decimal = (value: number) => DECIMAL.format(value);
const DECIMAL = new Intl.NumberFormat("en-US", {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** A write-back planned for an exception: the item, its plan and where it stands. */
export interface PlannedFix extends Record<string, unknown> {
  exception_id: string;
  item_key: string;
  plan_id: string;
  status: string;
  target_system: string;
  object: string;
  operation: string;
}

/** The write items planned for these exceptions (none when nothing was planned yet). */
export async function plannedFixes(
  warehouse: Warehouse,
  ids: readonly string[],
): Promise<PlannedFix[]> {
  const fixes = await queryInChunks(ids, (chunk) => {
    const params: unknown[] = [];
    return warehouse.query<PlannedFix>(
      `select exception_id, item_key, plan_id, status, target_system, object, operation
       from pslink.write_items where ${inList("exception_id", chunk, params)}`,
      params,
    );
  });
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return fixes.sort((a, b) => byText(a.plan_id, b.plan_id) || byText(a.item_key, b.item_key));
}

/**
 * Exceptions one by one, grouped by rule: what, where in each system, impact, age, details, and
 * the write-backs planned for each.
 */
export function exceptionList(
  rows: readonly ExceptionRow[],
  now: number,
  fixes: readonly PlannedFix[] = [],
): string[] {
  const lines: string[] = [];
  const fixesOf = groupBy(fixes, (fix) => fix.exception_id);
  for (const [rule, ofRule] of groupBy(rows, (row) => row.rule_id)) {
    if (lines.length > 0) lines.push("");
    lines.push(ruleLabel(rule));
    for (const row of ofRule) {
      lines.push(...exceptionLines(row, now));
      for (const fix of fixesOf.get(row.exception_id) ?? [])
        lines.push(
          `      write-back: ${fix.target_system} ${fix.object} ${fix.operation}, item ${fix.item_key} ${fix.status} in plan ${fix.plan_id}`,
        );
    }
  }
  return lines;
}

function exceptionLines(row: ExceptionRow, now: number): string[] {
  const hours = numberOrNull(row.hours_impact);
  const amount = numberOrNull(row.amount_impact);
  const impact = [
    hours === null ? "" : `${decimal(hours)} h`,
    amount === null ? "" : `${row.currency ?? ""} ${decimal(amount)}`.trim(),
  ].filter(Boolean);
  const detected = new Date(row.first_detected_at).toISOString().slice(0, 10);
  const state =
    row.status === "open"
      ? `open ${ageDays(row, now)} day(s), since ${detected}`
      : `${row.status} ${row.resolved_at ? new Date(row.resolved_at).toISOString().slice(0, 10) : ""}, detected ${detected}`;
  const details = flatPairs(parseJson(row.details));
  return [
    `  ${[row.canonical_id, row.severity, ...impact, state].join("  ")}`,
    `      systems: ${systemIds(parseJson(row.systems)) || "(none)"}`,
    ...(details.length > 0 ? [`      details: ${details.join("; ")}`] : []),
    `      exception: ${row.exception_id}`,
  ];
}

/** `{"kantata":{"invoice":"3"},"netsuite":{"transaction":"9"}}` as `kantata invoice 3, netsuite transaction 9`. */
function systemIds(systems: unknown): string {
  if (systems === null || typeof systems !== "object") return "";
  return Object.entries(systems)
    .flatMap(([system, ids]) =>
      ids !== null && typeof ids === "object" && !Array.isArray(ids)
        ? Object.entries(ids).map(([object, id]) => `${system} ${object} ${scalar(id)}`)
        : [`${system} ${scalar(ids)}`],
    )
    .join(", ");
}

/** Nested details as `crm.currency=USD` pairs, lists joined by commas. */
function flatPairs(value: unknown, path = ""): string[] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, inner]) =>
      flatPairs(inner, path ? `${path}.${key}` : key),
    );
  }
  return path ? [`${path}=${scalar(value)}`] : [];
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return "(none)";
  if (Array.isArray(value)) return value.map(scalar).join(",");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Write items that still stand to fix their exception: planned, decided for, under way, or
 * queued for (or made as) a manual adjustment.
 */
const FIXING_STATUSES = ["proposed", "approved", "in_flight", "applied", "queued", "adjusted"];

/** The exceptions a write-back is planned, approved or under way for. */
export async function exceptionsBeingFixed(warehouse: Warehouse): Promise<Set<string>> {
  const params: unknown[] = [];
  const rows = await warehouse.query<{ exception_id: string }>(
    `select distinct exception_id from pslink.write_items
     where exception_id is not null and ${inList("status", FIXING_STATUSES, params)}`,
    params,
  );
  return new Set(rows.map((row) => row.exception_id));
}
