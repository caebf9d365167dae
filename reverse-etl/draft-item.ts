import type { GovernanceConfig } from "../core/config/governance-schema.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { type StateTable, stateTable } from "./current-state.js";
import { type Diff, diffProposal } from "./diff-proposal.js";
import { stableHash } from "./field-values.js";
import { ownershipRefusal } from "./ownership-guard.js";
import { type ClosedPeriods, closedPeriodOf, postingDates } from "./period-guard.js";
import type { ItemStatus, WriteItem } from "./plan-types.js";
import type { Operation, Proposal } from "./proposal-schema.js";
import { OBJECT_CATALOG } from "./writers/object-catalog.js";
import { capabilityRefusal } from "./writers/writer-types.js";

/**
 * Turns one proposal into a plan item: the ownership and capability guards (refused), the diff
 * against the target (unchanged proposals yield none), the closed-period guard (queued).
 */
export async function draftItem(
  wh: Warehouse,
  proposal: Proposal,
  governance: GovernanceConfig,
  periods: ClosedPeriods,
  tables: Map<string, StateTable | undefined>,
  now: Date,
): Promise<WriteItem | "unchanged"> {
  /**
   * The proposal as an item a guard ended: what it would change where the target's landed row
   * can be read (so a steward sees before → after), else its fields as proposed.
   */
  const refused = (reason: string, diff?: Extract<Diff, { kind: "change" }>) =>
    newItem(
      proposal,
      proposal.operation,
      diff?.targetId ?? proposal.target_id,
      diff?.before ?? {},
      diff?.after ?? { ...proposal.fields },
      null,
      "refused",
      reason,
      now,
    );
  const objects = OBJECT_CATALOG[proposal.target_system];
  const spec = objects[proposal.object];
  const refusal =
    ownershipRefusal(proposal, governance) ??
    (proposal.operation === "adjustment_queue" && spec
      ? undefined
      : capabilityRefusal(proposal.target_system, objects, proposal.object, proposal.operation));
  if (!spec) return refused(refusal ?? "unknown object");
  const tableKey = `${proposal.target_system}.${proposal.object}`;
  if (!tables.has(tableKey))
    tables.set(tableKey, await stateTable(wh, proposal.target_system, spec));
  const diff = await diffProposal(wh, proposal, spec, tables.get(tableKey));
  if (diff.kind === "unchanged") return "unchanged";
  if (diff.kind === "refused") return refused(refusal ?? diff.reason);
  if (refusal) return refused(refusal, diff);
  let operation: Operation = proposal.operation;
  let status: ItemStatus = "proposed";
  let reason: string | null = null;
  const closed = closedPeriodOf(
    postingDates(proposal.target_system, proposal.object, diff.after, diff.snapshot?.values),
    periods,
  );
  if (operation === "adjustment_queue") {
    status = "queued";
    reason = `rule ${proposal.rule_id} proposed the adjustment queue`;
  } else if (closed) {
    operation = "adjustment_queue";
    status = "queued";
    reason = `date ${closed.date} falls in closed period ${closed.name}: routed to the adjustment queue, never posted`;
  }
  const item = newItem(
    proposal,
    operation,
    diff.targetId,
    diff.before,
    diff.after,
    diff.snapshot,
    status,
    reason,
    now,
  );
  if (spec.externalIdField && (operation === "create" || operation === "upsert")) {
    const given = item.after[spec.externalIdField];
    // A create carries an external id so that a crash between call and commit can be detected.
    if (given === undefined || given === null || given === "")
      item.after[spec.externalIdField] = `pslink-${item.item_key}`;
    item.idempotency_key = String(item.after[spec.externalIdField]);
  }
  return item;
}

/**
 * The key of the change a proposal asks for before the closed-period guard routed it to the
 * adjustment queue (undefined for an item not routed there): an apply queues such a change under
 * that key when its period closes after planning, so the queue holds it once.
 */
export function unroutedKey(proposal: Proposal, item: WriteItem): string | undefined {
  if (item.operation !== "adjustment_queue" || proposal.operation === "adjustment_queue")
    return undefined;
  return changeKey(proposal, item.target_id, proposal.operation, item.after);
}

/** An item key names one exact change: target, object, record, operation and values. */
function changeKey(
  proposal: Proposal,
  targetId: string | null,
  operation: Operation,
  after: Record<string, unknown>,
): string {
  return stableHash([
    proposal.target_system,
    proposal.object,
    targetId ?? proposal.proposal_key,
    operation,
    after,
  ]);
}

function newItem(
  proposal: Proposal,
  operation: Operation,
  targetId: string | null,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  snapshot: WriteItem["snapshot"],
  status: ItemStatus,
  reason: string | null,
  now: Date,
): WriteItem {
  const itemKey = changeKey(proposal, targetId, operation, after);
  return {
    plan_id: "",
    item_key: itemKey,
    proposal_key: proposal.proposal_key,
    rule_id: proposal.rule_id,
    exception_id: proposal.exception_id,
    domain: proposal.domain,
    source_system: proposal.source_system,
    target_system: proposal.target_system,
    object: proposal.object,
    target_id: targetId,
    operation,
    before,
    after,
    snapshot,
    evidence: proposal.evidence,
    status,
    status_reason: reason,
    idempotency_key: targetId === null ? null : itemKey,
    decided_by: null,
    decided_at: null,
    decision_reason: null,
    result_id: null,
    response: null,
    error: null,
    attempts: 0,
    applied_at: null,
    updated_at: now,
  };
}
