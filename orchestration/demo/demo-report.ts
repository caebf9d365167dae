import { openExceptions, summaryTable } from "../../cli/reconciliation-report.js";
import type { SqlExecutor, Warehouse } from "../../warehouse/warehouse.js";

/** Open exceptions, and the same per-rule table `pslink reconcile` prints. */
export async function exceptionSummary(db: Warehouse): Promise<{ open: number; lines: string[] }> {
  const open = await openExceptions(db);
  return { open: open.length, lines: summaryTable(open, Date.now()).split("\n") };
}

/** Exceptions resolved at or after `since`, per rule. */
export async function resolvedSince(
  db: SqlExecutor,
  since: Date,
): Promise<{ total: number; lines: string[] }> {
  const rows = await db.query<{ rule_id: string; resolved: number }>(
    `select rule_id, count(*) as resolved from reconciliation.exceptions
     where status = 'resolved' and resolved_at >= $1 group by rule_id order by rule_id`,
    [since],
  );
  return {
    total: rows.reduce((sum, row) => sum + Number(row.resolved), 0),
    lines: rows.map((row) => `${row.rule_id}  ${row.resolved} resolved`),
  };
}
