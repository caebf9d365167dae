import type { PslinkError } from "../../core/errors.js";
import type { SystemName } from "../../sandbox/world/types.js";

/** How a stream run read its source: from its cursor, or the whole stream (a key scan). */
export type StreamMode = "incremental" | "full";

/** What one stream did in one run (a `pslink.run_streams` row). */
export interface StreamRunResult {
  system: SystemName;
  stream: string;
  mode: StreamMode;
  /** `cancelled`: stopped by the run's signal; its committed batches stay, the rest is read next run. */
  status: "succeeded" | "failed" | "cancelled";
  newRows: number;
  changedRows: number;
  deletedRows: number;
  quarantinedRows: number;
  /** Records the source served in this run (before dedup against current state). */
  recordsRead: number;
  pages: number;
  requests: number;
  durationMs: number;
  cursorBefore: number | null;
  cursorAfter: number | null;
  /** Undeclared fields first met in this run (kept in raw JSON, listed in pslink.schema_drift). */
  driftFields: string[];
  error?: PslinkError;
}

/** Where a stream's extraction has got to, carried by its progress events. */
export interface StreamProgress {
  system: SystemName;
  stream: string;
  /** Records of this group (`records-read`) or batch (`batch-committed`). */
  rows: number;
  /** So far in this stream run: records staged (`records-read`), new and changed rows landed. */
  totalRows: number;
  pages: number;
  requests: number;
}

/** Progress a sync reports as it goes (the CLI's live display and logs read these). */
export type SyncEvent =
  | {
      type: "stream-started";
      system: SystemName;
      stream: string;
      mode: StreamMode;
      fromMs: number;
      toMs: number;
    }
  /** A group of records was read and handed to the warehouse to stage (`bytes`: its text's length). */
  | ({ type: "records-read"; bytes: number } & StreamProgress)
  | ({ type: "batch-committed" } & StreamProgress)
  | { type: "stream-finished"; result: StreamRunResult };

export type SyncEventHandler = (event: SyncEvent) => void;
