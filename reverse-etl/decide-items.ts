import type { PslinkConfig } from "../core/config/index.js";
import { configError } from "../core/errors.js";
import { migrate } from "../warehouse/migrate.js";
import type { Warehouse } from "../warehouse/warehouse.js";
import { audit, itemSubject } from "./audit-log.js";
import {
  awaitingObjects,
  awaitsConfirmation,
  confirmingStewards,
  objectDomains,
  objectKey,
} from "./blast-radius.js";
import { ofRules, unknownItems, unknownRules } from "./item-selection.js";
import { confirmObjects, loadItems, loadPlan, transitionItem } from "./plan-store.js";
import type { WriteItem } from "./plan-types.js";
import { domainList, findSteward, outsideDomains } from "./steward-check.js";

export interface DecideOptions {
  warehouse: Warehouse;
  config: Pick<PslinkConfig, "governance">;
  planId: string;
  decision: "approve" | "reject";
  /** The steward deciding; must be configured in `governance.stewards`. */
  steward: string;
  reason: string;
  /**
   * Specific items; the whole plan's undecided (`proposed`) items when absent. A reject takes
   * back an approval only of an item named here.
   */
  itemKeys?: readonly string[];
  /** Only items of these rules (with `itemKeys`, items that are both). */
  rules?: readonly string[];
  /** Required to approve anything in a plan the blast-radius guard held. */
  confirmBlastRadius?: boolean;
  now?: Date;
}

