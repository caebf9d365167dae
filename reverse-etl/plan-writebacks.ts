import { randomBytes } from "node:crypto";
import type { Domain } from "../core/config/governance-schema.js";
import type { PslinkConfig } from "../core/config/index.js";
import { migrate } from "../warehouse/migrate.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { audit, itemSubject } from "./audit-log.js";
import { findBlastRadius, heldDomains } from "./blast-radius.js";
import type { StateTable } from "./current-state.js";
import { draftItem, unroutedKey } from "./draft-item.js";
import { ClosedPeriods } from "./period-guard.js";
import { insertPlan, settledItemKeys } from "./plan-store.js";
import type { ItemStatus, PlanStatus, WriteItem, WritePlan } from "./plan-types.js";
import { readProposals } from "./proposal-reader.js";

export interface PlanOptions {
  warehouse: Warehouse;
  config: Pick<PslinkConfig, "governance">;
  now?: Date;
  /** Who planned (the CLI passes the OS user or `pslink`). */
  actor?: string;
}

export interface PlanResult {
  /** Null when nothing needs writing (no plan is stored then). */
  planId: string | null;
  status: PlanStatus | null;
  heldReason: string | null;
  /** Of a held plan, the domains whose steward may confirm it (`heldDomains`). */
  heldDomains: Domain[];
  counts: Partial<Record<ItemStatus, number>>;
  relations: string[];
  /** Proposals the target already satisfies. */
  unchanged: number;
  /**
   * Proposals whose exact change is already planned, approved, applied, queued or rejected (a
   * change now in a closed period counts as its change planned while the period was open).
   */
  alreadyPlanned: number;
  invalid: number;
}

/** The plan job: reads every proposal, diffs it against the target, applies the guards, stores the plan. */
export async function planWritebacks(options: PlanOptions): Promise<PlanResult> {
  const { warehouse: wh } = options;
  const governance = options.config.governance;
  const now = options.now ?? new Date();
  const actor = options.actor ?? "pslink";
  await migrate(wh);
  const batch = await readProposals(wh, governance.proposals_schema);
  const periods = await ClosedPeriods.load(wh);
  const settled = await settledItemKeys(wh);
  const tables = new Map<string, StateTable | undefined>();
  const items = new Map<string, WriteItem>();
  let unchanged = 0;
  let alreadyPlanned = 0;

  for (const proposal of batch.proposals) {
    const drafted = await draftItem(wh, proposal, governance, periods, tables, now);
    if (drafted === "unchanged") {
      unchanged += 1;
      continue;
    }
    const earlier = settled.get(drafted.item_key);
    // A change planned before its period closed is already on its way: an apply queues it.
    const routed = unroutedKey(proposal, drafted);
    const repeated =
      earlier === null ||
      (earlier !== undefined && earlier === drafted.status_reason) ||
      (routed !== undefined && settled.get(routed) === null);
    if (repeated || items.has(drafted.item_key)) {
      alreadyPlanned += 1;
      continue;
    }
    items.set(drafted.item_key, drafted);
  }

  const result: PlanResult = {
    planId: null,
    status: null,
    heldReason: null,
    heldDomains: [],
    counts: {},
    relations: batch.relations,
    unchanged,
    alreadyPlanned,
    invalid: batch.invalid.length,
  };
  const list = [...items.values()];
  if (list.length === 0 && batch.invalid.length === 0) return result;

  const held = await findBlastRadius(wh, list, tables, governance.blast_radius);
  const heldReason = held?.reason ?? null;
  // Readable and sortable by time; the random tail keeps two plans of one instant apart.
  const planId = `plan-${now.toISOString().replace(/[-:]/g, "").slice(0, 15)}-${randomBytes(3).toString("hex")}`;
  for (const item of list) item.plan_id = planId;
  const counts: Partial<Record<ItemStatus, number>> = {};
  for (const item of list) counts[item.status] = (counts[item.status] ?? 0) + 1;
  const plan: WritePlan = {
    plan_id: planId,
    created_at: now,
    created_by: actor,
    status: heldReason ? "held" : "open",
    held_reason: heldReason,
    confirmed_by: null,
    confirmed_at: null,
    summary: {
      counts,
      relations: batch.relations,
      unchanged,
      already_planned: alreadyPlanned,
      invalid: batch.invalid.length,
      ...(held ? { held_objects: held.objects } : {}),
    },
  };
  await wh.transaction(async (tx) => {
    await insertPlan(tx, plan, list);
    await audit(
      tx,
      {
        actor,
        action: "plan_created",
        plan_id: planId,
        after: plan.summary,
        detail: `${list.length} item(s)`,
      },
      now,
    );
    if (heldReason)
      await audit(tx, { actor, action: "plan_held", plan_id: planId, detail: heldReason }, now);
    for (const item of list) {
      if (item.status !== "refused" && item.status !== "queued") continue;
      await audit(
        tx,
        {
          ...itemSubject(item),
          actor,
          action: item.status === "refused" ? "guard_refused" : "guard_queued",
          before: item.before,
          after: item.after,
          detail: item.status_reason,
        },
        now,
      );
    }
    for (const invalid of batch.invalid) {
      await audit(
        tx,
        {
          actor,
          action: "proposal_invalid",
          plan_id: planId,
          detail: `${invalid.relation} ${invalid.proposal_key ?? ""}: ${invalid.problem}`,
        },
        now,
      );
    }
  });
  const domains = held ? heldDomains(plan, list) : [];
  return { ...result, planId, status: plan.status, heldReason, heldDomains: domains, counts };
}
