import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_SAFETY_LAG_MS } from "../../extractors/sync-sources.js";
import { createStepRunner } from "../../orchestration/jobs/run-step.js";
import { applyPlan } from "../../reverse-etl/apply-plan.js";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems, loadPlan } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { renderPlan } from "../../reverse-etl/render-plan.js";
import { SANDBOX_STEWARD } from "../../sandbox/sandbox-config.js";
import { customFieldValues } from "../../sandbox/servers/kantata/custom-field-values.js";
import type { GroundTruth } from "../../sandbox/world/types.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { build, type LandedSandbox, landSandbox } from "../models/model-harness.js";
import { warehouseCases } from "../support/warehouses.js";

interface ExceptionRow extends Record<string, unknown> {
  exception_id: string;
  rule_id: string;
  canonical_id: string;
  status: string;
  details: unknown;
}

async function exceptions(wh: Warehouse): Promise<Map<string, ExceptionRow>> {
  const rows = await wh.query<ExceptionRow>(
    "select exception_id, rule_id, canonical_id, status, details from reconciliation.exceptions",
  );
  return new Map(rows.map((row) => [row.exception_id, row]));
}

const openIds = (all: Map<string, ExceptionRow>) =>
  new Set([...all.values()].filter((row) => row.status === "open").map((row) => row.exception_id));

/** What R08 finds open, as pslink's exceptions and as the sandbox's ground truth: customer keys. */
const openR08 = (all: Map<string, ExceptionRow>) =>
  [...all.values()]
    .filter((row) => row.rule_id === "R08" && row.status === "open")
    .map((row) => row.canonical_id)
    .sort();
const truthR08 = (truth: GroundTruth) =>
  truth.entries
    .filter((entry) => entry.rule_id === "R08")
    .map((entry) => entry.canonical_key)
    .sort();

/**
 * R09 exceptions also raised for assignments or hours after termination outlive deactivation;
 * R08 write-backs set names and currencies, never a missing link or the legal entity.
 */
function fixableByItsWrite(row: ExceptionRow | undefined): boolean {
  if (!row) return false;
  const details = (typeof row.details === "string" ? JSON.parse(row.details) : row.details) as {
    reasons?: string[];
    mismatched_fields?: string[];
  };
  if (row.rule_id === "R09")
    return (details.reasons ?? []).every((reason) => reason === "active_in_psa");
  if (row.rule_id === "R08")
    return (details.mismatched_fields ?? []).every((field) => ["name", "currency"].includes(field));
  return true;
}

const APPROVE = ["R01", "R02", "R08", "R09"];
const REJECT = ["R10"];

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
    // The sandbox's ground truth and pslink agree on R08 before the write-backs…
    expect(truthR08(sandbox.world.groundTruth())).toEqual(openR08(before));

    const planned = await planWritebacks({ warehouse: wh, config, actor: "e2e" });
    expect(planned.planId).not.toBeNull();
    const planId = planned.planId as string;
    const proposed = await loadItems(wh, { planId, statuses: ["proposed"] });
    const approved = proposed.filter((item) => APPROVE.includes(item.rule_id));
    const rejected = proposed.filter((item) => REJECT.includes(item.rule_id));
    const untouched = proposed.filter((item) => ![...APPROVE, ...REJECT].includes(item.rule_id));
    expect(approved.length).toBeGreaterThan(5);
    // R02's corrections are NetSuite time bill updates; those dated in a closed period are queued.
    expect(approved.filter((item) => item.rule_id === "R02").length).toBeGreaterThan(0);
    expect(rejected.length).toBeGreaterThan(0);
    expect(untouched.length).toBeGreaterThan(0);
    // As the steward reads it: a read value before the arrow, and for a Kantata custom field
    // value no group holds yet (none is landed) a before said to be unknown.
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
    // R08's Kantata write-backs: NetSuite's name into the client group's "ERP customer name"
    // custom field, for exceptions still open.
    const customValues = approved.filter((item) => item.object === "custom_field_values");
    expect(customValues.length).toBeGreaterThan(0);
    for (const item of customValues)
      expect(before.get(item.exception_id ?? "")?.status, item.item_key).toBe("open");
    // A currency change reads with the ERP customer's subsidiary and the account's country.
    const accounts = approved.filter((item) => item.object === "Account");
    expect(accounts.length).toBeGreaterThan(0);
    for (const item of accounts)
      expect(Object.keys(item.evidence)).toEqual(
        expect.arrayContaining(["erp_currency", "erp_subsidiary", "crm_billing_country"]),
      );
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

    // The sandbox saw one successful write per approved item (Salesforce's updates go as the
    // records of one composite call), and none for the others.
    const writes = sandbox.writes.entries().filter((entry) => entry.applied);
    const recordsOf = (body: unknown) => {
      const records = (body as { records?: unknown } | null)?.records;
      return Array.isArray(records) ? records.length : 1;
    };
    expect(writes.reduce((n, entry) => n + recordsOf(entry.body), 0)).toBe(approved.length);
    const written = writes.map((entry) => `${entry.path} ${JSON.stringify(entry.body)}`).join("\n");
    for (const item of [...rejected, ...untouched]) {
      if (item.target_id) expect(written).not.toContain(`/${item.target_id}`);
    }

    const values = [...customFieldValues(sandbox.world).scan()];
    for (const item of customValues) {
      const { subject_id, custom_field_id, value } = item.after;
      expect(
        values.filter((v) => v.subject_id === subject_id && v.custom_field_id === custom_field_id),
      ).toEqual([expect.objectContaining({ subject_type: "WorkspaceGroup", value })]);
    }

    // A sync's window ends a safety lag before it starts: let the writes fall inside it.
    await new Promise((resolve) => setTimeout(resolve, DEFAULT_SAFETY_LAG_MS + 1_100));
    // The scheduler's sync step: the sync, then the verify job over the applied write-backs.
    const resync = await createStepRunner({ config, warehouse: wh })(
      { kind: "sync", full_refresh: false },
      { runId: "e2e-resync", trigger: "e2e", signal: new AbortController().signal },
    );
    expect(resync.writebacks).toMatchObject({ verified: approved.length, unverified: 0 });
    const verified = await loadItems(wh, { planId, statuses: ["verified"] });
    expect(verified.map((item) => item.item_key)).toEqual(
      expect.arrayContaining(customValues.map((item) => item.item_key)),
    );
    await build(wh, vars);
    const after = await exceptions(wh);
    // The group's custom field now holds NetSuite's name: R08 is satisfied for Kantata.
    const fixed = customValues.filter((item) =>
      fixableByItsWrite(before.get(item.exception_id ?? "")),
    );
    expect(fixed.length).toBeGreaterThan(0);
    for (const item of fixed)
      expect(after.get(item.exception_id ?? "")?.status, item.item_key).toBe("resolved");
    // …and after them: the sandbox reads the group's ERP customer name field as pslink does.
    const truthAfter = truthR08(sandbox.world.groundTruth());
    for (const item of fixed)
      expect(truthAfter, item.item_key).not.toContain(
        after.get(item.exception_id ?? "")?.canonical_id,
      );
    expect(truthAfter).toEqual(openR08(after));

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
