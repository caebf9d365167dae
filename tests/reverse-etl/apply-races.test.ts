import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applyRunFailure } from "../../orchestration/events/apply-job-events.js";
import { applyPlan } from "../../reverse-etl/apply-plan.js";
import { readAudit } from "../../reverse-etl/audit-log.js";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { createWriter } from "../../reverse-etl/writers/create-writer.js";
import type { WriteRequest, Writer } from "../../reverse-etl/writers/writer-types.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { type GovernedSandbox, governedSandbox, IN_WINDOW } from "./support/governed-sandbox.js";
import {
  accountUpdate,
  insertProposals,
  type ProposalRow,
  userHeadline,
} from "./support/test-proposals.js";

/**
 * What happens while an apply runs: a steward's decision landing between its read of the items
 * and its writes, the window closing, a target refusing pslink's credentials.
 */
describe.each(["duckdb", "postgres"] as const)("apply while things change on %s", (kind) => {
  let gs: GovernedSandbox;
  /** The steward's own connection: another process on PostgreSQL (DuckDB has one per process). */
  let steward: Warehouse;

  beforeAll(async () => {
    gs = await governedSandbox(kind);
    await gs.sync();
    steward =
      kind === "postgres"
        ? await openWarehouse(gs.config.warehouse, gs.config.baseDir)
        : gs.warehouse;
  });
  afterAll(async () => {
    if (steward !== gs?.warehouse) await steward?.close();
    await gs?.close();
  });
  beforeEach(async () => {
    await gs.warehouse.execute("drop schema if exists proposals cascade");
    gs.sandbox.faults.clear();
  });

  /** Plans the rows and approves them all as harry; returns the plan and its items by user. */
  const approved = async (rows: ProposalRow[]) => {
    await insertProposals(gs.warehouse, "test_races", rows);
    const planned = await planWritebacks({
      warehouse: gs.warehouse,
      config: gs.config,
      now: IN_WINDOW,
    });
    const planId = planned.planId as string;
    await decideItems({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      decision: "approve",
      steward: "harry",
      reason: "checked against Workday",
    });
    const items = await loadItems(gs.warehouse, { planId });
    return { planId, byUser: new Map(items.map((item) => [item.target_id, item])) };
  };

  /** Plans the rows inserted; harry approves the Kantata users (R10), fiona the accounts (R08). */
  const approvedByRule = async (config: GovernedSandbox["config"]) => {
    const planned = await planWritebacks({ warehouse: gs.warehouse, config, now: IN_WINDOW });
    const planId = planned.planId as string;
    for (const [steward, rule] of [
      ["harry", "R10"],
      ["fiona", "R08"],
    ] as const) {
      await decideItems({
        warehouse: gs.warehouse,
        config,
        planId,
        decision: "approve",
        steward,
        reason: "checked",
        rules: [rule],
      });
    }
    return planId;
  };

  /** The real Kantata writer, running `before` ahead of each write it sends. */
  const kantataWriter = (before: (request: WriteRequest) => Promise<void>): Writer => {
    const real = createWriter("kantata", gs.config);
    return {
      ...real,
      read: (object, id) => real.read(object, id),
      findByExternalId: (object, id) => real.findByExternalId(object, id),
      attempt: async (request) => {
        await before(request);
        return real.attempt(request);
      },
    };
  };

  it("never writes an item a steward rejects while the apply is writing another", async () => {
    const { planId, byUser } = await approved([
      userHeadline("race", "300003", "Race first"),
      userHeadline("race", "300004", "Race second"),
    ]);
    const [first, second] = [...byUser.values()];
    let refusedInFlight: unknown;
    const writer = kantataWriter(async (request) => {
      if (request.itemKey !== first?.item_key) return;
      // The apply read both items approved; harry now rejects the second from his own session,
      // and cannot reject the first: it is in flight.
      await decideItems({
        warehouse: steward,
        config: gs.config,
        planId,
        decision: "reject",
        steward: "harry",
        reason: "Workday corrected the record",
        itemKeys: [second?.item_key as string],
      });
      refusedInFlight = await decideItems({
        warehouse: steward,
        config: gs.config,
        planId,
        decision: "reject",
        steward: "harry",
        reason: "too late",
        itemKeys: [first?.item_key as string],
      }).catch((error: unknown) => error);
    });
    const result = await applyPlan({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      now: IN_WINDOW,
      writers: { kantata: writer },
    });
    expect(result).toMatchObject({ applied: 1, withdrawn: 1 });
    expect(String(refusedInFlight)).toMatch(/\(in_flight\)/);
    const items = new Map(
      (await loadItems(gs.warehouse, { planId })).map((item) => [item.item_key, item]),
    );
    expect(items.get(first?.item_key as string)?.status).toBe("applied");
    expect(items.get(second?.item_key as string)?.status).toBe("rejected");
    const secondUser = second?.target_id as string;
    expect(gs.sandbox.writes.entries({ system: "kantata", path: `/users/${secondUser}` })).toEqual(
      [],
    );
    expect(gs.sandbox.world.collection("kantata", "users").get(secondUser)?.headline).not.toBe(
      "Race second",
    );
    expect(
      await readAudit(gs.warehouse, { itemKey: second?.item_key, action: "write_ahead" }),
    ).toEqual([]);
  });

  it("stops writing when the window closes during the apply: the rest wait, audited and reported", async () => {
    const { planId } = await approved([
      userHeadline("race", "300005", "Before the close"),
      userHeadline("race", "300006", "After the close"),
      userHeadline("race", "300007", "After the close"),
    ]);
    // One minute before the nightly window (22:00–04:00 UTC) closes; the first write takes
    // the clock past its end, as a long backoff would.
    let time = new Date("2026-11-23T03:59:00Z");
    const real = createWriter("kantata", gs.config);
    const writer: Writer = {
      ...kantataWriter(async () => undefined),
      attempt: async (request) => {
        const outcome = await real.attempt(request);
        time = new Date("2026-11-23T04:00:30Z");
        return outcome;
      },
    };
    const journal = gs.sandbox.writes.entries().length;
    const result = await applyPlan({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      clock: () => time,
      writers: { kantata: writer },
    });
    expect(result).toMatchObject({ applied: 1, waiting: 2 });
    expect(result.targets.kantata?.error).toMatch(
      /^kantata's window closed while the apply ran, so 2 approved item\(s\) wait for the next one: window closed \("0 22 \* \* \*" UTC for 6h\); next opens 2026-11-23T22:00:00\.000Z$/,
    );
    const statuses = (await loadItems(gs.warehouse, { planId })).map((item) => item.status);
    expect(statuses.sort()).toEqual(["applied", "approved", "approved"]);
    expect(gs.sandbox.writes.entries().slice(journal)).toHaveLength(1);
    const [closed] = await readAudit(gs.warehouse, { planId, action: "window_closed" });
    expect(closed?.at).toEqual(new Date("2026-11-23T04:00:30Z"));
    expect(closed?.detail).toBe(result.targets.kantata?.error);
    const [checked] = await readAudit(gs.warehouse, { planId, action: "window_checked" });
    expect(checked?.at).toEqual(new Date("2026-11-23T03:59:00Z"));
  });

  it("stamps each target's window check when it is made, after the writes to the target before", async () => {
    const allDay = { start: "0 0 * * *", duration: 86_400_000, timezone: "UTC" };
    const config = {
      ...gs.config,
      governance: {
        ...gs.config.governance,
        windows: { netsuite: allDay, kantata: allDay, salesforce: allDay },
      },
    };
    const [account] = await gs.warehouse.query<{ id: string }>(
      "select id from src_salesforce.account order by id limit 1",
    );
    await insertProposals(gs.warehouse, "test_races", [
      userHeadline("race", "300008", "Stamped"),
      accountUpdate("race:account", account?.id as string, { BillingCountry: "Faroe Islands" }),
    ]);
    const planId = await approvedByRule(config);
    // The real clock: kantata's items are written before salesforce's window is checked.
    const result = await applyPlan({ warehouse: gs.warehouse, config, planId });
    expect(result.applied).toBe(2);
    const kantataDone = (
      await readAudit(gs.warehouse, { planId, system: "kantata", action: "applied" })
    )[0]?.at;
    const [salesforceChecked] = await readAudit(gs.warehouse, {
      planId,
      system: "salesforce",
      action: "window_checked",
    });
    expect(kantataDone).toBeDefined();
    expect(salesforceChecked?.at.getTime()).toBeGreaterThanOrEqual(kantataDone?.getTime() ?? 0);
  });

  it("audits a target whose credentials are refused, and writes the other targets", async () => {
    const [account] = await gs.warehouse.query<{ id: string }>(
      "select id from src_salesforce.account order by id limit 1 offset 1",
    );
    await insertProposals(gs.warehouse, "test_races", [
      userHeadline("race", "300009", "Other targets go ahead"),
      accountUpdate("race:refused-account", account?.id as string, { BillingCountry: "Greenland" }),
    ]);
    const planId = await approvedByRule(gs.config);
    // Kantata, written before Salesforce, answers 401 whatever token pslink sends: a revoked
    // token. Salesforce, after it, is written all the same.
    gs.sandbox.faults.add({ system: "kantata", kind: "expired_token", times: 1000 });
    const result = await applyPlan({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      now: IN_WINDOW,
    });
    expect(result).toMatchObject({ applied: 1, waiting: 1 });
    expect(result.targets.salesforce?.ends.applied).toBe(1);
    expect(result.targets.kantata?.error).toMatch(
      /^kantata could not be written, so 1 approved item\(s\) wait for a later apply: /,
    );
    // Under Dagster and the scheduler the run fails, as `pslink apply` exits 1.
    expect(applyRunFailure(result)?.message).toMatch(
      /^1 target\(s\) not written in full:\nkantata: 0 failed \(kantata could not be written/,
    );
    const [failed] = await readAudit(gs.warehouse, { planId, action: "target_failed" });
    expect(failed).toMatchObject({
      system: "kantata",
      detail: result.targets.kantata?.error,
    });
    const statuses = new Map(
      (await loadItems(gs.warehouse, { planId })).map((item) => [item.target_system, item.status]),
    );
    expect(statuses).toEqual(
      new Map([
        ["kantata", "approved"],
        ["salesforce", "applied"],
      ]),
    );
  });
});
