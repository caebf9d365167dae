import { randomUUID } from "node:crypto";
import type { BadRecord } from "../extractors/engine/explain-records.js";
import type { SqlExecutor, Warehouse } from "../warehouse/warehouse.js";
import type { LandingLayout } from "./landing-layout.js";

/** Key under which a record without a readable key is quarantined (its content hash). */
function quarantineKey(record: BadRecord): string {
  return record.key ?? `#${record.hash}`;
}

/**
 * Sets bad records aside in `pslink.quarantine` with the reason and the record as sent. One open
 * row per key: a key already quarantined gets its row refreshed rather than a second row, so a
 * rerun over the same window quarantines nothing twice. Returns the records quarantined.
 */
export async function quarantineRecords(
  tx: SqlExecutor,
  wh: Warehouse,
  layout: LandingLayout,
  runId: string,
  records: readonly BadRecord[],
  now: string,
): Promise<number> {
  const latest = new Map<string, BadRecord>();
  for (const record of records) latest.set(quarantineKey(record), record);
  const open = await tx.query<{ record_key: string }>(
    "select record_key from pslink.quarantine where source = $1 and stream = $2 and resolved_at is null",
    [layout.system, layout.stream],
  );
  const openKeys = new Set(open.map((row) => row.record_key));
  const fresh: unknown[][] = [];
  for (const [key, record] of latest) {
    if (openKeys.has(key)) {
      await tx.execute(
        `update pslink.quarantine set reason = $1, raw = cast($2 as ${wh.sqlType("json")}), run_id = $3
         where source = $4 and stream = $5 and record_key = $6 and resolved_at is null`,
        [record.reason, record.json, runId, layout.system, layout.stream, key],
      );
    } else {
      fresh.push([
        randomUUID(),
        runId,
        layout.system,
        layout.stream,
        key,
        record.reason,
        record.json,
        now,
      ]);
    }
  }
  if (fresh.length > 0) {
    await tx.append(
      { schema: "pslink", table: "quarantine" },
      [
        { name: "quarantine_id", type: "text" },
        { name: "run_id", type: "text" },
        { name: "source", type: "text" },
        { name: "stream", type: "text" },
        { name: "record_key", type: "text" },
        { name: "reason", type: "text" },
        { name: "raw", type: "json" },
        { name: "quarantined_at", type: "timestamp" },
      ],
      fresh,
    );
  }
  return latest.size;
}

/**
 * Marks quarantine rows resolved for keys the staged batch (`stage`) just landed valid, unless
 * a bad version of the key came after the one that landed (the source broke it again): called
 * after the batch's bad records are quarantined, so a key met bad and then fixed within one batch
 * closes too.
 */
export async function resolveQuarantined(
  tx: SqlExecutor,
  wh: Warehouse,
  layout: LandingLayout,
  stage: string,
  runId: string,
  now: string,
): Promise<void> {
  await tx.execute(
    `update pslink.quarantine set resolved_at = cast($3 as ${wh.sqlType("timestamp")}), resolved_run_id = $4
     where source = $1 and stream = $2 and resolved_at is null
       and record_key in (
         select g._pslink_key from ${stage} g where g._pslink_latest and not exists (
           select 1 from ${stage} b where b._pslink_bad and b._pslink_key = g._pslink_key
             and (b._pslink_cursor > g._pslink_cursor
               or (b._pslink_ord > g._pslink_ord
                 and (b._pslink_cursor is null or g._pslink_cursor is null
                   or b._pslink_cursor = g._pslink_cursor)))))`,
    [layout.system, layout.stream, now, runId],
  );
}
