import type { SqlExecutor } from "../../warehouse/warehouse.js";

interface RuleCount extends Record<string, unknown> {
  rule_id: string;
  severity: string;
  exceptions: number;
  hours: number | null;
}

/** Open exceptions per rule, as lines for the demo's output. */
export async function exceptionSummary(
  db: SqlExecutor,
): Promise<{ open: number; lines: string[] }> {
  const rows = await db.query<RuleCount>(
    `select rule_id, max(severity) as severity, count(*) as exceptions, round(sum(coalesce(hours_impact, 0)), 2) as hours
     from reconciliation.exceptions where status = 'open' group by rule_id order by rule_id`,
  );
  const open = rows.reduce((sum, row) => sum + Number(row.exceptions), 0);
  const lines = rows.map(
    (row) =>
      `${row.rule_id}  ${String(row.severity).padEnd(8)} ${String(row.exceptions).padStart(5)} open${row.hours ? `  ${row.hours} h` : ""}`,
  );
  return { open, lines };
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
