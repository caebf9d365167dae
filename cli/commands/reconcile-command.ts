import type { Command } from "commander";
import { configError } from "../../core/errors.js";
import { RULE_NAMES } from "../../core/rules.js";
import { parseJson } from "../../warehouse/json-value.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { withExistingWarehouse } from "../existing-warehouse.js";
import { splitList } from "../list-option.js";
import { configFrom, NO_SOURCES, print } from "../program.js";
import {
  ageDays,
  type ExceptionRow,
  exceptionList,
  exceptionsBeingFixed,
  exceptionsById,
  numberOrNull,
  openExceptions,
  plannedFixes,
  summaryTable,
} from "../reconciliation-report.js";

interface ReconcileOptions {
  json?: boolean;
  list?: boolean;
  rule?: string[];
  minAgeDays?: string;
  exception?: string[];
}

/** `pslink reconcile`: open reconciliation exceptions by rule, severity, impact and age. */
export function registerReconcileCommand(program: Command): void {
  program
    .command("reconcile")
    .description(
      "summarise the open reconciliation exceptions by rule, or list them one by one (--list)",
    )
    .option("--list", "list the exceptions one by one: systems' ids, impact, age and details")
    .option("--json", "print the exceptions as JSON objects, one a line")
    .option("--rule <ids...>", "only these rules (R01 … R15; repeat or separate with commas)")
    .option("--min-age-days <n>", "only exceptions first detected at least this many days ago")
    .option(
      "--exception <ids...>",
      "only these exceptions, open or resolved (the ids `pslink plan show` prints); implies --list",
    )
    .action(async (options: ReconcileOptions, command: Command) => {
      const rules = parseRules(options.rule ?? []);
      const minAgeDays = parseMinAge(options.minAgeDays);
      const ids = splitList(options.exception ?? [], "--exception");
      await withExistingWarehouse(configFrom(command, NO_SOURCES), async (warehouse) => {
        const now = Date.now();
        const rows = ids.length > 0 ? await named(warehouse, ids) : await openExceptions(warehouse);
        const chosen = rows.filter(
          (row) =>
            (rules.length === 0 || rules.includes(row.rule_id)) && ageDays(row, now) >= minAgeDays,
        );
        if (options.json) {
          for (const row of chosen) print(JSON.stringify(asJson(row)));
          return;
        }
        if (chosen.length === 0) {
          print(ids.length > 0 ? "no exception matches these filters" : "no open exceptions");
          return;
        }
        if (options.list || ids.length > 0) {
          const fixes = await plannedFixes(
            warehouse,
            chosen.map((row) => row.exception_id),
          );
          print(exceptionList(chosen, now, fixes).join("\n"));
          return;
        }
        print(summaryTable(chosen, now, await exceptionsBeingFixed(warehouse)));
        print();
        print(
          `${chosen.length} open exception(s); --list shows them one by one, --json as JSON, --rule narrows to rules.`,
        );
      });
    });
}

/** The exceptions with these ids; an id the table does not hold is an error naming it. */
async function named(warehouse: Warehouse, ids: readonly string[]): Promise<ExceptionRow[]> {
  const rows = await exceptionsById(warehouse, ids);
  const missing = ids.filter((id) => !rows.some((row) => row.exception_id === id));
  if (missing.length > 0) {
    throw configError(
      `--exception ${missing.join(", ")}: not in reconciliation.exceptions (an exception id is 32 hexadecimal characters)`,
      { hint: "`pslink reconcile --list` shows the open exceptions with their ids" },
    );
  }
  return rows;
}

function parseRules(values: readonly string[]): string[] {
  const rules = splitList(values, "--rule").map((rule) => rule.toUpperCase());
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

function asJson(row: ExceptionRow): Record<string, unknown> {
  return {
    ...row,
    systems: parseJson(row.systems),
    details: parseJson(row.details),
    amount_impact: numberOrNull(row.amount_impact),
    hours_impact: numberOrNull(row.hours_impact),
  };
}
