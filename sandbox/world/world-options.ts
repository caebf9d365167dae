import type { RuleId, SandboxSize, SystemName } from "./types.js";

/** How a world is created: the same (seed, size, asOf, now's UTC day) gives the same data. */
export interface WorldOptions {
  size: SandboxSize;
  seed: number;
  /** Business date the data is anchored to (YYYY-MM-DD); default today in UTC. */
  asOf?: string;
  /** Clock for modified timestamps; default Date.now. */
  now?: () => number;
}

/** Mutations between two syncs. */
export interface AdvanceOptions {
  /** New unapproved time entries dated asOf. */
  inserts?: number;
  /** Changes to existing records (unapproved entries edited, pending entries approved and posted). */
  updates?: number;
  /** New unapproved time entries dated 3–20 days before asOf. */
  backdated?: number;
  /** Hard deletes of unapproved, unposted time entries and open opportunities. */
  deletes?: number;
  /** New time entries stamped a few minutes before now (inside a 10-minute lookback). */
  lateArrivals?: number;
}

/** Ids touched by one `advance` call, per "system.collection". */
export interface AdvanceReport {
  atMs: number;
  inserted: Record<string, string[]>;
  updated: Record<string, string[]>;
  deleted: Record<string, string[]>;
}

export interface FixOptions {
  rule?: RuleId;
  caseIds?: string[];
  /** At most this many cases (after the other filters). */
  count?: number;
}

export interface BreakOptions {
  system: SystemName;
  collection: string;
  count: number;
}
