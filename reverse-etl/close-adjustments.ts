import type { PslinkConfig } from "../core/config/index.js";
import { configError } from "../core/errors.js";
import { migrate } from "../warehouse/migrate.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { audit, itemSubject } from "./audit-log.js";
import type { SelectionProblem } from "./item-selection.js";
import { loadItems, loadPlan, updateItem } from "./plan-store.js";
import type { WriteItem } from "./plan-types.js";
import { findSteward, outsideDomains } from "./steward-check.js";

export interface CloseOutOptions {
  warehouse: Warehouse;
  config: Pick<PslinkConfig, "governance">;
  /** The steward recording the adjustment; must decide every chosen item's domain. */
  steward: string;
  /** What finance did by hand (the journal entry, the period): kept on the item and audited. */
  reason: string;
  /** These queued items (with `planId`, of that plan). */
  itemKeys?: readonly string[];
  /** Every queued item of this plan, or the plan `itemKeys` must belong to. */
  planId?: string;
  /** Every queued item of every plan. */
  allQueued?: boolean;
  now?: Date;
}

const LIST = "`pslink adjustments` lists the queued items with their plans and keys";

/**
 * Closes out queued items (the adjustment queue) once finance has made the adjustment by hand:
 * each becomes `adjusted`, with who, when and why, and an `adjusted` audit entry. All of them or
 * none: a refusal (no reason, not a steward of an item's domain, an unknown or not queued item)
 * changes no item and is audited as `decision_refused`.
 */
export async function closeOutAdjustments(options: CloseOutOptions): Promise<WriteItem[]> {
  const { warehouse: wh, steward } = options;
  const now = options.now ?? new Date();
  // A refusal is audited under the plan it names, once that plan is known to exist.
  let planOnRecord: string | null = null;
  const refuse = async ({ message, hint }: SelectionProblem): Promise<never> => {
    await audit(
      wh,
      {
        actor: steward,
        action: "decision_refused",
        plan_id: planOnRecord,
        detail: `close out adjustments: ${message}`,
      },
      now,
    );
    throw configError(message, { hint });
  };
  await migrate(wh);
  const reason = options.reason.trim();
  if (reason === "")
    return refuse({
      message: 'closing out an adjustment needs a reason: pass --reason "…"',
      hint: "say what was done by hand and where (the journal entry, the open period it went into)",
    });
  const found = findSteward(options.config.governance.stewards, steward, "close out adjustments");
  if (found.kind === "refused") return refuse(found.problem);
  if (options.planId !== undefined) {
    if (!(await loadPlan(wh, options.planId)))
      return refuse({ message: `there is no plan ${options.planId}`, hint: LIST });
    planOnRecord = options.planId;
  }
  const chosen = await chooseItems(options);
  if ("message" in chosen) return refuse(chosen);
  const outside = outsideDomains(
    found.steward,
    chosen,
    "ask a steward of that domain, or name with --item only the items of your domains",
  );
  if (outside) return refuse(outside);

  const decided = {
    status: "adjusted",
    decided_by: steward,
    decided_at: now,
    decision_reason: reason,
  } as const;
  await wh.transaction(async (tx) => {
    for (const item of chosen) {
      await updateItem(tx, item, { ...decided, updated_at: now });
      await audit(
        tx,
        {
          ...itemSubject(item),
          actor: steward,
          action: "adjusted",
          before: item.before,
          after: item.after,
          detail: reason,
        },
        now,
      );
    }
  });
  return chosen.map((item) => ({ ...item, ...decided, updated_at: now }));
}

/** The queued items the options name (of a plan that exists), or why they cannot be closed out. */
async function chooseItems(options: CloseOutOptions): Promise<WriteItem[] | SelectionProblem> {
  const { warehouse: wh, planId, allQueued } = options;
  const keys = options.itemKeys ?? [];
  if (allQueued && (keys.length > 0 || planId !== undefined))
    return {
      message: "--all-queued closes out the whole queue: it goes without --item and --plan",
      hint: "leave out --all-queued to close out only the items or the plan you name",
    };
  if (!allQueued && keys.length === 0 && planId === undefined)
    return {
      message: "name what to close out: --item KEY (repeatable), --plan ID or --all-queued",
      hint: LIST,
    };
  if (keys.length === 0) {
    const queued = await loadItems(wh, {
      statuses: ["queued"],
      ...(planId === undefined ? {} : { planId }),
    });
    if (queued.length > 0) return queued;
    return {
      message:
        planId === undefined
          ? "the adjustment queue is empty: nothing to close out"
          : `plan ${planId} has no queued item to close out`,
      hint: LIST,
    };
  }
  const items = await loadItems(wh, {
    itemKeys: keys,
    ...(planId === undefined ? {} : { planId }),
  });
  const unknown = keys.filter((key) => !items.some((item) => item.item_key === key));
  if (unknown.length > 0)
    return {
      message: `${planId === undefined ? "no plan has" : `plan ${planId} has no`} item(s) ${unknown.join(", ")}`,
      hint: LIST,
    };
  const settled = items.filter((item) => item.status !== "queued");
  if (settled.length > 0)
    return {
      message: `cannot close out ${settled.map((i) => `${i.item_key} (${i.status})`).join(", ")}: only queued items can be, and nothing was closed out`,
      hint: `${LIST}; leave the other items out`,
    };
  return items;
}
