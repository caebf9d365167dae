import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applyPlan } from "../../reverse-etl/apply-plan.js";
import { readAudit } from "../../reverse-etl/audit-log.js";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { verifyApplied } from "../../reverse-etl/verify-applied.js";
import type { SandboxRecord } from "../../sandbox/world/types.js";
import { type GovernedSandbox, governedSandbox, IN_WINDOW } from "./support/governed-sandbox.js";
import {
  insertProposals,
  type ProposalRow,
  timeBillCreate,
  timeBillHoursUpdate,
} from "./support/test-proposals.js";

interface JournalEntry {
  method: string;
  path: string;
  body: unknown;
  applied: boolean;
}

describe.each(["duckdb", "postgres"] as const)(
  "the closed-period guard at apply time on %s",
  (kind) => {
    let gs: GovernedSandbox;
    let employee: string;
    let job: string;
    /** Periods a test closed in the sandbox, reopened after it. */
    const closedByTest: SandboxRecord[] = [];

    beforeAll(async () => {
      gs = await governedSandbox(kind);
      await gs.sync();
      const [e] = await gs.warehouse.query<{ id: string }>(
        "select id from src_netsuite.employee order by id limit 1",
      );
      const [j] = await gs.warehouse.query<{ id: string }>(
        "select id from src_netsuite.job order by id limit 1",
      );
      employee = String(e?.id);
      job = String(j?.id);
    });
    afterAll(async () => {
      await gs?.close();
    });
    beforeEach(async () => {
      await gs.warehouse.execute("drop schema if exists proposals cascade");
      gs.sandbox.faults.clear();
    });
    afterEach(() => {
      const periods = gs.sandbox.world.collection("netsuite", "accountingperiod");
      for (const period of closedByTest.splice(0))
        periods.upsert({ ...period, closed: "F" }, Date.now());
    });

    /** The sandbox's open accounting period named so (`Sep 2026`: the world's first open one). */
    const openPeriod = (name: string): SandboxRecord => {
      const periods = gs.sandbox.world.collection("netsuite", "accountingperiod");
      const period = [...periods.scanByKey()].find((p) => p.periodname === name);
      if (period?.closed !== "F") throw new Error(`test data: no open period ${name}`);
      return period;
    };

    /** Closes a period in NetSuite (the sandbox's world), as an accountant would. */
    const closeInNetsuite = (period: SandboxRecord) => {
      closedByTest.push(period);
      gs.sandbox.world
        .collection("netsuite", "accountingperiod")
        .upsert({ ...period, closed: "T" }, Date.now());
    };

    /** What the sandbox's admin API says: its write journal, and the requests it served. */
    const admin = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${gs.sandbox.urls.netsuite}/__sandbox/${path}`);
      expect(response.status).toBe(200);
      return (await response.json()) as T;
    };
    const netsuiteWrites = async () =>
      (await admin<{ writes: JournalEntry[] }>("writes?system=netsuite")).writes;
    const periodReads = async () =>
      (await admin<{ total: number }>("requests?system=netsuite&path=/query/v1/suiteql")).total;

    const createBill = (key: string, tranDate: string, hours: number): ProposalRow =>
      timeBillCreate(
        { key: `period-test:${key}`, rule: "R01", exception: null },
        {
          externalId: `PERIOD-TEST-${key}-${kind}`,
          employee: { id: employee },
          customer: { id: job },
          hours,
          tranDate,
          isBillable: true,
          memo: `closed-period test ${key}`,
        },
      );

    /** An R02-like correction of a landed time bill's hours: it sends no date. */
    const correctHours = (bill: { id: string }, hours: number): ProposalRow =>
      timeBillHoursUpdate({ key: `period-test:hours:${bill.id}`, exception: null }, bill.id, hours);

    /** A landed time bill dated in the period (the first by id, skipping `skip`). */
    const landedBillIn = async (period: SandboxRecord, skip: string[] = []) => {
      const rows = await gs.warehouse.query<{ id: string; hours: number; trandate: unknown }>(
        `select id, hours, trandate from src_netsuite.timebill
       where trandate >= date '${String(period.startdate)}' and trandate <= date '${String(period.enddate)}'
       order by id`,
      );
      const bill = rows.find((row) => !skip.includes(String(row.id)));
      if (!bill) throw new Error(`test data: no time bill in ${String(period.periodname)}`);
      return { ...bill, id: String(bill.id) };
    };

    /** Plans the rows and approves every item as fiona; returns the plan and its items. */
    const planAndApprove = async (rows: ProposalRow[]) => {
      await insertProposals(gs.warehouse, "test_period", rows);
      const plan = await planWritebacks({
        warehouse: gs.warehouse,
        config: gs.config,
        now: IN_WINDOW,
      });
      const planId = plan.planId as string;
      const items = await loadItems(gs.warehouse, { planId });
      expect(items.map((item) => item.status)).toEqual(rows.map(() => "proposed"));
      await decideItems({
        warehouse: gs.warehouse,
        config: gs.config,
        planId,
        decision: "approve",
        steward: "fiona",
        reason: "posted time as approved in Kantata",
      });
      return { planId, items };
    };

    const apply = (planId: string) =>
      applyPlan({ warehouse: gs.warehouse, config: gs.config, planId, now: IN_WINDOW });

    it("queues an approved create and update whose period closed after planning: no call, audited, not queued again", async () => {
      const period = openPeriod("Sep 2026");
      const landed = await landedBillIn(period);
      const rows = [
        createBill("sep", "2026-09-15", 7.5),
        correctHours(landed, Number(landed.hours) + 1),
      ];
      const { planId, items } = await planAndApprove(rows);

      // An accountant closes September in NetSuite; pslink's warehouse still has it open.
      closeInNetsuite(period);
      const journal = (await netsuiteWrites()).length;
      const readsBefore = await periodReads();
      const result = await apply(planId);
      expect(result).toMatchObject({ applied: 0, failed: 0, stale: 0, queued: 2, waiting: 0 });
      expect(result.targets.netsuite?.ends).toEqual({ queued: 2 });
      // The periods were read once for the run, not once per item.
      expect((await periodReads()) - readsBefore).toBe(1);
      // Nothing reached NetSuite.
      expect((await netsuiteWrites()).slice(journal)).toEqual([]);
      expect(gs.sandbox.world.collection("netsuite", "timebill").get(landed.id)?.hours).toBe(
        landed.hours,
      );

      const after = await loadItems(gs.warehouse, { planId });
      const landedDay = new Date(landed.trandate as string | Date).toISOString().slice(0, 10);
      const reasonFor = (day: string) =>
        `date ${day} falls in period Sep 2026, which netsuite closed after planning: routed to the adjustment queue, not posted`;
      const expected = new Map([
        [items.find((item) => item.operation === "create")?.item_key, reasonFor("2026-09-15")],
        [items.find((item) => item.operation === "update")?.item_key, reasonFor(landedDay)],
      ]);
      for (const item of after) {
        expect(item.status).toBe("queued");
        expect(item.status_reason).toBe(expected.get(item.item_key));
        // The steward's view of the change is kept for the manual adjustment.
        expect(["create", "update"]).toContain(item.operation);
        expect(item.attempts).toBe(0);
      }
      const queued = await readAudit(gs.warehouse, { planId, action: "guard_queued" });
      expect(new Map(queued.map((entry) => [entry.item_key, entry.detail]))).toEqual(expected);
      expect(await readAudit(gs.warehouse, { planId, action: "write_ahead" })).toEqual([]);
      expect(await readAudit(gs.warehouse, { planId, action: "call" })).toEqual([]);

      // Once a sync lands the closed period, the same proposals are in the queue already.
      await gs.sync();
      const again = await planWritebacks({
        warehouse: gs.warehouse,
        config: gs.config,
        now: IN_WINDOW,
      });
      expect(again).toMatchObject({ planId: null, alreadyPlanned: 2 });
    });

    it("posts when the period stays open: hours go out as H:MM, are read back and verified", async () => {
      const period = openPeriod("Nov 2026");
      const landed = await landedBillIn(period);
      // Decimal hours as the proposal models write them (4 places): 7:22 and the bill's hours + 1:07.
      const corrected = Math.round((Number(landed.hours) + 67 / 60) * 10_000) / 10_000;
      const rows = [createBill("nov", "2026-11-02", 7.3667), correctHours(landed, corrected)];
      const { planId } = await planAndApprove(rows);
      const journal = (await netsuiteWrites()).length;
      const result = await apply(planId);
      expect(result).toMatchObject({ applied: 2, failed: 0, stale: 0, queued: 0, waiting: 0 });

      // Items go out in the order they load: the create's POST and the correction's PATCH.
      const sent = (await netsuiteWrites())
        .slice(journal)
        .sort((a, b) => b.method.localeCompare(a.method));
      const minutes = Math.round(Number(landed.hours) * 60) + 67;
      const duration = `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
      expect(sent.map((entry) => [entry.method, entry.path, entry.applied])).toEqual([
        ["POST", "/services/rest/record/v1/timeBill", true],
        ["PATCH", `/services/rest/record/v1/timeBill/${landed.id}`, true],
      ]);
      expect(sent[0]?.body).toMatchObject({ hours: "7:22", tranDate: "2026-11-02" });
      expect(sent[1]?.body).toEqual({ hours: duration });
      const bills = gs.sandbox.world.collection("netsuite", "timebill");
      expect(bills.get(landed.id)?.hours).toBe(minutes / 60);
      // The audit log has the call as sent.
      const calls = await readAudit(gs.warehouse, { planId, action: "call" });
      const hoursSent = calls.map(
        (call) => (call.request?.body as { hours?: unknown } | null)?.hours,
      );
      expect(hoursSent.sort()).toEqual(["7:22", duration].sort());

      // SuiteQL lands decimal hours; both writes verify against the decimals proposed.
      await gs.sync();
      expect(await verifyApplied({ warehouse: gs.warehouse })).toMatchObject({
        verified: 2,
        unverified: 0,
      });
      // And the same proposals are satisfied now: nothing to plan.
      const again = await planWritebacks({
        warehouse: gs.warehouse,
        config: gs.config,
        now: IN_WINDOW,
      });
      expect(again).toMatchObject({ planId: null, unchanged: 2 });
    });

    it("defers the item when the periods cannot be read, and posts it once they can", async () => {
      const rows = [createBill("oct", "2026-10-05", 2.25)];
      const { planId } = await planAndApprove(rows);
      const attempts = gs.config.governance.rate_limits.netsuite.max_attempts;
      gs.sandbox.faults.add({
        system: "netsuite",
        path: "/query/v1/suiteql",
        kind: "http_503",
        times: attempts,
      });
      const journal = (await netsuiteWrites()).length;
      const result = await apply(planId);
      expect(result).toMatchObject({ applied: 0, queued: 0, waiting: 1 });
      expect(result.targets.netsuite?.error).toMatch(
        /^netsuite is not taking calls for now, so 1 approved item\(s\) wait for a later apply: netsuite POST .*suiteql.* still failing after \d+ attempts/,
      );
      expect((await netsuiteWrites()).slice(journal)).toEqual([]);
      const [waiting] = await loadItems(gs.warehouse, { planId });
      expect(waiting?.status).toBe("approved");
      expect(waiting?.status_reason).toMatch(/suiteql.* still failing after \d+ attempts/);
      expect(await readAudit(gs.warehouse, { planId, action: "write_ahead" })).toEqual([]);
      expect((await readAudit(gs.warehouse, { planId, action: "deferred" })).length).toBe(2);

      const recovered = await apply(planId);
      expect(recovered).toMatchObject({ applied: 1, queued: 0, waiting: 0 });
      expect((await netsuiteWrites()).slice(journal).map((entry) => entry.body)).toEqual([
        expect.objectContaining({ hours: "2:15", tranDate: "2026-10-05" }),
      ]);
    });
  },
);