/** Approves or rejects items of a plan as a steward of their domains; every decision is audited. */
export async function decideItems(options: DecideOptions): Promise<WriteItem[]> {
  const { warehouse: wh, planId, steward, decision } = options;
  const now = options.now ?? new Date();
  const refuse = async (message: string, hint?: string): Promise<never> => {
    await audit(
      wh,
      {
        actor: steward,
        action: "decision_refused",
        plan_id: planId,
        detail: `${decision}: ${message}`,
      },
      now,
    );
    throw configError(message, { hint });
  };
  await migrate(wh);
  const reason = options.reason.trim();
  if (reason === "")
    return refuse(
      `${decision === "approve" ? "an approval" : "a rejection"} needs a reason: pass --reason "…"`,
    );
  const found = findSteward(options.config.governance.stewards, steward, decision);
  if (found.kind === "refused") return refuse(found.problem.message, found.problem.hint);
  const configured = found.steward;
  const plan = await loadPlan(wh, planId);
  if (!plan)
    throw configError(`there is no plan ${planId}`, { hint: "list plans with `pslink plans`" });

  // Rejecting takes back an approval only when the item is named: a plan-wide or per-rule
  // reject must not revoke other stewards' approvals.
  const itemKeys = options.itemKeys ?? [];
  const named = itemKeys.length > 0;
  const decidable = decision === "reject" && named ? ["proposed", "approved"] : ["proposed"];
  const all = await loadItems(wh, { planId });
  let chosen: WriteItem[];
  if (named) {
    const unknown = unknownItems(planId, all, itemKeys);
    if (unknown) return refuse(unknown.message, unknown.hint);
    const keys = new Set(itemKeys);
    chosen = all.filter((item) => keys.has(item.item_key));
    const settled = chosen.filter((item) => !decidable.includes(item.status));
    if (settled.length > 0) {
      return refuse(
        `cannot ${decision} ${settled.map((i) => `${i.item_key} (${i.status})`).join(", ")}: only ${decidable.join(" or ")} items can be`,
      );
    }
  } else {
    chosen = all.filter((item) => decidable.includes(item.status));
  }
  if (options.rules && options.rules.length > 0) {
    const rules = options.rules.map((rule) => rule.toUpperCase());
    const absent = unknownRules(planId, all, rules);
    if (absent) return refuse(absent.message, absent.hint);
    chosen = chosen.filter((item) => ofRules(item, rules));
  }
  if (chosen.length === 0) return refuse(`plan ${planId} has nothing to ${decision}`);

  const outside = outsideDomains(
    configured,
    chosen,
    "ask a steward of that domain, or pass --rule or --item for the items in your domains",
  );
  if (outside) return refuse(outside.message, outside.hint);
  // A held plan waits for its held objects' confirmation; an approval confirms only the held
  // objects whose items it approves, and only a steward of their domains may give it.
  const pending = decision === "approve" ? awaitingObjects(plan, all) : [];
  const covered = pending.filter(
    (object) => object === "*" || chosen.some((item) => objectKey(item) === object),
  );
  const confirming = pending.length > 0;
  if (confirming) {
    const domains = objectDomains(covered.length > 0 ? covered : pending, all);
    const held = `plan ${planId} is held by the blast-radius guard`;
    if (domains.some((domain) => !configured.domains.includes(domain))) {
      const confirmers = confirmingStewards(options.config.governance.stewards, domains);
      return refuse(
        `${held} (${plan.held_reason ?? ""}); only a steward of ${domainList(domains)} may confirm it, and ${steward} may decide ${configured.domains.join(", ") || "no domain"}`,
        confirmers.length > 0
          ? `ask ${confirmers.join(" or ")} to review it and approve with --confirm-blast-radius; then ${steward} can approve these items`
          : `no steward in pslink.yml decides ${domains.join(", ")}: add one under governance.stewards`,
      );
    }
    if (covered.length === 0) {
      return refuse(
        `${held} (${plan.held_reason ?? ""}); these items are on none of its held objects (${pending.join(", ")}), so approving them confirms nothing`,
        `approve the items of ${pending.join(", ")} with --confirm-blast-radius first (\`pslink plan show ${planId}\` lists them)`,
      );
    }
    if (!options.confirmBlastRadius) {
      return refuse(
        `${held}: ${plan.held_reason ?? ""}`,
        `review it with \`pslink plan show ${planId}\` and approve with --confirm-blast-radius`,
      );
    }
  }

  const status: WriteItem["status"] = decision === "approve" ? "approved" : "rejected";
  // What is left to confirm once this decision is made: the held objects not covered that still
  // have undecided items. None left (their items all rejected, say) opens the plan.
  const decidedKeys = new Set(chosen.map((item) => item.item_key));
  const after = all.map((item) => (decidedKeys.has(item.item_key) ? { ...item, status } : item));
  const remaining = awaitingObjects(plan, after).filter((object) => !covered.includes(object));
  const released = awaitsConfirmation(plan) && remaining.length === 0;
  const taken: WriteItem[] = [];
  await wh
    .transaction(async (tx) => {
      if (confirming || released) {
        await confirmObjects(tx, plan, covered, remaining, steward, now);
        const detail = confirming
          ? `confirmed ${covered.join(", ")}`
          : "no held object has items left to decide";
        await audit(
          tx,
          {
            actor: steward,
            action: "blast_radius_confirmed",
            plan_id: planId,
            detail: `${reason} (${detail}; held: ${plan.held_reason ?? ""})`,
          },
          now,
        );
      }
      for (const item of chosen) {
        // An apply may have taken the item since we read it: the decision must not flip it.
        const decided = await transitionItem(tx, item, [item.status], {
          status,
          decided_by: steward,
          decided_at: now,
          decision_reason: reason,
          updated_at: now,
        });
        if (!decided) {
          taken.push(item);
          continue;
        }
        await audit(
          tx,
          {
            ...itemSubject(item),
            actor: steward,
            action: status,
            before: item.before,
            after: item.after,
            detail: reason,
          },
          now,
        );
      }
      // All the decision or none of it: roll back, then refuse (below) with what happened.
      if (taken.length > 0) throw new DecisionOvertaken();
    })
    .catch((error: unknown) => {
      if (!(error instanceof DecisionOvertaken)) throw error;
    });
  if (taken.length > 0) {
    const current = await loadItems(wh, { planId, itemKeys: taken.map((item) => item.item_key) });
    return refuse(
      `cannot ${decision} ${current.map((i) => `${i.item_key} (${i.status})`).join(", ")}: an apply or another decision took it while ${steward} was deciding, so nothing was ${status}`,
      current.some((item) => item.status === "in_flight")
        ? "an in-flight item is being written: wait for the apply to end, then check it with `pslink plan show`"
        : `check the plan with \`pslink plan show ${planId}\` and decide again`,
    );
  }
  return chosen.map((item) => ({
    ...item,
    status,
    decided_by: steward,
    decided_at: now,
    decision_reason: reason,
  }));
}

/** Rolls a decision's transaction back when an item changed under it. */
class DecisionOvertaken extends Error {}
