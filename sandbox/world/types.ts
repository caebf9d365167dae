/**
 * The sandbox's contract: what each imitated system stores and serves, in the vendor's own
 * shape (SOURCE-APIS.md). The generator (`sandbox/world/`) fills these collections; the HTTP
 * servers (`sandbox/servers/`) page, filter and write them. Field names are the vendor's.
 *
 * Conventions
 * - Timestamps inside records are strings in the vendor's format (see each collection's
 *   `modifiedField`); collections also keep a numeric `modifiedMs` per record for indexing.
 * - NetSuite SuiteQL returns booleans as "T"/"F" and numbers as JSON numbers; ids as strings.
 * - Kantata ids are strings; money is integer cents; durations in minutes.
 * - Workday RaaS returns every value as a string; booleans "1"/"0".
 */
export type SystemName = "salesforce" | "netsuite" | "kantata" | "workday";

export type SandboxRecord = Record<string, unknown>;

/** One collection (a Salesforce object, a SuiteQL table, a Kantata list, a Workday report). */
export interface Collection<R extends SandboxRecord = SandboxRecord> {
  readonly system: SystemName;
  /** Account, Opportunity | subsidiary, customer, job, employee, timebill, transaction,
   *  transactionline, accountingperiod | workspace_groups, workspaces, users, stories,
   *  assignments, time_entries, expenses, invoices, external_references, custom_field_sets,
   *  custom_fields, custom_field_values | workers */
  readonly name: string;
  readonly primaryKey: string;
  /** Field holding the record's last-modified timestamp (vendor format). */
  readonly modifiedField: string;
  readonly size: number;
  /** Changes with every write: a result built at one version holds until the next. */
  readonly version: number;
  get(id: string): R | undefined;
  /** The record's modified time in epoch ms, as `scan` orders it. */
  modifiedMs(id: string): number | undefined;
  /**
   * Live records ordered by (modifiedMs, id) ascending, restricted to
   * `fromMs <= modifiedMs < toMs` when given. Iteration must be cheap (an index, not a sort
   * per call): the `large` preset pages through ≥1M records.
   */
  scan(range?: { fromMs?: number; toMs?: number }): Iterable<R>;
  /** Live records ordered by primary key (numeric order when keys are numeric). */
  scanByKey(range?: { afterKey?: string }): Iterable<R>;
  /** Inserts or replaces a record and stamps its modified field with `atMs`. */
  upsert(record: R, atMs: number): void;
  /** Removes a record (hard delete as the vendor does); remembered in `deleted()`. */
  remove(id: string, atMs: number): boolean;
  /** Deleted records with their deletion time (Salesforce queryAll / getDeleted). */
  deleted(range?: {
    fromMs?: number;
    toMs?: number;
  }): Iterable<{ id: string; deletedMs: number; record: R }>;
}

/** One planted inconsistency, as the reconciliation must report it. */
import type { RuleId } from "../../core/rules.js";

export interface GroundTruthEntry {
  /** Stable id of the planted case (e.g. "R01-0003"). */
  case_id: string;
  rule_id: RuleId;
  /** What the exception is about, e.g. "time_entry:kantata:10000123" (docs/reconciliation-rules.md). */
  canonical_key: string;
  /** Each system's ids for the records involved, e.g. { kantata: { time_entry: "123" } }. */
  systems: Partial<Record<SystemName, Record<string, string | string[]>>>;
  /** Expected hours impact (decimal hours, signed as docs/reconciliation-rules.md defines), or null. */
  hours_impact: number | null;
  /** Expected amount impact and its currency, or null. */
  amount_impact: number | null;
  currency: string | null;
  /** What was planted, in words. */
  description: string;
  /** The rule's details (docs/reconciliation-rules.md), e.g. mismatched fields, ages. */
  details: Record<string, unknown>;
}

export type { RuleId } from "../../core/rules.js";

export interface GroundTruth {
  seed: number;
  size: SandboxSize;
  /** The business date the data and the rules' ageing are anchored to (YYYY-MM-DD). */
  as_of: string;
  /** Record counts per system and collection. */
  counts: Record<SystemName, Record<string, number>>;
  /** Rule thresholds the manifest was computed with (docs/reconciliation-rules.md). */
  thresholds: Record<string, number>;
  entries: GroundTruthEntry[];
}

export type SandboxSize = "small" | "medium" | "large";
