import type { SqlExecutor } from "./warehouse.js";

/** First key of pslink's PostgreSQL advisory locks ("pslk"), apart from other apps' locks. */
export const LOCK_SPACE = 0x70736c6b;

/**
 * Waits in a PostgreSQL transaction until no other transaction holds the lock `name`, and holds
 * it until this one ends: work that must not run twice at once (creating one schema) takes turns.
 */
export async function lockForTransaction(tx: SqlExecutor, name: string): Promise<void> {
  await tx.execute("select pg_advisory_xact_lock($1, hashtext($2))", [LOCK_SPACE, name]);
}
