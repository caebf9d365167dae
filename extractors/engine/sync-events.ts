import type { PslinkError } from "../../core/errors.js";
import type { SystemName } from "../../sandbox/world/types.js";

/** How a stream run read its source: from its cursor, or the whole stream (a key scan). */
export type StreamMode = "incremental" | "full";

/** What one stream did in one run (a `pslink.run_streams` row). */
export interface StreamRunResult {
  system: SystemName;
  stream: string;
  mode: StreamMode;
  status: "succeeded" | "failed";
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
  | {
      /** A group of records was read and handed to the warehouse to stage. */
      type: "records-read";
      system: SystemName;
      stream: string;
      rows: number;
      /** Records read so far in this stream run. */
      totalRows: number;
      pages: number;
      requests: number;
    }
  | {
      type: "batch-committed";
      system: SystemName;
      stream: string;
      rows: number;
      totalRows: number;
      pages: number;
      requests: number;
    }
  | { type: "stream-finished"; result: StreamRunResult };

export type SyncEventHandler = (event: SyncEvent) => void;
