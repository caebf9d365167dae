import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.js";
import { applyPlan } from "../../reverse-etl/apply-plan.js";
import { readAudit } from "../../reverse-etl/audit-log.js";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import type { SandboxRecord } from "../../sandbox/world/types.js";
import type { World } from "../../sandbox/world/world.js";
import { build } from "../models/model-harness.js";
import { type GovernedSandbox, governedSandbox, IN_WINDOW } from "./support/governed-sandbox.js";

/** Runs the CLI in this process and returns its exit code and output. */
async function pslink(...args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const capture = (chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  };
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(capture);
  try {
    process.exitCode = undefined;
    const code = await main(["node", "pslink", ...args]);
    return { code, out };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  }
}

/** The closed accounting period a time bill is dated in, if any. */
function closedPeriodOf(periods: SandboxRecord[], bill: SandboxRecord): SandboxRecord | undefined {
  const day = String(bill.trandate);
  return periods.find(
    (period) =>
      period.closed === "T" && String(period.startdate) <= day && day <= String(period.enddate),
  );
}

/**
 * A primary time bill of an approved entry that no planted case involves, dated as `dated`
 * wants: changing its hours makes a new R02 case.
 */
function untouchedPosting(
  world: World,
  dated: (bill: SandboxRecord) => boolean,
): SandboxRecord | undefined {
  const involved = world
    .groundTruth()
    .entries.map((entry) => JSON.stringify(entry.systems))
    .join(" ");
  return [...world.collection("netsuite", "timebill").scanByKey()].find(
    (bill) =>
      dated(bill) &&
      bill.externalid === `KOX-TE-${String(bill.custcol_kantata_time_entry)}` &&
      !involved.includes(`"${String(bill.id)}"`) &&
      !involved.includes(`"${String(bill.custcol_kantata_time_entry)}"`),
  );
}

const ALL_SOURCES = ["netsuite", "kantata", "salesforce", "workday"];
const R02_STATUS =
  "select exception_id, status from reconciliation.exceptions where rule_id = 'R02'";

