import { z } from "zod";
import { configError } from "../../core/errors.js";
import { issuesText, plainIssueMessage } from "../../core/plain-issues.js";

/** Thresholds for the checks pslink reports; Dagster passes them as Pipes extras. */
const settingsSchema = z.object({
  /** A stream is fresh while its cursor is at most this far behind now. */
  freshness_max_lag_seconds: z.number().positive().default(7200),
  /** Open exceptions allowed, keyed by rule id (`R11`) or severity (`high`); a rule id wins. */
  max_open_exceptions: z.record(z.string(), z.number().int().min(0)).default({}),
});

export interface ReportSettings {
  freshnessMaxLagMs: number;
  maxOpenExceptions: Readonly<Record<string, number>>;
}

/** Severity-high exceptions are not tolerated unless the extras say otherwise. */
const DEFAULT_MAX_OPEN: Readonly<Record<string, number>> = { high: 0 };

/** Reads the check thresholds from the Pipes extras (unknown keys are left to other readers). */
export function reportSettings(extras: Readonly<Record<string, unknown>> = {}): ReportSettings {
  const parsed = settingsSchema.safeParse(extras, { error: plainIssueMessage });
  if (!parsed.success) {
    throw configError(
      `the Dagster extras for pslink's checks are invalid: ${issuesText(parsed.error, "extras")}`,
      {
        hint: "freshness_max_lag_seconds is a number; max_open_exceptions maps a rule id or severity to a count",
      },
    );
  }
  return {
    freshnessMaxLagMs: parsed.data.freshness_max_lag_seconds * 1000,
    maxOpenExceptions: { ...DEFAULT_MAX_OPEN, ...parsed.data.max_open_exceptions },
  };
}

/** The maximum for one rule: by rule id, else by severity; `undefined` means no limit. */
export function maxOpenFor(
  settings: ReportSettings,
  ruleId: string,
  severity: string,
): number | undefined {
  return settings.maxOpenExceptions[ruleId] ?? settings.maxOpenExceptions[severity];
}
