import type { MetadataInput } from "./pipes-metadata.js";
import type { LogLevel } from "./pipes-session.js";

/**
 * What pslink jobs (sync, build, plan, apply) emit while they run. Jobs only emit these; the
 * CLI, the scheduler and the Dagster Pipes adapter decide what to do with them.
 */
export type JobEvent =
  /** A table (asset) was written and committed: once per asset per run. */
  | {
      kind: "asset_written";
      /** e.g. `["raw_salesforce", "accounts"]`, the Dagster asset key path. */
      assetKey: readonly string[];
      rows: number;
      /** The stream's cursor after the commit, when the asset is incremental. */
      cursor?: string;
      durationMs: number;
      /** Ties the materialization to a data version (e.g. a content hash or the cursor). */
      dataVersion?: string;
      metadata?: MetadataInput;
    }
  /** A check on an asset ran: quarantine, freshness, reconciliation thresholds. */
  | {
      kind: "check";
      assetKey: readonly string[];
      checkName: string;
      passed: boolean;
      severity: "WARN" | "ERROR";
      metadata?: MetadataInput;
    }
  | { kind: "log"; level: LogLevel; message: string };

export type JobEventKind = JobEvent["kind"];

/** Where a job sends its events. */
export type JobEventSink = (event: JobEvent) => void;
