import type { Command } from "commander";
import { configError } from "../../core/errors.js";
import { RULE_NAMES, ruleName } from "../../core/rules.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { configFrom, print } from "../program.js";
import { textTable } from "../text-table.js";

const DAY_MS = 86_400_000;

/** One open row of reconciliation.exceptions, with DESIGN's columns. */
interface ExceptionRow extends Record<string, unknown> {
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

interface ReconcileOptions {
  json?: boolean;
  rule?: string[];
  minAgeDays?: string;
}

/** `pslink reconcile`: open reconciliation exceptions by rule, severity, impact and age. */
export function registerReconcileCommand(program: Command): void {
  program
    .command("reconcile")
    .description("summarise open reconciliation exceptions (reconciliation.exceptions) by rule")
    .option("--json", "print the open exceptions as JSON objects, one a line")
    .option("--rule <ids...>", "only these rules (R01 … R15; repeat or separate with commas)")
    .option("--min-age-days <n>", "only exceptions first detected at least this many days ago")
    .action(async (options: ReconcileOptions, command: Command) => {
      const rules = parseRules(options.rule ?? []);
      const minAgeDays = parseMinAge(options.minAgeDays);
      const config = configFrom(command);
      const warehouse = await openWarehouse(config.warehouse, config.baseDir);
      try {
        const now = Date.now();
        const open = (await openExceptions(warehouse)).filter(
          (row) =>
            (rules.length === 0 || rules.includes(row.rule_id)) && ageDays(row, now) >= minAgeDays,
        );
        if (options.json) {
          for (const row of open) print(JSON.stringify(asJson(row)));
          return;
        }
        if (open.length === 0) {
          print("no open exceptions");
          return;
        }
        print(summaryTable(open, now));
        print();
        print(`${open.length} open exception(s); --json lists them, --rule narrows to rules.`);
      } finally {
        await warehouse.close();
      }
    });
}

function parseRules(values: readonly string[]): string[] {
  const rules = values
    .flatMap((value) => value.split(","))
    .map((rule) => rule.trim().toUpperCase());
  for (const rule of rules) {
    if (!(rule in RULE_NAMES)) throw configError(`--rule ${rule}: expected one of R01 … R15`);
  }
  return rules;
}

function parseMinAge(value: string | undefined): number {
  if (value === undefined) return 0;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 0)
    throw configError(`--min-age-days ${value}: expected a whole number of days`);
  return days;
}

async function openExceptions(warehouse: Warehouse): Promise<ExceptionRow[]> {
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

const ageDays = (row: ExceptionRow, now: number) =>
  Math.floor((now - new Date(row.first_detected_at).getTime()) / DAY_MS);

const numberOrNull = (value: unknown) =>
  value === null || value === undefined ? null : Number(value);

const parsedJson = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);

function asJson(row: ExceptionRow): Record<string, unknown> {
  return {
    ...row,
    systems: parsedJson(row.systems),
    details: parsedJson(row.details),
    amount_impact: numberOrNull(row.amount_impact),
    hours_impact: numberOrNull(row.hours_impact),
  };
}

interface RuleSummary {
  rule: string;
  severity: string;
  open: number;
  oldestDays: number;
  hours: number;
  amounts: Map<string, number>;
}

function summaryTable(rows: readonly ExceptionRow[], now: number): string {
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
