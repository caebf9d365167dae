import type { FirmState } from "./firm-state.js";
import { loadRuleData, type RuleException } from "./rule-data.js";
import type { Thresholds } from "./rule-thresholds.js";
import { invoiceAmountMismatch, milestoneNotInvoiced, unbilledTimeAging } from "./rules-billing.js";
import {
  costRateMismatch,
  customerMasterMismatch,
  terminatedWorkerActive,
} from "./rules-parties.js";
import {
  duplicatePosting,
  postedTimeMismatch,
  postingWithoutApproval,
  unpostedTime,
} from "./rules-posting.js";
import { projectMasterMismatch, projectMissingInErp, wonDeals } from "./rules-projects.js";
import type { GroundTruth, GroundTruthEntry, SystemName } from "./types.js";

/** Every rule of docs/reconciliation-rules.md over the current data, in rule then key order. */
export function referenceExceptions(state: FirmState, t: Thresholds): RuleException[] {
  const data = loadRuleData(state);
  const all = [
    ...unpostedTime(data, t),
    ...postedTimeMismatch(data, t),
    ...postingWithoutApproval(data),
    ...duplicatePosting(data),
    ...projectMissingInErp(data),
    ...projectMasterMismatch(data, t),
    ...wonDeals(data, t),
    ...customerMasterMismatch(data),
    ...terminatedWorkerActive(data),
    ...costRateMismatch(data, t),
    ...unbilledTimeAging(data, t),
    ...invoiceAmountMismatch(data, t),
    ...milestoneNotInvoiced(data, t),
  ];
  return all.sort((a, b) =>
    a.rule_id === b.rule_id
      ? a.canonical_key < b.canonical_key
        ? -1
        : 1
      : a.rule_id < b.rule_id
        ? -1
        : 1,
  );
}

/** The ground-truth manifest: the reference evaluation, tagged with the planted case ids. */
export function evaluateRules(state: FirmState, t: Thresholds): GroundTruth {
  const planted = new Map(state.planted.map((c) => [`${c.rule_id}|${c.canonical_key}`, c]));
  const entries: GroundTruthEntry[] = referenceExceptions(state, t).map((e) => {
    const match = planted.get(`${e.rule_id}|${e.canonical_key}`);
    return {
      case_id: match?.case_id ?? `unplanted:${e.rule_id}:${e.canonical_key}`,
      description: match?.description ?? "Arose from later changes, not planted",
      ...e,
    };
  });
  const counts = {} as Record<SystemName, Record<string, number>>;
  for (const collection of state.store.all()) {
    counts[collection.system] ??= {};
    counts[collection.system][collection.name] = collection.size;
  }
  return {
    seed: state.seed,
    size: state.size,
    as_of: state.asOf,
    counts,
    thresholds: { ...t },
    entries,
  };
}
