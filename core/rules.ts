/** The reconciliation rules (DESIGN.md; exact conditions in docs/reconciliation-rules.md). */
export const RULE_NAMES = {
  R01: "approved_time_not_posted",
  R02: "posted_time_mismatch",
  R03: "posting_without_approval",
  R04: "duplicate_posting",
  R05: "project_missing_in_erp",
  R06: "project_master_mismatch",
  R07: "won_deal_without_project",
  R08: "customer_master_mismatch",
  R09: "terminated_worker_active",
  R10: "cost_rate_mismatch",
  R11: "unbilled_time_aging",
  R12: "invoice_amount_mismatch",
  R13: "milestone_not_invoiced",
  R14: "contract_value_mismatch",
  R15: "closed_period_posting",
} as const;

export type RuleId = keyof typeof RULE_NAMES;

/** `R01 approved_time_not_posted`, or the id alone for rules outside the catalogue. */
export function ruleLabel(ruleId: string): string {
  const name = ruleName(ruleId);
  return name ? `${ruleId} ${name}` : ruleId;
}

/** The rule's name, or "" for rules outside the catalogue (e.g. invoice_status proposals). */
export function ruleName(ruleId: string): string {
  return (RULE_NAMES as Record<string, string>)[ruleId] ?? "";
}

/** Every rule id, R01 … R15. */
export const RULE_IDS = Object.keys(RULE_NAMES) as RuleId[];
