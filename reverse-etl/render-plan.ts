import { ruleLabel } from "../core/rules.js";
import { comparable } from "./field-values.js";
import type { WriteItem, WritePlan } from "./plan-types.js";

/** Counts of items by status, e.g. `3 approved, 1 refused`. */
export function statusCounts(items: readonly WriteItem[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(", ") || "no items";
}

/**
 * A plan as a steward reads it: grouped by target and rule, field by field. `all` is the plan's
 * every item when `items` are some of them (a filtered view): the counts are the plan's, and a
 * line says how many are shown.
 */
export function renderPlan(
  plan: WritePlan,
  items: readonly WriteItem[],
  all: readonly WriteItem[] = items,
): string[] {
  const lines = [
    `plan ${plan.plan_id}  created ${plan.created_at.toISOString()} by ${plan.created_by}`,
    `  status: ${planStatus(plan)}`,
    `  items:  ${statusCounts(all)}`,
    ...(items.length < all.length ? [`  shown:  ${items.length} of ${all.length} items`] : []),
  ];
  const targets = [...new Set(items.map((item) => item.target_system))].sort();
  for (const target of targets) {
    lines.push("", target);
    const ofTarget = items.filter((item) => item.target_system === target);
    for (const rule of [...new Set(ofTarget.map((item) => item.rule_id))].sort()) {
      lines.push(`  ${ruleLabel(rule)}`);
      for (const item of ofTarget.filter((i) => i.rule_id === rule))
        lines.push(...renderItem(item));
    }
  }
  return lines;
}

/** HELD until a steward confirms the blast radius; then open, saying who confirmed it. */
function planStatus(plan: WritePlan): string {
  if (plan.status !== "held") return "open";
  if (plan.confirmed_by === null) return `HELD — ${plan.held_reason ?? ""}`;
  const when = plan.confirmed_at ? ` on ${plan.confirmed_at.toISOString().slice(0, 10)}` : "";
  return `open — the blast radius was confirmed by ${plan.confirmed_by}${when} (held: ${plan.held_reason ?? ""})`;
}

function renderItem(item: WriteItem): string[] {
  const target = item.target_id ?? "(new)";
  const lines = [
    `    [${item.status}] ${item.object} ${target}  ${item.operation}  (${item.domain}, from ${item.source_system})  item ${item.item_key}`,
  ];
  for (const change of fieldChanges(item)) lines.push(`        ${change}`);
  if (item.exception_id) lines.push(`        exception: ${item.exception_id}`);
  if (Object.keys(item.evidence).length > 0)
    lines.push(`        evidence: ${JSON.stringify(item.evidence)}`);
  if (item.status_reason) lines.push(`        why: ${item.status_reason}`);
  if (item.decided_by) {
    // A queued item closed out: the steward recorded the adjustment finance made by hand.
    const decided = item.status === "adjusted" ? "adjusted by hand, closed out by" : "decided by";
    lines.push(
      `        ${decided} ${item.decided_by} at ${item.decided_at?.toISOString() ?? "?"}: ${item.decision_reason ?? ""}`,
    );
  }
  if (item.error && item.error !== item.status_reason) lines.push(`        error: ${item.error}`);
  return lines;
}

/** The item's changes, one `field: before → after` a field. */
export function fieldChanges(item: WriteItem): string[] {
  return Object.entries(item.after).map(([field, after]) => {
    // A field has a before only when the plan read the target's landed row: a create has none,
    // and an object pslink does not sync (or one not landed yet) has a current value unknown.
    const before =
      field in item.before
        ? `${show(item.before[field])} → `
        : item.operation === "create" || item.target_id === null
          ? "→ "
          : "(not known) → ";
    return `${field}: ${before}${show(after)}`;
  });
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "(empty)";
  if (typeof value === "object") return JSON.stringify(value);
  const text = comparable(value);
  return text === "" ? "(empty)" : text;
}
