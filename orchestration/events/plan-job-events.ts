import type { PlanResult } from "../../reverse-etl/plan-writebacks.js";
import type { JobEventSink } from "../pipes/pipes-events.js";
import { WRITE_PLAN_ASSET } from "./asset-keys.js";

/** Reports a planning run as one materialization of the write plan, items counted by status. */
export function reportPlanRun(result: PlanResult, emit: JobEventSink, durationMs: number): void {
  const items = Object.values(result.counts).reduce((sum, n) => sum + (n ?? 0), 0);
  emit({
    kind: "asset_written",
    assetKey: WRITE_PLAN_ASSET,
    rows: items,
    durationMs,
    metadata: {
      plan_id: result.planId,
      status: result.status,
      held_reason: result.heldReason,
      items_by_status: result.counts,
      unchanged: result.unchanged,
      already_planned: result.alreadyPlanned,
      invalid: result.invalid,
      proposal_relations: result.relations,
    },
  });
  if (result.status === "held") {
    emit({
      kind: "log",
      level: "warn",
      message: `plan ${result.planId} is held: ${result.heldReason ?? ""}`,
    });
  }
}
