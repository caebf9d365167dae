import type { SqlExecutor, Warehouse } from "../warehouse/warehouse.js";
import type { LandingLayout } from "./landing-layout.js";

/** What the engine remembers of a stream between runs (`pslink.stream_state`). */
export interface StreamCursor {
  /** Every record modified before this instant has been committed (epoch ms). */
  readonly cursorMs: number | null;
  /** When the last complete delete scan (full-key scan) finished. */
  readonly lastScanMs: number | null;
}

/** `cursor` holds `{"modified_before": ISO}`; `state` holds `{"last_full_scan_at": ISO}`. */
interface StoredCursor {
  modified_before?: string;
}
interface StoredState {
  last_full_scan_at?: string;
}

/** The committed state of a stream, or nulls before its first sync. */
export async function readStreamState(
  wh: SqlExecutor,
  system: string,
  stream: string,
): Promise<StreamCursor> {
  const rows = await wh.query<{ cursor: unknown; state: unknown }>(
    "select cursor, state from pslink.stream_state where source = $1 and stream = $2",
    [system, stream],
  );
  const cursor = jsonValue<StoredCursor>(rows[0]?.cursor);
  const state = jsonValue<StoredState>(rows[0]?.state);
  return { cursorMs: isoMs(cursor?.modified_before), lastScanMs: isoMs(state?.last_full_scan_at) };
}

/**
 * Writes the stream's state; called inside the transaction of the batch it covers. An update,
 * with an insert the first time: on DuckDB an `insert … on conflict do update` took 5.1 ms per
 * transaction against 3.2 ms, once per batch.
 */
export async function writeStreamState(
  tx: SqlExecutor,
  wh: Warehouse,
  layout: LandingLayout,
  state: StreamCursor,
  runId: string,
  now: string,
): Promise<void> {
  const json = wh.sqlType("json");
  const values = [
    layout.system,
    layout.stream,
    cursorJson(state.cursorMs),
    stateJson(state.lastScanMs),
    runId,
    now,
  ];
  const updated = await tx.query(
    `update pslink.stream_state set cursor = cast($3 as ${json}), state = cast($4 as ${json}),
       run_id = $5, updated_at = cast($6 as ${wh.sqlType("timestamp")})
     where source = $1 and stream = $2 returning source`,
    values,
  );
  if (updated.length > 0) return;
  await tx.execute(
    `insert into pslink.stream_state (source, stream, cursor, state, run_id, updated_at)
     values ($1, $2, cast($3 as ${json}), cast($4 as ${json}), $5, cast($6 as ${wh.sqlType("timestamp")}))`,
    values,
  );
}

/** The JSON form of a cursor, as `pslink.stream_state.cursor` and `run_streams` hold it. */
export function cursorJson(cursorMs: number | null): string | null {
  return cursorMs === null
    ? null
    : JSON.stringify({ modified_before: new Date(cursorMs).toISOString() });
}

function stateJson(lastScanMs: number | null): string {
  return JSON.stringify(
    lastScanMs === null ? {} : { last_full_scan_at: new Date(lastScanMs).toISOString() },
  );
}

/** JSON columns come back parsed (PostgreSQL jsonb) or as text (DuckDB json). */
export function jsonValue<T>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") {
    try {
      return JSON.parse(value) as T;
    } catch {
      return undefined;
    }
  }
  return value as T;
}

function isoMs(value: string | undefined): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
