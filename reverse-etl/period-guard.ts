import type { Warehouse } from "../warehouse/warehouse.js";
import { findTable } from "./current-state.js";
import { comparable } from "./field-values.js";

interface ClosedPeriod {
  name: string;
  start: string;
  end: string;
}

/** The closed NetSuite accounting periods, as landed in `src_netsuite.accountingperiod`. */
export class ClosedPeriods {
  private constructor(private readonly periods: readonly ClosedPeriod[]) {}

  /** Loads the closed periods (none when the table has not been synced). */
  static async load(wh: Pick<Warehouse, "query" | "quote">): Promise<ClosedPeriods> {
    const table = await findTable(wh, "src_netsuite", "accountingperiod");
    if (!table) return new ClosedPeriods([]);
    const deleted = table.columns.has("_pslink_deleted_at")
      ? "where _pslink_deleted_at is null"
      : "";
    const rows = await wh.query(
      `select periodname, startdate, enddate, closed from ${wh.quote(table.schema)}.${wh.quote(table.table)} ${deleted}`,
    );
    const periods = rows
      .filter((row) => comparable(row.closed) === "true")
      .map((row) => ({
        name: String(row.periodname ?? ""),
        start: comparable(row.startdate).slice(0, 10),
        end: comparable(row.enddate).slice(0, 10),
      }));
    return new ClosedPeriods(periods);
  }

  /** The closed period containing the date (YYYY-MM-DD or a date value), if any. */
  containing(date: unknown): ClosedPeriod | undefined {
    const day = comparable(date).slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
    return this.periods.find((period) => period.start <= day && day <= period.end);
  }
}
