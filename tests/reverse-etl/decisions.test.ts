import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.js";
import { readAudit } from "../../reverse-etl/audit-log.js";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { type GovernedSandbox, governedSandbox, IN_WINDOW } from "./support/governed-sandbox.js";
import { insertProposals, userHeadline } from "./support/test-proposals.js";

/** What a steward's decision covers: which items a reject takes, what a confirmation releases. */
describe.each(["duckdb", "postgres"] as const)("steward decisions on %s", (kind) => {
  let gs: GovernedSandbox;

  beforeAll(async () => {
    gs = await governedSandbox(kind);
    await gs.sync();
  });
  afterAll(async () => {
    await gs?.close();
  });
  beforeEach(async () => {
    await gs.warehouse.execute("drop schema if exists proposals cascade");
  });

  const decide = (
    planId: string,
    decision: "approve" | "reject",
    more: Partial<Parameters<typeof decideItems>[0]> = {},
  ) =>
    decideItems({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      decision,
      steward: "harry",
      reason: "reviewed",
      ...more,
    });

  it("rejects only undecided items unless an approved one is named with --item", async () => {
    await insertProposals(gs.warehouse, "test_decisions", [
      userHeadline("decide", "300003", "Keep approved"),
      userHeadline("decide", "300004", "Undecided"),
    ]);
    const planned = await planWritebacks({
      warehouse: gs.warehouse,
      config: gs.config,
      now: IN_WINDOW,
    });
    const planId = planned.planId as string;
    const [first, second] = await loadItems(gs.warehouse, { planId });
    await decide(planId, "approve", { itemKeys: [first?.item_key as string] });

    const rejected = await decide(planId, "reject");
    expect(rejected.map((item) => item.item_key)).toEqual([second?.item_key]);
    const status = async () =>
      new Map((await loadItems(gs.warehouse, { planId })).map((i) => [i.item_key, i.status]));
    expect((await status()).get(first?.item_key as string)).toBe("approved");

    // Named, the approval is taken back.
    await decide(planId, "reject", { itemKeys: [first?.item_key as string] });
    expect((await status()).get(first?.item_key as string)).toBe("rejected");
  });

  it("confirms the blast radius only for the held objects whose items the approval takes", async () => {
    // wanda decides both the held object's domain (worker) and the other item's.
    const stewards = [
      ...gs.config.governance.stewards,
      { name: "wanda", domains: ["worker", "customer_master"] as const },
    ];
    const config = {
      ...gs.config,
      governance: { ...gs.config.governance, blast_radius: 0.2, stewards },
    } as typeof gs.config;
    const users = await gs.warehouse.query<{ id: string }>(
      "select id from src_kantata.users order by id limit 5",
    );
    const [account] = await gs.warehouse.query<{ id: string }>(
      "select id from src_salesforce.account order by id limit 1 offset 2",
    );
    await insertProposals(gs.warehouse, "test_decisions", [
      ...users.map((user) => userHeadline("decide", user.id, "Blast radius")),
      {
        ...userHeadline("decide", "0", "x"),
        proposal_key: "decide:account",
        rule_id: "R08",
        domain: "customer_master",
        source_system: "netsuite",
        target_system: "salesforce",
        object: "Account",
        target_id: account?.id as string,
        fields: { BillingCountry: "Åland" },
      },
    ]);
    const planned = await planWritebacks({ warehouse: gs.warehouse, config, now: IN_WINDOW });
    expect(planned.status).toBe("held");
    const planId = planned.planId as string;
    const approve = (steward: string, rule: string, confirm: boolean) =>
      decideItems({
        warehouse: gs.warehouse,
        config,
        planId,
        decision: "approve",
        steward,
        reason: "reviewed",
        rules: [rule],
        confirmBlastRadius: confirm,
      });

    // The Account item is on no held object: its approval confirms nothing.
    await expect(approve("wanda", "R08", true)).rejects.toThrow(
      /these items are on none of its held objects \(kantata\.users\), so approving them confirms nothing/,
    );
    // The users stay held: approving them still needs the confirmation.
    await expect(approve("harry", "R10", false)).rejects.toThrow(
      /is held by the blast-radius guard/,
    );
    expect(await approve("harry", "R10", true)).toHaveLength(5);
    expect(await approve("wanda", "R08", false)).toHaveLength(1);
  });

  /** Runs the CLI in this process; returns its exit code and what it printed. */
  const pslink = async (...args: string[]) => {
    let out = "";
    const capture = (chunk: string | Uint8Array) => {
      out += chunk.toString();
      return true;
    };
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(capture);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(capture);
    try {
      process.exitCode = undefined;
      const code = await main(["node", "pslink", ...args, "--config", gs.configPath]);
      return { code, out };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      process.exitCode = undefined;
    }
  };

  it("refuses and audits an approval with no --reason, and apply --as without --override-window", async () => {
    await insertProposals(gs.warehouse, "test_decisions", [
      userHeadline("decide", "300005", "No reason"),
    ]);
    const planned = await planWritebacks({
      warehouse: gs.warehouse,
      config: gs.config,
      now: IN_WINDOW,
    });
    const planId = planned.planId as string;
    const noReason = await pslink("approve", "--plan", planId, "--as", "harry");
    expect(noReason.code).toBe(2);
    expect(noReason.out).toContain("an approval needs a reason");
    const refused = await readAudit(gs.warehouse, { planId, action: "decision_refused" });
    expect(refused.map((entry) => [entry.actor, entry.detail])).toEqual([
      ["harry", 'approve: an approval needs a reason: pass --reason "…"'],
    ]);

    const stray = await pslink("apply", "--as", "harry");
    expect(stray.code).toBe(2);
    expect(stray.out).toContain(
      "--as names the steward overriding a window: it goes with --override-window",
    );
  });
});
