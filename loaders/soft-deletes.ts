import type { SqlExecutor, Warehouse } from "../warehouse/warehouse.js";
import type { LandingLayout } from "./landing-layout.js";
import { srcKeyExpression } from "./merge-sql.js";

/** Clears a scan's scratch keys left behind by earlier (crashed) runs of this stream. */
export async function clearSeenKeys(wh: Warehouse, layout: LandingLayout): Promise<void> {
  await wh.execute(`delete from ${wh.qualified(layout.seen)}`);
}

/**
 * After a complete key scan: soft-deletes current rows whose key the scan did not see.
 * Returns how many rows it marked.
 */
export async function softDeleteUnseen(
  tx: SqlExecutor,
  wh: Warehouse,
  layout: LandingLayout,
  runId: string,
  now: string,
): Promise<number> {
  const ts = wh.sqlType("timestamp");
  const text = wh.sqlType("text");
  const marked = await tx.query(
    `update ${wh.qualified(layout.src)} as c
       set _pslink_deleted_at = cast($1 as ${ts}), _pslink_updated_at = cast($1 as ${ts}), _pslink_run_id = cast($2 as ${text})
     where c._pslink_deleted_at is null and not exists (
       select 1 from ${wh.qualified(layout.seen)} s
       where s._pslink_run_id = cast($2 as ${text}) and s._pslink_key = ${srcKeyExpression(wh, layout, "c")})
     returning 1 as marked`,
    [now, runId],
  );
  await tx.execute(`delete from ${wh.qualified(layout.seen)} where _pslink_run_id = $1`, [runId]);
  return marked.length;
}

/** Soft-deletes the keys a delete feed reported (Salesforce getDeleted). Returns rows marked. */
export async function softDeleteKeys(
  tx: SqlExecutor,
  wh: Warehouse,
  layout: LandingLayout,
  runId: string,
  keys: readonly string[],
  now: string,
): Promise<number> {
  if (keys.length === 0) return 0;
  const marker = `deleted:${runId}`;
  await tx.append(
    layout.seen,
    [
      { name: "_pslink_run_id", type: "text" },
      { name: "_pslink_key", type: "text" },
    ],
    keys.map((key) => [marker, key]),
  );
  const ts = wh.sqlType("timestamp");
  const text = wh.sqlType("text");
  const marked = await tx.query(
    `update ${wh.qualified(layout.src)} as c
       set _pslink_deleted_at = cast($1 as ${ts}), _pslink_updated_at = cast($1 as ${ts}), _pslink_run_id = cast($3 as ${text})
     where c._pslink_deleted_at is null and exists (
       select 1 from ${wh.qualified(layout.seen)} s
       where s._pslink_run_id = cast($2 as ${text}) and s._pslink_key = ${srcKeyExpression(wh, layout, "c")})
     returning 1 as marked`,
    [now, marker, runId],
  );
  await tx.execute(`delete from ${wh.qualified(layout.seen)} where _pslink_run_id = $1`, [marker]);
  return marked.length;
}
