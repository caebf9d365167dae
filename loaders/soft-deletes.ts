import type { SqlExecutor, Warehouse } from "../warehouse/warehouse.js";
import type { LandingLayout } from "./landing-layout.js";
import { srcKeyExpression } from "./merge-sql.js";

/** Clears a scan's scratch keys left behind by earlier (crashed) runs of this stream. */
export async function clearSeenKeys(wh: Warehouse, layout: LandingLayout): Promise<void> {
  await wh.execute(`delete from ${wh.qualified(layout.seen)}`);
}

/**
 * After a complete key scan: soft-deletes current rows whose key the scan did not see, and
 * resolves the stream's quarantine rows the scan did not quarantine again. A scan reads every
 * record the source still has, and quarantining a bad one again stamps its open row with the
 * scan's run; so a row left with an older run is for a record that is gone or was fixed (a
 * record without a readable key, quarantined under its hash, included). Returns how many rows
 * it marked deleted.
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
  await tx.execute(
    `update pslink.quarantine set resolved_at = cast($3 as ${ts}), resolved_run_id = $4
     where source = $1 and stream = $2 and resolved_at is null and run_id <> $4`,
    [layout.system, layout.stream, now, runId],
  );
  return marked.length;
}

/**
 * Soft-deletes the keys a delete feed reported (Salesforce getDeleted), and resolves their open
 * quarantine rows: a deleted record is nothing left to fix. Returns rows marked.
 */
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
  await tx.execute(
    `update pslink.quarantine set resolved_at = cast($3 as ${ts}), resolved_run_id = $4
     where source = $1 and stream = $2 and resolved_at is null
       and record_key in (select _pslink_key from ${wh.qualified(layout.seen)} where _pslink_run_id = $5)`,
    [layout.system, layout.stream, now, runId, marker],
  );
  await tx.execute(`delete from ${wh.qualified(layout.seen)} where _pslink_run_id = $1`, [marker]);
  return marked.length;
}
