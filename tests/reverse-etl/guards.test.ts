import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applyPlan } from "../../reverse-etl/apply-plan.js";
import { readAudit } from "../../reverse-etl/audit-log.js";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { customFieldValues } from "../../sandbox/servers/kantata/custom-field-values.js";
import {
  type GovernedSandbox,
  governedSandbox,
  IN_WINDOW,
  OUT_OF_WINDOW,
} from "./support/governed-sandbox.js";
import {
  costRateProposals,
  insertProposals,
  type ProposalRow,
  timeBillProposals,
} from "./support/test-proposals.js";

describe.each(["duckdb", "postgres"] as const)("write-back guards on %s", (kind) => {
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

  const plan = async (rows: ProposalRow[], blastRadius?: number) => {
    await insertProposals(gs.warehouse, "test_guard", rows);
    const config =
      blastRadius === undefined
        ? gs.config
        : { ...gs.config, governance: { ...gs.config.governance, blast_radius: blastRadius } };
    const result = await planWritebacks({ warehouse: gs.warehouse, config, now: IN_WINDOW });
    return { result, items: await loadItems(gs.warehouse, { planId: result.planId as string }) };
  };

  const userUpdate = (
    user: string,
    fields: Record<string, unknown>,
    extra: Partial<ProposalRow> = {},
  ): ProposalRow => ({
    proposal_key: `test:${user}:${JSON.stringify(fields)}`,
    rule_id: "R10",
    exception_id: null,
    domain: "worker",
    source_system: "workday",
    target_system: "kantata",
    object: "users",
    target_id: user,
    operation: "update",
    fields,
    evidence: { test: true },
    ...extra,
  });

  it("refuses writes into a domain's owner and operations a writer does not declare", async () => {
    const job = {
      ...userUpdate("5001", { companyName: "Renamed" }),
      rule_id: "R06",
      domain: "project_master",
      source_system: "kantata",
      target_system: "netsuite",
      object: "job",
    };
    const story = userUpdate(
      "1",
      { title: "x" },
      {
        object: "stories",
        domain: "project_execution",
        source_system: "kantata",
        target_system: "kantata",
        proposal_key: "story",
      },
    );
    const timeBillDeactivation = {
      ...job,
      proposal_key: "tb",
      rule_id: "R03",
      domain: "project_execution",
      object: "timeBill",
      target_id: "1",
      operation: "deactivate",
    };
    // A refused update of a landed record still shows what it would change, field by field.
    const [landed] = await gs.warehouse.query<{ id: string; hours: unknown; memo: unknown }>(
      "select id, hours, memo from src_netsuite.timebill order by id limit 1",
    );
    const postedUpdate = {
      ...job,
      proposal_key: "tb-landed",
      object: "timeBill",
      target_id: String(landed?.id),
      fields: { hours: 99.5, memo: landed?.memo },
    };
    const { items } = await plan([
      job as ProposalRow,
      story,
      timeBillDeactivation as ProposalRow,
      postedUpdate as ProposalRow,
    ]);
    const posted = items.find((item) => item.proposal_key === "tb-landed");
    expect(posted?.status).toBe("refused");
    expect(posted?.after).toEqual({ hours: 99.5 });
    expect(Number(posted?.before.hours)).toBe(Number(landed?.hours));
    const reason = (key: string) =>
      items.find((item) => item.proposal_key === key)?.status_reason ?? "";
    expect(items.every((item) => item.status === "refused")).toBe(true);
    expect(reason(job.proposal_key)).toMatch(
      /rule R06 writes into netsuite, the owner of domain project_master/,
    );
    expect(reason("story")).toMatch(/kantata, the owner of domain project_execution/);
    expect(reason("tb-landed")).toMatch(/netsuite, the owner of domain project_master/);
    expect(reason("tb")).toMatch(
      /the netsuite writer does not deactivate timeBill \(it may create, update\)/,
    );
    // The same refusal is not planned again on every run.
    const again = await planWritebacks({
      warehouse: gs.warehouse,
      config: gs.config,
      now: IN_WINDOW,
    });
    expect(again.planId).toBeNull();
    expect(again.alreadyPlanned).toBe(4);
    const audited = await readAudit(gs.warehouse, { action: "guard_refused" });
    expect(audited.map((entry) => entry.item_key)).toEqual(
      expect.arrayContaining(items.map((item) => item.item_key)),
    );
  });

  it("refuses a steward outside the item's domain, and unknown stewards", async () => {
    const [bill] = await timeBillProposals(gs, "R01");
    const { result, items } = await plan([bill as ProposalRow]);
    const planId = result.planId as string;
    const decide = (steward: string, more: { reason?: string; itemKeys?: string[] } = {}) =>
      decideItems({
        warehouse: gs.warehouse,
        config: gs.config,
        planId,
        decision: "approve",
        steward,
        reason: "ok",
        ...more,
      });
    await expect(decide("harry")).rejects.toThrow(
      /harry is not a steward of domain project_execution \(harry may decide worker\)/,
    );
    await expect(decide("mallory")).rejects.toThrow(/mallory is not a steward/);
    await expect(decide("mallory")).rejects.toMatchObject({
      hint: `pass --as with one of ${gs.config.governance.stewards.map((s) => s.name).join(", ")}`,
    });
    expect((await loadItems(gs.warehouse, { planId })).map((item) => item.status)).toEqual([
      "proposed",
    ]);
    const refusals = await readAudit(gs.warehouse, { planId, action: "decision_refused" });
    expect(refusals.map((entry) => entry.actor)).toEqual(["harry", "mallory", "mallory"]);
    await expect(decide("fiona", { reason: " " })).rejects.toThrow(/needs a reason/);
    await expect(decide("fiona", { itemKeys: ["no-such-item"] })).rejects.toMatchObject({
      message: `plan ${planId} has no item(s) no-such-item`,
      hint: `its item keys are listed by \`pslink plan show ${planId}\``,
    });
    expect(items).toHaveLength(1);
  });

  it("applies only inside the target's window unless a steward overrides it, audited", async () => {
    const [proposal] = costRateProposals(gs).filter((p) => p.proposal_key.startsWith("R10"));
    const row = userUpdate(String(proposal?.target_id), { headline: "Window test" });
    const { result } = await plan([row]);
    const planId = result.planId as string;
    await decideItems({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      decision: "approve",
      steward: "harry",
      reason: "ok",
    });
    const journal = gs.sandbox.writes.entries().length;

    const closed = await applyPlan({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      now: OUT_OF_WINDOW,
    });
    expect(closed.waiting).toBe(1);
    expect(closed.applied).toBe(0);
    expect(closed.targets.kantata?.window.summary).toMatch(
      /window closed .* next opens 2026-11-22T22:00:00.000Z/,
    );
    expect(gs.sandbox.writes.entries().length).toBe(journal);
    expect(
      (await readAudit(gs.warehouse, { action: "window_closed", system: "kantata" })).length,
    ).toBeGreaterThan(0);

    await expect(
      applyPlan({
        warehouse: gs.warehouse,
        config: gs.config,
        planId,
        now: OUT_OF_WINDOW,
        overrideWindow: { steward: "mallory", reason: "urgent" },
      }),
    ).rejects.toThrow(/mallory is not a steward/);
    // fiona is a steward, but not of the worker domain: her override leaves harry's item waiting.
    const notHers = await applyPlan({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      now: OUT_OF_WINDOW,
      overrideWindow: { steward: "fiona", reason: "urgent" },
    });
    expect(notHers.applied).toBe(0);
    expect(notHers.waiting).toBe(1);
    expect(notHers.targets.kantata?.overriddenBy).toBeNull();
    expect(notHers.targets.kantata?.error).toBe(
      "1 item(s) of worker wait for the window: fiona does not decide worker, so cannot override the window for them",
    );
    expect(gs.sandbox.writes.entries().length).toBe(journal);
    expect(
      (await readAudit(gs.warehouse, { action: "window_closed", system: "kantata" })).at(-1)
        ?.detail,
    ).toMatch(/fiona may not override for worker$/);
    expect(await readAudit(gs.warehouse, { action: "window_override" })).toHaveLength(0);
    const overridden = await applyPlan({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      now: OUT_OF_WINDOW,
      overrideWindow: { steward: "harry", reason: "payroll cut-off today" },
    });
    expect(overridden.applied).toBe(1);
    expect(overridden.targets.kantata?.overriddenBy).toBe("harry");
    const overrides = await readAudit(gs.warehouse, { action: "window_override" });
    expect(overrides.at(-1)?.actor).toBe("harry");
    expect(overrides.at(-1)?.detail).toMatch(/payroll cut-off today/);
    expect(
      gs.sandbox.world.collection("kantata", "users").get(String(proposal?.target_id))?.headline,
    ).toBe("Window test");
  });

  it("holds a plan past the blast radius until a steward confirms it", async () => {
    await gs.sync();
    const users = (
      await gs.warehouse.query<{ id: string }>("select id from src_kantata.users order by id")
    ).map((row) => row.id);
    const rows = users.slice(0, 5).map((user) => userUpdate(user, { headline: "Blast radius" }));
    // One R01 time bill of fiona's domain rides in the plan the worker items put over the radius.
    // (the last one: the first was applied by a test above).
    const bill = (await timeBillProposals(gs, "R01")).at(-1) as ProposalRow;
    const { result } = await plan([...rows, bill], 0.2);
    expect(result.heldDomains).toEqual(["worker"]);
    expect(result.status).toBe("held");
    expect(result.heldReason).toMatch(
      /kantata\.users: 5 of 14 rows \(35\.7%\) exceeds the blast radius of 20%/,
    );
    const planId = result.planId as string;
    const approve = (confirm: boolean) =>
      decideItems({
        warehouse: gs.warehouse,
        config: gs.config,
        planId,
        decision: "approve",
        steward: "harry",
        reason: "bulk fix",
        rules: ["R10"],
        confirmBlastRadius: confirm,
      });
    await expect(approve(false)).rejects.toThrow(/is held by the blast-radius guard/);
    // Only a steward of the held object's domain confirms: fiona decides other domains.
    const confirmByFiona = decideItems({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      decision: "approve",
      steward: "fiona",
      reason: "looks fine",
      rules: ["R01"],
      confirmBlastRadius: true,
    });
    await expect(confirmByFiona).rejects.toThrow(
      /only a steward of domain worker may confirm it, and fiona may decide project_execution, customer_master/,
    );
    await expect(confirmByFiona).rejects.toMatchObject({
      hint: expect.stringMatching(
        /^ask harry to review it and approve with --confirm-blast-radius/,
      ),
    });
    expect(
      (await readAudit(gs.warehouse, { planId, action: "decision_refused" })).map((e) => e.actor),
    ).toContain("fiona");
    expect(
      (await applyPlan({ warehouse: gs.warehouse, config: gs.config, planId, now: IN_WINDOW }))
        .applied,
    ).toBe(0);
    expect(await approve(true)).toHaveLength(5);
    expect(
      (await readAudit(gs.warehouse, { planId, action: "blast_radius_confirmed" }))[0]?.actor,
    ).toBe("harry");
    // Confirmed, the plan takes fiona's approval of her own item without the flag.
    expect(
      await decideItems({
        warehouse: gs.warehouse,
        config: gs.config,
        planId,
        decision: "approve",
        steward: "fiona",
        reason: "posting checked",
        rules: ["R01"],
      }),
    ).toHaveLength(1);
    const applied = await applyPlan({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      now: IN_WINDOW,
    });
    expect(applied.targets.kantata?.ends.applied).toBe(5);
    expect(applied.targets.netsuite?.ends.applied).toBe(1);
    // The audit names the time bill the create made.
    const [created] = await readAudit(gs.warehouse, {
      planId,
      action: "applied",
      system: "netsuite",
    });
    expect(created?.target_id).toMatch(/^\d+$/);
    expect(created?.detail).toBe(`applied as ${created?.target_id}`);
  });

  it("plans a custom field value against the landed value of its subject and field, and stale-checks it by that key", async () => {
    const [group] = await gs.warehouse.query<{ id: string }>(
      "select id from src_kantata.workspace_groups order by id limit 1",
    );
    const groupId = String(group?.id);
    const values = customFieldValues(gs.sandbox.world);
    const setValue = (id: string, value: string) =>
      values.upsert(
        {
          id,
          subject_type: "WorkspaceGroup",
          subject_id: groupId,
          custom_field_id: "1",
          value,
          created_at: "2026-11-01T00:00:00Z",
          updated_at: "",
        },
        Date.now(),
      );
    setValue("990001", "Old ERP name");
    await gs.sync();
    const key = `WorkspaceGroup:${groupId}:1`;
    const nameRow = (value: string): ProposalRow => ({
      proposal_key: `test:cfv:${groupId}:${value}`,
      rule_id: "R08",
      exception_id: null,
      domain: "customer_master",
      source_system: "netsuite",
      target_system: "kantata",
      object: "custom_field_values",
      target_id: key,
      operation: "upsert",
      fields: { subject_type: "WorkspaceGroup", subject_id: groupId, custom_field_id: "1", value },
      evidence: { test: true },
    });

    // The value already there is no change; another is a change of `value` alone, from what is there.
    const { result: same } = await plan([nameRow("Old ERP name")]);
    expect(same.unchanged).toBe(1);
    const { result } = await plan([nameRow("New ERP name")]);
    const planId = result.planId as string;
    const [item] = await loadItems(gs.warehouse, { planId });
    expect(item?.before).toEqual({ value: "Old ERP name" });
    expect(item?.after).toEqual({ value: "New ERP name" });
    await decideItems({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      decision: "approve",
      steward: "fiona",
      reason: "ok",
    });

    // Someone sets the field in Kantata between plan and apply (a new value, under a new id).
    values.discard("990001");
    setValue("990002", "Typed by a person");
    const journal = gs.sandbox.writes.entries().length;
    const applied = await applyPlan({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      now: IN_WINDOW,
    });
    expect(applied.stale).toBe(1);
    expect(gs.sandbox.writes.entries().length).toBe(journal);
    const [stale] = await loadItems(gs.warehouse, { planId });
    expect(stale?.status_reason).toMatch(
      /changed since planning \(value: Old ERP name → Typed by a person\)/,
    );
  });

  it("marks an item stale when its target changed after planning, and re-plans it", async () => {
    const users = (
      await gs.warehouse.query<{ id: string }>("select id from src_kantata.users order by id desc")
    ).map((row) => row.id);
    const user = users[0] as string;
    const { result } = await plan([userUpdate(user, { headline: "From pslink" })]);
    const planId = result.planId as string;
    await decideItems({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      decision: "approve",
      steward: "harry",
      reason: "ok",
    });

    // Someone edits the user in Kantata between plan and apply.
    const kantata = gs.config.sources.kantata;
    const response = await fetch(`${kantata?.base_url}/users/${user}.json`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${kantata?.auth.token.reveal()}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ user: { headline: "Edited by a person" } }),
    });
    expect(response.status).toBe(200);
    const journal = gs.sandbox.writes.entries().length;

    const applied = await applyPlan({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      now: IN_WINDOW,
    });
    expect(applied.stale).toBe(1);
    expect(gs.sandbox.writes.entries().length).toBe(journal);
    const [item] = await loadItems(gs.warehouse, { planId });
    expect(item?.status).toBe("stale");
    expect(item?.status_reason).toMatch(
      /changed since planning \(headline: .* → Edited by a person\)/,
    );
    expect(gs.sandbox.world.collection("kantata", "users").get(user)?.headline).toBe(
      "Edited by a person",
    );

    await gs.sync();
    const replanned = await planWritebacks({
      warehouse: gs.warehouse,
      config: gs.config,
      now: IN_WINDOW,
    });
    const [again] = await loadItems(gs.warehouse, { planId: replanned.planId as string });
    expect(again?.item_key).toBe(item?.item_key);
    expect(again?.status).toBe("proposed");
    expect(again?.before).toEqual({ headline: "Edited by a person" });
  });
});
