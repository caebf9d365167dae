import { inList } from "../warehouse/sql-values.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { comparable } from "./field-values.js";
import { ClosedPeriods, closedPeriodOf, postingDates } from "./period-guard.js";
import { loadItems } from "./plan-store.js";
import type { ItemStatus, WriteItem } from "./plan-types.js";

/** An item of the adjustment queue, with the date and closed period that put it there. */
export interface Adjustment {
  item: WriteItem;
  /** The date that falls in a closed period: a create's date, an update's landed date. */
  date: string | null;
  /** The closed accounting period it falls in (null when the queue was the proposal's choice). */
  period: string | null;
  /** When it entered the queue. */
  queuedSince: Date;
}

/**
 * The adjustment queue across all plans, oldest first: the `queued` items, and with `all` the
 * ones a steward has closed out since (`adjusted`).
 */
export async function readAdjustmentQueue(
  wh: Warehouse,
  options: { all?: boolean } = {},
): Promise<Adjustment[]> {
  const statuses: ItemStatus[] = options.all ? ["queued", "adjusted"] : ["queued"];
  const items = await loadItems(wh, { statuses });
  if (items.length === 0) return [];
  const periods = await ClosedPeriods.load(wh);
  const since = await queuedAt(
    wh,
    items.filter((item) => item.status !== "queued").map((item) => item.item_key),
  );
  return items
    .map((item) => ({
      item,
      ...datedIn(item, periods),
      // A queued item was last changed when it was queued; a closed-out one, when closed out.
      queuedSince:
        item.status === "queued" ? item.updated_at : (since.get(item.item_key) ?? item.updated_at),
    }))
    .sort(
      (a, b) =>
        a.queuedSince.getTime() - b.queuedSince.getTime() ||
        a.item.plan_id.localeCompare(b.item.plan_id) ||
        a.item.item_key.localeCompare(b.item.item_key),
    );
}

/** The closed-period date and period: from the item's values, else from the guard's reason. */
function datedIn(item: WriteItem, periods: ClosedPeriods): Pick<Adjustment, "date" | "period"> {
  const dates = postingDates(item.target_system, item.object, item.after, item.snapshot?.values);
  const closed = closedPeriodOf(dates, periods);
  if (closed) return { date: closed.date, period: closed.name };
  // A period NetSuite closed after planning is in the landed data only after a sync: the reason
  // the apply recorded names it (`date 2026-09-15 falls in period Sep 2026, which …`).
  const named = /^date (\d{4}-\d{2}-\d{2}) falls in (?:closed )?period (.+?)(?:, which |: )/.exec(
    item.status_reason ?? "",
  );
  if (named?.[1] && named[2]) return { date: named[1], period: named[2] };
  const [first] = dates;
  return { date: first === undefined ? null : comparable(first).slice(0, 10), period: null };
}

/** When each item was last queued (its newest `guard_queued` audit entry). */
async function queuedAt(
  wh: Pick<Warehouse, "query">,
  itemKeys: readonly string[],
): Promise<Map<string, Date>> {
  if (itemKeys.length === 0) return new Map();
  const params: unknown[] = [];
  const rows = await wh.query<{ item_key: string; at: unknown }>(
    `select item_key, max(occurred_at) as at from pslink.audit_log
     where action = 'guard_queued' and ${inList("item_key", itemKeys, params)} group by item_key`,
    params,
  );
  return new Map(
    rows.map((row) => [
      String(row.item_key),
      row.at instanceof Date ? row.at : new Date(String(row.at)),
    ]),
  );
}
