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

/**
 * Mutations between two syncs (docs/sandbox-data.md, "Mutations"). Each count drives that many
 * Kantata time-entry changes as it always has, and ⌈n/2⌉ changes of every other collection the
 * kind touches, so all four systems move between two syncs.
 */
export interface AdvanceOptions {
  /** New unapproved time entries dated asOf; new expenses, accounts, deals and pre-hires. */
  inserts?: number;
  /** Pending entries approved and posted or revised; deals, accounts, customers, jobs, stories, expenses, workers edited. */
  updates?: number;
  /** New unapproved time entries dated 3–20 days before asOf. */
  backdated?: number;
  /** Hard deletes: pending entries, posted entries with their time bill, expenses, open deals, prospects, rescinded pre-hires. */
  deletes?: number;
  /** New time entries and approvals with their postings stamped a few minutes before now. */
  lateArrivals?: number;
}

/** Ids touched by one `advance` call, per "system.collection". */
export interface AdvanceReport {
  atMs: number;
  inserted: Record<string, string[]>;
  updated: Record<string, string[]>;
  deleted: Record<string, string[]>;
  /** The inserted or updated ids stamped before `atMs` (late arrivals, within 10 minutes). */
  late: Record<string, string[]>;
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
