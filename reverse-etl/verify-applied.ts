import { migrate } from "../warehouse/migrate.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { audit, itemSubject } from "./audit-log.js";
import { readRow, readTarget, type StateTable, stateTable } from "./current-state.js";
import { comparable } from "./field-values.js";
import { loadItems, updateItem } from "./plan-store.js";
import type { WriteItem } from "./plan-types.js";
import { OBJECT_CATALOG } from "./writers/object-catalog.js";
import { type ObjectSpec, sameField } from "./writers/writer-types.js";

export interface VerifyResult {
  verified: number;
  unverified: number;
  /** Applied items the landed data does not reflect yet (no sync since the write). */
  pending: number;
}

/**
 * The verify job (after a sync): an applied item is `verified` when the target's current-state
 * row holds every written value, `unverified` (with the difference) when a sync since the write
 * landed the row with other values; otherwise it stays applied until a sync sees it.
 */
export async function verifyApplied(options: {
  warehouse: Warehouse;
  now?: Date;
}): Promise<VerifyResult> {
  const { warehouse: wh } = options;
  const now = options.now ?? new Date();
  await migrate(wh);
  const result: VerifyResult = { verified: 0, unverified: 0, pending: 0 };
  const tables = new Map<string, StateTable | undefined>();
  for (const item of await loadItems(wh, { statuses: ["applied"] })) {
    const spec = OBJECT_CATALOG[item.target_system][item.object];
    const key = `${item.target_system}.${item.object}`;
    if (spec && !tables.has(key)) tables.set(key, await stateTable(wh, item.target_system, spec));
    const table = tables.get(key);
    const row = spec && table ? await landedRow(wh, table, spec, item) : undefined;
    if (!spec || !row) {
      result.pending += 1;
      continue;
    }
    const differences = Object.entries(item.after)
      .filter(([field, value]) => !sameField(spec, field, row[spec.column(field)], value))
      .map(
        ([field, value]) =>
          `${field}: wrote ${comparable(value)}, target holds ${comparable(row[spec.column(field)]) || "(empty)"}`,
      );
    const syncedAfter =
      !(row._pslink_updated_at instanceof Date) ||
      item.applied_at === null ||
      row._pslink_updated_at >= item.applied_at;
    if (differences.length > 0 && !syncedAfter) {
      result.pending += 1;
      continue;
    }
    const status = differences.length === 0 ? "verified" : "unverified";
    const reason =
      status === "verified"
        ? "the synced target holds every written value"
        : differences.join("; ");
    result[status] += 1;
    await wh.transaction(async (tx) => {
      await updateItem(tx, item, { status, status_reason: reason, updated_at: now });
      await audit(
        tx,
        {
          ...itemSubject(item),
          actor: "pslink",
          action: status,
          target_id: item.result_id ?? item.target_id,
          after: item.after,
          detail: reason,
        },
        now,
      );
    });
  }
  return result;
}

/**
 * The landed row an applied item wrote: by the id the target answered with, else by its target
 * id (an object addressed by a natural key, such as a Kantata custom field value, by that key),
 * else by the external id a create or upsert carried.
 */
async function landedRow(wh: Warehouse, table: StateTable, spec: ObjectSpec, item: WriteItem) {
  const byTargetId =
    item.operation !== "create" && (item.operation !== "upsert" || spec.keyColumns !== undefined);
  const id = item.result_id ?? (byTargetId ? item.target_id : null);
  if (id !== null) return readTarget(wh, table, spec, id);
  if (spec.externalIdField && item.idempotency_key !== null) {
    return readRow(wh, table, spec.column(spec.externalIdField), item.idempotency_key);
  }
  return undefined;
}
