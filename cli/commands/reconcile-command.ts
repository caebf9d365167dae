import type { Command } from "commander";
import { configError } from "../../core/errors.js";
import { RULE_NAMES } from "../../core/rules.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import { configFrom, print } from "../program.js";
import {
  ageDays,
  type ExceptionRow,
  numberOrNull,
  openExceptions,
  summaryTable,
} from "../reconciliation-report.js";

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
