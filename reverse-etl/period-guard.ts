import type { TargetSystem } from "../core/config/governance-schema.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { findTable } from "./current-state.js";
import { comparable } from "./field-values.js";

interface ClosedPeriod {
  name: string;
  start: string;
  end: string;
}

/**
 * An accounting period as `src_netsuite.accountingperiod` lands it or SuiteQL answers it: its
 * name, first and last day (a date or `YYYY-MM-DD`), and the closed flag (`T`/`F` or a boolean).
 */
export interface PeriodRow {
  periodname?: unknown;
  startdate?: unknown;
  enddate?: unknown;
  closed?: unknown;
}

/** The closed NetSuite accounting periods: as landed (planning) or as read live (apply). */
export class ClosedPeriods {
  private constructor(private readonly periods: readonly ClosedPeriod[]) {}

  /** The closed ones among the rows. */
  static fromRows(rows: readonly PeriodRow[]): ClosedPeriods {
    const periods = rows
      .filter((row) => comparable(row.closed) === "true")
      .map((row) => ({
        name: String(row.periodname ?? ""),
        start: comparable(row.startdate).slice(0, 10),
        end: comparable(row.enddate).slice(0, 10),
      }));
    return new ClosedPeriods(periods);
  }

  /** Loads the landed closed periods (none when the table has not been synced). */
  static async load(wh: Pick<Warehouse, "query" | "quote">): Promise<ClosedPeriods> {
    const table = await findTable(wh, "src_netsuite", "accountingperiod");
    if (!table) return new ClosedPeriods([]);
    const deleted = table.columns.has("_pslink_deleted_at")
      ? "where _pslink_deleted_at is null"
      : "";
    const rows = await wh.query(
      `select periodname, startdate, enddate, closed from ${wh.quote(table.schema)}.${wh.quote(table.table)} ${deleted}`,
    );
    return ClosedPeriods.fromRows(rows);
  }

  /** The closed period containing the date (YYYY-MM-DD or a date value), if any. */
  containing(date: unknown): ClosedPeriod | undefined {
    const day = comparable(date).slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
    return this.periods.find((period) => period.start <= day && day <= period.end);
  }
}

/**
 * The dates a write posts into accounting periods: for a NetSuite time bill, a create's date, and
 * for an update the landed time bill's date as well as any new one (a bill in a closed period is
 * never changed, not even moved out of it; an R02 correction does not send a date at all). None
 * for any other write.
 */
export function postingDates(
  target: TargetSystem,
  object: string,
  after: Readonly<Record<string, unknown>>,
  current: Readonly<Record<string, unknown>> | undefined,
): unknown[] {
  if (target !== "netsuite" || object !== "timeBill") return [];
  return [current?.trandate, after.tranDate].filter((date) => comparable(date) !== "");
}

/** The first of the dates that falls in a closed period, with that period's name. */
export function closedPeriodOf(
  dates: readonly unknown[],
  periods: ClosedPeriods,
): { date: string; name: string } | undefined {
  for (const date of dates) {
    const period = periods.containing(date);
    if (period) return { date: comparable(date).slice(0, 10), name: period.name };
  }
  return undefined;
}
