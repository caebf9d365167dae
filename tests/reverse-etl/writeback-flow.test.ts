import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan } from "../../reverse-etl/apply-plan.js";
import { readAudit } from "../../reverse-etl/audit-log.js";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { verifyApplied } from "../../reverse-etl/verify-applied.js";
import { type GovernedSandbox, governedSandbox, IN_WINDOW } from "./support/governed-sandbox.js";
import {
  accountNameProposals,
  costRateProposals,
  deactivationProposals,
  insertProposals,
  missingJobProposals,
  timeBillProposals,
} from "./support/test-proposals.js";

describe.each(["duckdb", "postgres"] as const)("governed write-back on %s", (kind) => {
  let gs: GovernedSandbox;

  beforeAll(async () => {
    gs = await governedSandbox(kind);
    await gs.sync();
  });
  afterAll(async () => {
    await gs?.close();
  });

  it("plans, applies exactly the approved items, and verifies them after the next sync", async () => {
    const wh = gs.warehouse;
    const timeBills = await timeBillProposals(gs, "R01");
    const closedPeriod = await timeBillProposals(gs, "R15");
    const deactivations = deactivationProposals(gs);
    const costRates = costRateProposals(gs);
    const accounts = accountNameProposals(gs);
    const jobs = await missingJobProposals(gs);
    expect(timeBills.length).toBeGreaterThan(0);
    expect(deactivations.length).toBeGreaterThan(0);
    expect(accounts.length).toBeGreaterThan(0);
    expect(jobs.length).toBeGreaterThan(0);
    await insertProposals(wh, "test_time", [...timeBills, ...closedPeriod]);
    await insertProposals(wh, "test_workers", [...deactivations, ...costRates]);
    await insertProposals(wh, "test_customers", accounts);
    await insertProposals(wh, "test_projects", jobs);

    const plan = await planWritebacks({ warehouse: wh, config: gs.config, now: IN_WINDOW });
    expect(plan.planId).not.toBeNull();
    expect(plan.status).toBe("open");
    const planId = plan.planId as string;
    const items = await loadItems(wh, { planId });
    const byRule = (rule: string) => items.filter((item) => item.rule_id === rule);
    // Time in a closed period is routed to the adjustment queue, never posted.
    expect(byRule("R15").map((item) => [item.operation, item.status])).toEqual(
      closedPeriod.map(() => ["adjustment_queue", "queued"]),
    );
    expect(
      byRule("R01").every((item) => item.status === "proposed" && item.operation === "create"),
    ).toBe(true);
    // Workers Kantata already shows disabled need no change, so they get no item.
    expect(byRule("R09").length).toBeGreaterThan(0);
    const deactivation = byRule("R09")[0];
    expect(deactivation?.before).toEqual({ disabled: false });
    expect(deactivation?.after).toEqual({ disabled: true });

    // A second plan run finds every change already planned.
    const again = await planWritebacks({ warehouse: wh, config: gs.config, now: IN_WINDOW });
    expect(again.planId).toBeNull();
    expect(again.alreadyPlanned).toBe(items.length);

    const keys = (rule: string) => byRule(rule).map((item) => item.item_key);
    await decideItems({
      warehouse: wh,
      config: gs.config,
      planId,
      decision: "approve",
      steward: "fiona",
      reason: "time and names checked",
      itemKeys: [...keys("R01"), ...keys("R08")],
    });
    await decideItems({
      warehouse: wh,
      config: gs.config,
      planId,
      decision: "approve",
      steward: "harry",
      reason: "terminations confirmed",
      itemKeys: keys("R09"),
    });
    await decideItems({
      warehouse: wh,
      config: gs.config,
      planId,
      decision: "reject",
      steward: "harry",
      reason: "rates under review",
      itemKeys: keys("R10"),
    });

    const users = gs.sandbox.world.collection("kantata", "users");
    const ratesBefore = costRates.map((p) => ({ ...users.get(p.target_id as string) }));
    const journalStart = gs.sandbox.writes.entries().length;
    const result = await applyPlan({ warehouse: wh, config: gs.config, now: IN_WINDOW });
    const approved = keys("R01").length + keys("R08").length + keys("R09").length;
    expect(result.applied).toBe(approved);
    expect(result.failed + result.stale).toBe(0);

    const after = await loadItems(wh, { planId });
    const status = (rule: string) =>
      after.filter((item) => item.rule_id === rule).map((item) => item.status);
    expect(new Set(status("R01"))).toEqual(new Set(["applied"]));
    expect(new Set(status("R10"))).toEqual(new Set(["rejected"]));
    expect(new Set(status("R05"))).toEqual(new Set(["proposed"]));

    // The sandbox's own state holds exactly the approved changes.
    const timebills = [...gs.sandbox.world.collection("netsuite", "timebill").scanByKey()];
    for (const proposal of timeBills) {
      expect(
        timebills.filter((bill) => bill.externalid === proposal.fields.externalId),
      ).toHaveLength(1);
    }
    for (const proposal of closedPeriod) {
      expect(timebills.some((bill) => bill.externalid === proposal.fields.externalId)).toBe(false);
    }
    for (const proposal of deactivations)
      expect(users.get(proposal.target_id as string)?.disabled).toBe(true);
    expect(costRates.map((p) => users.get(p.target_id as string))).toEqual(ratesBefore);
    const accountsNow = gs.sandbox.world.collection("salesforce", "Account");
    for (const proposal of accounts)
      expect(accountsNow.get(proposal.target_id as string)?.Name).toBe(proposal.fields.Name);
    const jobExternalIds = [...gs.sandbox.world.collection("netsuite", "job").scanByKey()].map(
      (job) => job.externalid,
    );
    for (const proposal of jobs) expect(jobExternalIds).not.toContain(proposal.fields.externalId);

    // Nothing else was written, nothing twice; the audit log accounts for every write.
    const writes = gs.sandbox.writes.entries().slice(journalStart);
    const paths = writes.map((write) => `${write.method} ${write.path}`);
    expect(paths.filter((path) => path.endsWith("/record/v1/timeBill"))).toHaveLength(
      timeBills.length,
    );
    expect(paths.filter((path) => path.includes("/users/")).sort()).toEqual(
      byRule("R09")
        .map((item) => `PUT /api/v1/users/${item.target_id}.json`)
        .sort(),
    );
    expect(paths.filter((path) => path.includes("/job")).length).toBe(0);
    expect(writes.every((write) => write.applied)).toBe(true);
    const calls = (await readAudit(wh, { action: "call" })).map(
      (call) => `${String(call.request?.method)} ${String(call.request?.path)}`,
    );
    for (const path of new Set(paths)) {
      const written = paths.filter((p) => p === path).length;
      const audited = calls.filter((c) => c === path).length;
      expect(audited, path).toBeGreaterThanOrEqual(written);
    }
    const approvals = await readAudit(wh, { planId, action: "approved" });
    expect(approvals).toHaveLength(approved);
    expect(approvals.find((entry) => entry.actor === "harry")?.detail).toBe(
      "terminations confirmed",
    );

    await gs.sync();
    const verified = await verifyApplied({ warehouse: wh });
    expect(verified).toEqual({ verified: approved, unverified: 0, pending: 0 });
    const final = await loadItems(wh, { planId, statuses: ["verified"] });
    expect(final).toHaveLength(approved);

    // The next plan sees the targets hold the values: only the undecided and rejected changes remain.
    const next = await planWritebacks({ warehouse: wh, config: gs.config, now: IN_WINDOW });
    expect(next.planId).toBeNull();
    expect(next.unchanged).toBe(plan.unchanged + approved);
  });
});
