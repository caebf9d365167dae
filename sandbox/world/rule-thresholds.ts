/** Rule thresholds, named as in docs/reconciliation-rules.md, with their defaults. */
export const DEFAULT_THRESHOLDS = {
  r01_grace_days: 2,
  r02_hours_tolerance: 0.01,
  r06_budget_tolerance: 1.0,
  r07_days: 14,
  r10_rate_tolerance: 0.01,
  r11_unbilled_days: 60,
  r12_tolerance: 1.0,
  r13_grace_days: 7,
  r14_tolerance: 1.0,
} as const;

export type Thresholds = { readonly [K in keyof typeof DEFAULT_THRESHOLDS]: number };
