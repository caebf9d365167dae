import type { WriteItem } from "./plan-types.js";

/** Why a selection cannot be made, as a message and a hint for the steward. */
export interface SelectionProblem {
  message: string;
  hint: string;
}

/** Item keys (`--item`) the plan does not hold. */
export function unknownItems(
  planId: string,
  items: readonly WriteItem[],
  keys: readonly string[],
): SelectionProblem | undefined {
  const held = new Set(items.map((item) => item.item_key));
  const unknown = keys.filter((key) => !held.has(key));
  if (unknown.length === 0) return undefined;
  return {
    message: `plan ${planId} has no item(s) ${unknown.join(", ")}`,
    hint: `its item keys are listed by \`pslink plan show ${planId}\``,
  };
}

/** Rules (`--rule`, any case) no item of the plan has; the hint names the ones it does. */
export function unknownRules(
  planId: string,
  items: readonly WriteItem[],
  rules: readonly string[],
): SelectionProblem | undefined {
  const planned = [...new Set(items.map((item) => item.rule_id))].sort();
  const absent = rules.filter(
    (rule) => !planned.some((r) => r.toUpperCase() === rule.toUpperCase()),
  );
  if (absent.length === 0) return undefined;
  return {
    message: `plan ${planId} has no item of rule(s) ${absent.join(", ")}`,
    hint: `its rules: ${planned.join(", ")}`,
  };
}

/** Whether the item's rule is one of `rules` (any case); every item when none are named. */
export const ofRules = (item: WriteItem, rules: readonly string[]) =>
  rules.length === 0 || rules.some((rule) => rule.toUpperCase() === item.rule_id.toUpperCase());
