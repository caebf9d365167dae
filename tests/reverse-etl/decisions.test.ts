import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { type GovernedSandbox, governedSandbox, IN_WINDOW } from "./support/governed-sandbox.js";
import { insertProposals, type ProposalRow } from "./support/test-proposals.js";

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

  const headline = (user: string, text: string): ProposalRow => ({
    proposal_key: `decide:${user}:${text}`,
    rule_id: "R10",
    exception_id: null,
    domain: "worker",
    source_system: "workday",
    target_system: "kantata",
    object: "users",
    target_id: user,
    operation: "update",
    fields: { headline: text },
    evidence: {},
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
      headline("300003", "Keep approved"),
      headline("300004", "Undecided"),
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
});