describe.each(["duckdb", "postgres"] as const)("R02 time bill corrections on %s", (kind) => {
  let gs: GovernedSandbox;
  let vars: Record<string, unknown>;
  /** The time bill of the R02 case dated in a closed period. */
  let closedBill: string;

  beforeAll(async () => {
    gs = await governedSandbox(kind);
    const world = gs.sandbox.world;
    const timebills = world.collection("netsuite", "timebill");
    const periods = [...world.collection("netsuite", "accountingperiod").scanByKey()];
    const isClosed = (bill: SandboxRecord) => closedPeriodOf(periods, bill) !== undefined;
    const firstOpen = periods.find((period) => period.closed === "F");
    const cases = world.groundTruth().entries;
    const r02 = cases.filter((entry) => entry.rule_id === "R02");
    // Every planted R02 time bill re-dated into an open period, so that each variant (hours,
    // billable, project, worker) is written; then one more R02 in a closed period: a posted time
    // bill no case touches, its hours changed after the period closed.
    for (const entry of r02) {
      const bill = timebills.get(String(entry.systems.netsuite?.timebill));
      if (bill && isClosed(bill))
        timebills.upsert({ ...bill, trandate: firstOpen?.startdate }, Date.now());
    }
    const closed = untouchedPosting(world, (bill) => isClosed(bill));
    if (!closed || !firstOpen) throw new Error("test data: no closed-period posting to alter");
    timebills.upsert({ ...closed, hours: Number(closed.hours) + 1 }, Date.now());
    closedBill = String(closed.id);
    expect(
      world
        .groundTruth()
        .entries.filter((entry) => entry.rule_id === "R02")
        .map((entry) => String(entry.systems.netsuite?.timebill)),
    ).toContain(closedBill);
    await gs.sync(ALL_SOURCES);
    vars = { as_of_date: world.asOf };
    await build(gs.warehouse, vars);
  });
  afterAll(async () => {
    await gs?.close();
  });

  it("plans, approves, applies and verifies the corrections; a build resolves R02; closed periods are queued", async () => {
    const wh = gs.warehouse;
    const world = gs.sandbox.world;
    const timebills = world.collection("netsuite", "timebill");
    const periods = [...world.collection("netsuite", "accountingperiod").scanByKey()];
    const open = new Map(
      (await wh.query<{ exception_id: string; status: string }>(R02_STATUS)).map((row) => [
        row.exception_id,
        row.status,
      ]),
    );
    expect([...open.values()].every((status) => status === "open")).toBe(true);

    const plan = await planWritebacks({ warehouse: wh, config: gs.config, now: IN_WINDOW });
    const planId = plan.planId as string;
    const items = (await loadItems(wh, { planId })).filter((item) => item.rule_id === "R02");
    // Every open R02 exception has its correction planned; none is refused.
    expect(new Set(items.map((item) => item.exception_id))).toEqual(new Set(open.keys()));
    expect(items.filter((item) => item.status === "refused")).toEqual([]);
    const queued = items.filter((item) => item.status === "queued");
    const proposed = items.filter((item) => item.status === "proposed");
    // A time bill dated in a closed NetSuite period is never changed: the adjustment queue.
    expect(queued.map((item) => item.target_id).sort()).toEqual(
      items
        .filter((item) => closedPeriodOf(periods, timebills.get(item.target_id as string) ?? {}))
        .map((item) => item.target_id)
        .sort(),
    );
    expect(queued.map((item) => item.target_id)).toEqual([closedBill]);
    expect(proposed.length).toBe(items.length - 1);
    for (const item of queued) {
      expect(item.operation).toBe("adjustment_queue");
      expect(item.status_reason).toMatch(
        /^date \d{4}-\d\d-\d\d falls in closed period .+: routed to the adjustment queue, never posted$/,
      );
    }
    for (const item of proposed) {
      expect(item.operation).toBe("update");
      expect(item.object).toBe("timeBill");
      expect(Object.keys(item.before).sort()).toEqual(Object.keys(item.after).sort());
    }

    // A steward of project_execution approves them all; only the proposed ones are approvable.
    const decided = await decideItems({
      warehouse: wh,
      config: gs.config,
      planId,
      decision: "approve",
      steward: "fiona",
      reason: "posted time corrected to the approved Kantata entries",
      itemKeys: proposed.map((item) => item.item_key),
    });
    expect(decided).toHaveLength(proposed.length);
    const queuedBefore = queued.map((item) => ({ ...timebills.get(item.target_id as string) }));
    const journal = gs.sandbox.writes.entries().length;
    const result = await applyPlan({ warehouse: wh, config: gs.config, planId, now: IN_WINDOW });
    expect(result.applied).toBe(proposed.length);
    expect(result.failed + result.stale).toBe(0);

    // One PATCH per approved correction, none for the queued ones; the sandbox holds the values.
    const writes = gs.sandbox.writes.entries().slice(journal);
    expect(writes.every((write) => write.applied)).toBe(true);
    expect(writes.map((write) => `${write.method} ${write.path}`).sort()).toEqual(
      proposed.map((item) => `PATCH /services/rest/record/v1/timeBill/${item.target_id}`).sort(),
    );
    for (const item of proposed) {
      const bill = timebills.get(item.target_id as string) ?? {};
      const { hours, isBillable, customer, employee } = item.after as {
        hours?: number;
        isBillable?: boolean;
        customer?: { id: string };
        employee?: { id: string };
      };
      // Hours go out as a duration H:MM, so NetSuite holds them to the minute.
      if (hours !== undefined)
        expect(Math.round(Number(bill.hours) * 60)).toBe(Math.round(Number(hours) * 60));
      if (isBillable !== undefined) expect(bill.isbillable).toBe(isBillable ? "T" : "F");
      if (customer !== undefined) expect(bill.customer).toBe(customer.id);
      if (employee !== undefined) expect(bill.employee).toBe(employee.id);
    }
    expect(queued.map((item) => timebills.get(item.target_id as string))).toEqual(queuedBefore);
    const calls = await readAudit(wh, { planId, action: "call" });
    expect(calls.length).toBeGreaterThanOrEqual(proposed.length);

    // The next sync lands the corrections; `pslink plan verify` confirms them.
    await gs.sync(ALL_SOURCES);
    const verify = await pslink("plan", "verify", "--config", gs.configPath);
    expect(verify.code, verify.out).toBe(0);
    expect(verify.out).toContain(`verified ${proposed.length}, unverified 0, waiting for a sync 0`);
    const verified = await loadItems(wh, { planId, statuses: ["verified"] });
    expect(verified.map((item) => item.item_key).sort()).toEqual(
      proposed.map((item) => item.item_key).sort(),
    );

    // After a build the corrected time bills agree with Kantata; the queued ones stay open.
    await build(wh, vars);
    const after = new Map(
      (await wh.query<{ exception_id: string; status: string }>(R02_STATUS)).map((row) => [
        row.exception_id,
        row.status,
      ]),
    );
    for (const item of proposed)
      expect(after.get(item.exception_id as string), item.target_id ?? "").toBe("resolved");
    for (const item of queued) expect(after.get(item.exception_id as string)).toBe("open");
  });
  it("never overwrites a time bill changed after planning: the correction ends stale and is re-planned", async () => {
    const wh = gs.warehouse;
    const world = gs.sandbox.world;
    const timebills = world.collection("netsuite", "timebill");
    const periods = [...world.collection("netsuite", "accountingperiod").scanByKey()];
    const bill = untouchedPosting(world, (b) => closedPeriodOf(periods, b) === undefined);
    if (!bill) throw new Error("test data: no open-period posting to alter");
    const id = String(bill.id);
    const hours = Number(bill.hours);
    timebills.upsert({ ...bill, hours: hours + 0.5 }, Date.now());
    await gs.sync(ALL_SOURCES);
    await build(wh, vars);

    const plan = await planWritebacks({ warehouse: wh, config: gs.config, now: IN_WINDOW });
    const planId = plan.planId as string;
    const [item] = (await loadItems(wh, { planId })).filter((i) => i.target_id === id);
    expect(item).toMatchObject({ status: "proposed", operation: "update", after: { hours } });
    expect(Number(item?.before.hours)).toBe(hours + 0.5);
    await decideItems({
      warehouse: wh,
      config: gs.config,
      planId,
      decision: "approve",
      steward: "fiona",
      reason: "hours as approved in Kantata",
      itemKeys: [item?.item_key as string],
    });

    // Someone edits the time bill in NetSuite between plan and apply.
    timebills.upsert({ ...timebills.get(id), memo: "edited by a person" }, Date.now());
    const journal = gs.sandbox.writes.entries().length;
    const result = await applyPlan({ warehouse: wh, config: gs.config, planId, now: IN_WINDOW });
    expect(result).toMatchObject({ applied: 0, stale: 1 });
    expect(gs.sandbox.writes.entries().length).toBe(journal);
    const [stale] = await loadItems(wh, { planId, statuses: ["stale"] });
    expect(stale?.item_key).toBe(item?.item_key);
    expect(stale?.status_reason).toMatch(
      /^changed since planning \(lastmodifieddate: .+ → .+\): re-plan it$/,
    );
    expect(Number(timebills.get(id)?.hours)).toBe(hours + 0.5);

    // After a sync the next plan proposes the same change again, against the edited record.
    await gs.sync(ALL_SOURCES);
    const again = await planWritebacks({ warehouse: wh, config: gs.config, now: IN_WINDOW });
    const [replanned] = await loadItems(wh, { planId: again.planId as string });
    expect(replanned).toMatchObject({ item_key: item?.item_key, status: "proposed" });
  });
});
