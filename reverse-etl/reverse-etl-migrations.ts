import { migrate } from "../warehouse/migrate.js";
import { bookkeepingMigrations } from "../warehouse/migrations/bookkeeping-migrations.js";
import type { Migration } from "../warehouse/migrations/migration-sql.js";
import type { Warehouse } from "../warehouse/warehouse.js";

/**
 * Columns governance needs on `pslink.write_items` beyond the shared bookkeeping schema: the
 * proposal's identity and domain (steward checks), the target snapshot (stale check) and why
 * an item ended as it did. One column per statement: DuckDB alters one column at a time.
 */
export const reverseEtlMigrations: readonly Migration[] = [
  {
    name: "re_0001_write_item_governance",
    schema: (s) =>
      s
        .alterTable("write_items", (t) => t.text("proposal_key"))
        .alterTable("write_items", (t) => t.text("domain"))
        .alterTable("write_items", (t) => t.text("source_system"))
        .alterTable("write_items", (t) => t.jsonb("snapshot"))
        .alterTable("write_items", (t) => t.text("status_reason"))
        .alterTable("write_items", (t) => t.text("result_id")),
  },
];

/** Brings the bookkeeping schema, write-back columns included, up to date (idempotent). */
export async function ensureReverseEtlSchema(warehouse: Warehouse): Promise<void> {
  await migrate(warehouse, [...bookkeepingMigrations, ...reverseEtlMigrations]);
}
