import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_SAFETY_LAG_MS } from "../../extractors/sync-sources.js";
import { createStepRunner } from "../../orchestration/jobs/run-step.js";
import { applyPlan } from "../../reverse-etl/apply-plan.js";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems, loadPlan } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { renderPlan } from "../../reverse-etl/render-plan.js";
import { SANDBOX_STEWARD } from "../../sandbox/sandbox-config.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { build, type LandedSandbox, landSandbox } from "../models/model-harness.js";
import { warehouseCases } from "../support/warehouses.js";

interface ExceptionRow extends Record<string, unknown> {
  exception_id: string;
  rule_id: string;
  status: string;
  details: unknown;
}

async function exceptions(wh: Warehouse): Promise<Map<string, ExceptionRow>> {
  const rows = await wh.query<ExceptionRow>(
    "select exception_id, rule_id, status, details from reconciliation.exceptions",
  );
  return new Map(rows.map((row) => [row.exception_id, row]));
}

const openIds = (all: Map<string, ExceptionRow>) =>
  new Set([...all.values()].filter((row) => row.status === "open").map((row) => row.exception_id));

/** R09 exceptions also raised for assignments or hours after termination outlive deactivation. */
function fixableByItsWrite(row: ExceptionRow | undefined): boolean {
  if (!row) return false;
  if (row.rule_id !== "R09") return true;
  const details = typeof row.details === "string" ? JSON.parse(row.details) : row.details;
  const reasons = (details as { reasons?: string[] }).reasons ?? [];
  return reasons.every((reason) => reason === "active_in_psa");
}

const APPROVE = ["R01", "R05", "R09"];
const REJECT = ["R08"];

describe.each(warehouseCases())("the full write-back loop on $kind", (warehouseCase) => {
  let landed: LandedSandbox | undefined;
  afterAll(async () => landed?.sandbox.close());

  it("sync → build → plan → approve → apply → sync → build resolves the approved exceptions and only those", async () => {
    const target = await warehouseCase.target();
    landed = await landSandbox("small", target);
    const { sandbox, config } = landed;
    const wh = await warehouseCase.open(target);
    const vars = { as_of_date: sandbox.world.asOf };
    await build(wh, vars);
    const before = await exceptions(wh);

    const planned = await planWritebacks({ warehouse: wh, config, actor: "e2e" });
    expect(planned.planId).not.toBeNull();
    const planId = planned.planId as string;
    const proposed = await loadItems(wh, { planId, statuses: ["proposed"] });
    const approved = proposed.filter((item) => APPROVE.includes(item.rule_id));
    const rejected = proposed.filter((item) => REJECT.includes(item.rule_id));
    const untouched = proposed.filter((item) => ![...APPROVE, ...REJECT].includes(item.rule_id));
    expect(approved.length).toBeGreaterThan(5);
    expect(rejected.length).toBeGreaterThan(0);
    expect(untouched.length).toBeGreaterThan(0);
    // As the steward reads it: a read value before the arrow, and for a custom field value
    // (Kantata's are not synced, so never read) a before said to be unknown.
    const plan = await loadPlan(wh, planId);
    if (!plan) throw new Error(`plan ${planId} was not stored`);
    const shown = renderPlan(plan, proposed).join("\n");
    expect(shown).toMatch(/^ {8}disabled: false → true$/m);
    expect(shown).toMatch(/^ {8}value: \(not known\) → \S/m);

    const decide = (decision: "approve" | "reject", keys: string[]) =>
      decideItems({
        warehouse: wh,
        config,
        planId,
        decision,
        steward: SANDBOX_STEWARD,
        reason: `e2e ${decision}`,
        itemKeys: keys,
        confirmBlastRadius: true,
      });
    await decide(
      "approve",
      approved.map((item) => item.item_key),
    );
    await decide(
      "reject",
      rejected.map((item) => item.item_key),
    );
    sandbox.writes.clear();
    const result = await applyPlan({ warehouse: wh, config, planId, actor: "e2e" });
    expect(result.applied).toBe(approved.length);
    expect(result.failed + result.stale).toBe(0);

    // The sandbox saw one successful write per approved item, and none for the others.
    const writes = sandbox.writes.entries().filter((entry) => entry.applied);
    expect(writes.length).toBe(approved.length);
    const written = writes.map((entry) => `${entry.path} ${JSON.stringify(entry.body)}`).join("\n");
    for (const item of [...rejected, ...untouched]) {
      if (item.target_id) expect(written).not.toContain(`/${item.target_id}`);
    }

    // A sync's window ends a safety lag before it starts: let the writes fall inside it.
    await new Promise((resolve) => setTimeout(resolve, DEFAULT_SAFETY_LAG_MS + 1_100));
    // The scheduler's sync step: the sync, then the verify job over the applied write-backs.
    const resync = await createStepRunner({ config, warehouse: wh })(
      { kind: "sync", full_refresh: false },
      { runId: "e2e-resync", trigger: "e2e", signal: new AbortController().signal },
    );
    expect(resync.writebacks).toMatchObject({ verified: approved.length, unverified: 0 });
    await build(wh, vars);
    const after = await exceptions(wh);

    const resolved = [...openIds(before)].filter((id) => after.get(id)?.status === "resolved");
    const expected = approved
      .map((item) => item.exception_id)
      .filter((id): id is string => id !== null && fixableByItsWrite(before.get(id)));
    expect(new Set(resolved)).toEqual(new Set(expected));
    for (const item of [...rejected, ...untouched]) {
      if (item.exception_id) expect(after.get(item.exception_id)?.status).toBe("open");
    }
    // Nothing else moved: every other exception is still open, with its first detection kept.
    expect(openIds(after).size).toBe(openIds(before).size - resolved.length);
  });
});
