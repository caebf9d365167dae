import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan } from "../../reverse-etl/apply-plan.js";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { createWriter } from "../../reverse-etl/writers/create-writer.js";
import type { Writer } from "../../reverse-etl/writers/writer-types.js";
import { type GovernedSandbox, governedSandbox, IN_WINDOW } from "./support/governed-sandbox.js";
import { costRateProposals, insertProposals } from "./support/test-proposals.js";

/**
 * The apply's lock is a PostgreSQL session lock: when its connection ends (a restart), another
 * apply could take it and write the same items. The apply makes no call from then on, and the
 * items left stay approved for the next apply.
 */
describe("an apply on PostgreSQL whose lock connection is cut", () => {
  let gs: GovernedSandbox;
  beforeAll(async () => {
    gs = await governedSandbox("postgres");
    await gs.sync();
  });
  afterAll(async () => {
    await gs?.close();
  });

  it("writes no further item, leaves the rest approved, and the next apply writes them", async () => {
    const wh = gs.warehouse;
    const proposals = costRateProposals(gs);
    expect(proposals.length).toBeGreaterThan(2);
    await insertProposals(wh, "test_workers", proposals);
    const plan = await planWritebacks({ warehouse: wh, config: gs.config, now: IN_WINDOW });
    const planId = plan.planId as string;
    await decideItems({
      warehouse: wh,
      config: gs.config,
      planId,
      decision: "approve",
      steward: "harry",
      reason: "rates from Workday",
    });
    const approved = (await loadItems(wh, { planId })).filter((i) => i.status === "approved");
    expect(approved.length).toBe(proposals.length);

    const url = new URL(
      String(gs.config.warehouse.kind === "postgres" && gs.config.warehouse.url?.reveal()),
    );
    const admin = new pg.Client({ connectionString: url.toString() });
    admin.on("error", () => undefined);
    await admin.connect();
    const kantata = createWriter("kantata", gs.config);
    let calls = 0;
    // After the first call the apply lock's session ends; the lock client hears it at once.
    const cutAfterFirst: Writer = {
      ...kantata,
      async attempt(request) {
        const outcome = await kantata.attempt(request);
        calls += 1;
        if (calls === 1) {
          await admin.query(
            `select pg_terminate_backend(pid) from pg_stat_activity
             where datname = $1 and application_name like 'pslink-lock %'`,
            [url.pathname.slice(1)],
          );
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        return outcome;
      },
    };
    const first = await applyPlan({
      warehouse: wh,
      config: gs.config,
      planId,
      now: IN_WINDOW,
      writers: { kantata: cutAfterFirst },
    });
    await admin.end();
    expect(calls).toBe(1);
    expect(first.applied).toBe(1);
    expect(first.waiting).toBe(approved.length - 1);
    expect(first.targets.kantata?.error).toMatch(
      new RegExp(
        `^the apply stopped: the reverse-etl-apply lock's connection to PostgreSQL was lost \\(terminating connection due to administrator command\\), and the lock with it; ${approved.length - 1} approved item\\(s\\) wait for a later apply$`,
      ),
    );
    const after = await loadItems(wh, { planId });
    expect(after.filter((i) => i.status === "approved").length).toBe(approved.length - 1);

    const second = await applyPlan({ warehouse: wh, config: gs.config, planId, now: IN_WINDOW });
    expect(second.applied).toBe(approved.length - 1);
    expect(second.waiting).toBe(0);
    expect((await loadItems(wh, { planId })).filter((i) => i.status === "approved")).toEqual([]);
  });
});
