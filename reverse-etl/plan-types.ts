import type { Domain, GovernedSystem, TargetSystem } from "../core/config/governance-schema.js";
import type { Operation } from "./proposal-schema.js";

/**
 * An item's life: `proposed` → `approved` | `rejected`; `approved` → `in_flight` → `applied` |
 * `failed` | `stale`, or back to `approved` when the target refuses every call for now (its
 * daily allowance spent); `applied` → `verified` | `unverified`. Guards end an item at plan time as
 * `refused` (not allowed at all) or `queued` (closed period: the adjustment queue). At apply time,
 * right before the call, an `approved` (or crashed `in_flight`) item whose accounting period has
 * closed since planning ends `queued` too, with its operation kept and no call made. A `queued`
 * item is never written by pslink: once finance has made the adjustment by hand in an open
 * period, a steward of its domain closes it out as `adjusted` (`pslink adjustments done`).
 */
export const ITEM_STATUSES = [
  "proposed",
  "refused",
  "queued",
  "adjusted",
  "approved",
  "rejected",
  "in_flight",
  "applied",
  "failed",
  "stale",
  "verified",
  "unverified",
] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** A plan is `open`, or `held` by the blast-radius guard until a steward confirms it. */
export type PlanStatus = "open" | "held";

/** The target row as it was at plan time, for the stale check before writing. */
export interface TargetSnapshot {
  /** Vendor column → value of the landed current-state row. */
  values: Record<string, unknown>;
  /** The row's last-modified value (its vendor modified field). */
  modified: unknown;
}

/** One record-level change of a plan. */
export interface WriteItem {
  plan_id: string;
  item_key: string;
  proposal_key: string;
  rule_id: string;
  exception_id: string | null;
  domain: Domain;
  source_system: GovernedSystem;
  target_system: TargetSystem;
  object: string;
  target_id: string | null;
  operation: Operation;
  /** Changed fields' values before (empty for creates). */
  before: Record<string, unknown>;
  /** Changed fields' desired values: exactly what the write sends. */
  after: Record<string, unknown>;
  snapshot: TargetSnapshot | null;
  evidence: Record<string, unknown>;
  status: ItemStatus;
  /** Why it ended as it did: a guard's refusal, the target's error, the stale difference. */
  status_reason: string | null;
  /** External id (creates) or key the write uses, written before the call (write-ahead). */
  idempotency_key: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  /** Id the target gave the record (creates) or the id written. */
  result_id: string | null;
  /** Last response of the target, excerpted and redacted. */
  response: Record<string, unknown> | null;
  /** The target's error message when the item failed. */
  error: string | null;
  /** Write calls made for the item. */
  attempts: number;
  applied_at: Date | null;
  updated_at: Date;
}

export interface WritePlan {
  plan_id: string;
  created_at: Date;
  created_by: string;
  status: PlanStatus;
  held_reason: string | null;
  confirmed_by: string | null;
  confirmed_at: Date | null;
  /** Counts by status and target at plan time. */
  summary: Record<string, unknown>;
}
