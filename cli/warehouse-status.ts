import { parseJson } from "../warehouse/json-value.js";
import { inList } from "../warehouse/sql-values.js";
import type { Warehouse } from "../warehouse/warehouse.js";

/** The last sync run. */
export interface SyncRunStatus {
  run_id: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
}

/** A stream's latest run and how far its landed data reaches. */
export interface StreamStatus {
  source: string;
  stream: string;
  /** Its outcome in the last run that read it. */
  status: string;
  error: string | null;
  ran_at: Date;
  /** Records modified before this instant are landed (ISO); null before its first batch. */
  landed_through: string | null;
}

/** What `pslink status` reads: the warehouse's bookkeeping, and the exceptions once built. */
export interface WarehouseStatus {
  lastSync: SyncRunStatus | null;
  streams: StreamStatus[];
  /** Open quarantine rows per stream. */
  quarantine: { source: string; stream: string; n: number }[];
  /** Open exceptions per severity, with the first detection of the oldest; null: not built. */
  exceptions: { severity: string; n: number; oldest: Date }[] | null;
  /** When the last build reconciled (the newest `last_seen_at`); null: none recorded. */
  reconciledAt: Date | null;
  /** Write items that still need someone or something, per plan, target and status. */
  writeItems: { plan_id: string; target_system: string; status: string; n: number }[];
  /** Plans the blast-radius guard holds that still have items to decide. */
  heldPlans: { plan_id: string; held_reason: string | null }[];
}

/** Statuses of write items that still wait for a steward, a window, a retry or a look. */
export const PENDING_ITEM_STATUSES = [
  "proposed",
  "approved",
  "in_flight",
  "failed",
  "stale",
  "unverified",
  "queued",
];

/** Reads the warehouse's state for `pslink status` (bookkeeping migrated by the caller). */
export async function readWarehouseStatus(wh: Warehouse): Promise<WarehouseStatus> {
  const [lastSync] = await wh.query<SyncRunStatus & Record<string, unknown>>(
    `select run_id, status, started_at, finished_at, error from pslink.runs
     where job = 'sync' order by started_at desc limit 1`,
  );
  const latest = await wh.query<Record<string, unknown>>(
    `select source, stream, status, error, ran_at from (
       select rs.source, rs.stream, rs.status, rs.error, r.started_at as ran_at,
              row_number() over (partition by rs.source, rs.stream order by r.started_at desc) as n
       from pslink.run_streams as rs join pslink.runs as r on r.run_id = rs.run_id
     ) as ranked where n = 1 order by source, stream`,
  );
  const cursors = new Map(
    (
      await wh.query<Record<string, unknown>>(
        "select source, stream, cursor from pslink.stream_state",
      )
    ).map((row) => [`${row.source}.${row.stream}`, parseJson(row.cursor)?.modified_before]),
  );
  const quarantine = await wh.query<{ source: string; stream: string; n: number }>(
    `select source, stream, count(*) as n from pslink.quarantine where resolved_at is null
     group by source, stream order by source, stream`,
  );
  const params: unknown[] = [];
  const writeItems = await wh.query<{
    plan_id: string;
    target_system: string;
    status: string;
    n: number;
  }>(
    `select plan_id, target_system, status, count(*) as n from pslink.write_items
     where ${inList("status", PENDING_ITEM_STATUSES, params)}
     group by plan_id, target_system, status order by plan_id, target_system, status`,
    params,
  );
  return {
    lastSync: lastSync ?? null,
    streams: latest.map((row) => {
      const through = cursors.get(`${row.source}.${row.stream}`);
      return {
        source: String(row.source),
        stream: String(row.stream),
        status: String(row.status),
        error: row.error === null ? null : String(row.error),
        ran_at: row.ran_at as Date,
        landed_through: typeof through === "string" ? through : null,
      };
    }),
    quarantine: quarantine.map((row) => ({ ...row, n: Number(row.n) })),
    exceptions: await openExceptionCounts(wh),
    reconciledAt: await lastReconciled(wh),
    heldPlans: await wh.query<{ plan_id: string; held_reason: string | null }>(
      `select plan_id, held_reason from pslink.write_plans as p
       where held and confirmed_by is null
         and exists (select 1 from pslink.write_items as i
                     where i.plan_id = p.plan_id and i.status = 'proposed')
       order by plan_id`,
    ),
    writeItems: writeItems.map((row) => ({ ...row, n: Number(row.n) })),
  };
}

async function openExceptionCounts(wh: Warehouse): Promise<WarehouseStatus["exceptions"]> {
  try {
    const rows = await wh.query<{ severity: string; n: number; oldest: Date }>(
      `select severity, count(*) as n, min(first_detected_at) as oldest
       from reconciliation.exceptions where status = 'open' group by severity order by severity`,
    );
    return rows.map((row) => ({ ...row, n: Number(row.n) }));
  } catch {
    return null; // the models were never built
  }
}

async function lastReconciled(wh: Warehouse): Promise<Date | null> {
  try {
    const [row] = await wh.query<{ at: Date | null }>(
      "select max(last_seen_at) as at from reconciliation.exceptions",
    );
    return row?.at ?? null;
  } catch {
    return null;
  }
}
