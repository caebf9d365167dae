import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAudit } from "../../reverse-etl/audit-log.js";
import { loadItems } from "../../reverse-etl/plan-store.js";
import type { WriteItem } from "../../reverse-etl/plan-types.js";
import type { SandboxRecord } from "../../sandbox/world/types.js";
import { runCli } from "../support/run-cli.js";
import { ALWAYS_OPEN, type GovernedSandbox, governedSandbox } from "./support/governed-sandbox.js";
import {
  deactivationProposals,
  insertProposals,
  type ProposalRow,
  timeBillCreate,
  timeBillHoursUpdate,
} from "./support/test-proposals.js";

/** One item of `pslink adjustments --json`. */
interface QueueEntry {
  plan_id: string;
  item_key: string;
  status: string;
  rule_id: string;
  exception_id: string | null;
  domain: string;
  target_system: string;
  object: string;
  target_id: string | null;
  operation: string;
  date: string | null;
  period: string | null;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  reason: string | null;
  queued_since: string;
  adjusted_by: string | null;
  adjusted_at: string | null;
  adjustment_reason: string | null;
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe.each(["duckdb", "postgres"] as const)("the adjustment queue on %s", (kind) => {
  let gs: GovernedSandbox;
  let cli: (...args: string[]) => ReturnType<typeof runCli>;
  let planId: string;
  /** The plan's items by role: a create and a correction queued at plan time, a create queued at apply time, a proposed deactivation. */
  const key = { create: "", correction: "", applyQueued: "", deactivation: "" };
  let closedPeriod: SandboxRecord;
  let openPeriod: SandboxRecord;
  let bill: { id: string; hours: number; day: string };
  /** The first listing's entries, to compare with what the queue shows later. */
  let firstListing: QueueEntry[];

  /** Every write item and the audit log's length: what a refused close-out must leave as it was. */
  const snapshot = async () => ({
    items: JSON.stringify(await loadItems(gs.warehouse)),
    adjusted: (await readAudit(gs.warehouse, { action: "adjusted" })).length,
  });
  const refusals = async () =>
    (await readAudit(gs.warehouse, { action: "decision_refused" })).filter((entry) =>
      entry.detail?.startsWith("close out adjustments: "),
    );
  const item = async (itemKey: string): Promise<WriteItem | undefined> =>
    (await loadItems(gs.warehouse, { itemKeys: [itemKey] }))[0];

  beforeAll(async () => {
    gs = await governedSandbox(kind, { window: ALWAYS_OPEN });
    cli = (...args) => runCli(["--config", gs.configPath, ...args]);
    await gs.sync();
    const periods = [...gs.sandbox.world.collection("netsuite", "accountingperiod").scanByKey()]
      .filter((period) => period.isyear !== "T" && period.isquarter !== "T")
      .sort((a, b) => String(a.startdate).localeCompare(String(b.startdate)));
    const closed = periods.filter((period) => period.closed === "T");
    const lastClosed = closed[closed.length - 1];
    const firstOpen = periods.find((period) => period.closed === "F");
    if (!lastClosed || !firstOpen) throw new Error("test data: no closed and open periods");
    closedPeriod = lastClosed;
    openPeriod = firstOpen;
    const [landed] = await gs.warehouse.query<{ id: string; hours: number; trandate: unknown }>(
      `select id, hours, trandate from src_netsuite.timebill
       where trandate >= date '${String(closedPeriod.startdate)}' and trandate <= date '${String(closedPeriod.enddate)}'
       order by id limit 1`,
    );
    if (!landed) throw new Error(`test data: no time bill in ${String(closedPeriod.periodname)}`);
    bill = {
      id: String(landed.id),
      hours: Number(landed.hours),
      day: new Date(landed.trandate as string | Date).toISOString().slice(0, 10),
    };
    const [employee] = await gs.warehouse.query<{ id: string }>(
      "select id from src_netsuite.employee order by id limit 1",
    );
    const [job] = await gs.warehouse.query<{ id: string }>(
      "select id from src_netsuite.job order by id limit 1",
    );
    const createBill = (name: string, tranDate: string): ProposalRow =>
      timeBillCreate(
        { key: `adjust:${name}`, rule: "R01", exception: `exc-adjust-${name}` },
        {
          externalId: `ADJUST-${name}-${kind}`,
          employee: { id: String(employee?.id) },
          customer: { id: String(job?.id) },
          hours: 3.5,
          tranDate,
          isBillable: true,
          memo: `adjustment queue test ${name}`,
        },
      );
    // The R09 cases: the ones the sandbox's Kantata has not deactivated yet are planned.
    const deactivations = deactivationProposals(gs);
    await insertProposals(gs.warehouse, "test_adjustments", [
      createBill("closed", String(closedPeriod.startdate)),
      timeBillHoursUpdate(
        { key: `adjust:hours:${bill.id}`, exception: "exc-adjust-hours" },
        bill.id,
        bill.hours + 1,
      ),
      createBill("open", String(openPeriod.startdate)),
      ...deactivations,
    ]);

    const planned = await cli("plan");
    expect(planned.code, planned.stderr).toBe(0);
    planId = /plan (plan-\S+):/.exec(planned.stdout)?.[1] as string;
    const items = await loadItems(gs.warehouse, { planId });
    const byProposal = (proposal: string) =>
      items.find((i) => i.proposal_key === proposal)?.item_key as string;
    key.create = byProposal("adjust:closed");
    key.correction = byProposal(`adjust:hours:${bill.id}`);
    key.applyQueued = byProposal("adjust:open");
    const deactivation = items.find((i) => i.rule_id === "R09");
    key.deactivation = deactivation?.item_key as string;
    expect(items.map((i) => [i.proposal_key, i.status]).sort()).toEqual(
      [
        ["adjust:closed", "queued"],
        [`adjust:hours:${bill.id}`, "queued"],
        ["adjust:open", "proposed"],
        [deactivation?.proposal_key, "proposed"],
      ].sort(),
    );

    // The open-period create is approved, then finance closes its period in NetSuite before the
    // apply: the apply queues it (create kept), with no call.
    const approved = await cli(
      ...["approve", "--plan", planId, "--item", key.applyQueued],
      ...["--as", "fiona", "--reason", "approved Kantata time"],
    );
    expect(approved.code, approved.stderr).toBe(0);
    gs.sandbox.world
      .collection("netsuite", "accountingperiod")
      .upsert({ ...openPeriod, closed: "T" }, Date.now());
    const applied = await cli("apply", "--plan", planId);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/netsuite: 1 queued/);
    expect((await item(key.applyQueued))?.status).toBe("queued");
  });
  afterAll(async () => {
    await gs?.close();
  });

  it("lists the queue across plans, oldest first, as text and as JSON", async () => {
    const closedName = String(closedPeriod.periodname);
    const openName = String(openPeriod.periodname);
    const listed = await cli("adjustments");
    expect(listed.code, listed.stderr).toBe(0);
    const out = listed.stdout;
    expect(out).toMatch(/^adjustment queue, oldest first: dated in a closed accounting period/);
    const stamp = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC";
    expect(out).toMatch(
      new RegExp(
        `^\\[queued\\] queued since ${stamp} {2}netsuite timeBill ${bill.id} {2}adjustment_queue {2}dated ${bill.day} in closed period ${closedName}\n` +
          ` {4}plan ${planId} {2}item ${key.correction} {2}rule R02 {2}exception exc-adjust-hours {2}domain project_execution\n` +
          ` {4}hours: ${literal(String(bill.hours))} → ${literal(String(bill.hours + 1))}\n` +
          ` {4}why: date ${bill.day} falls in closed period ${closedName}: routed to the adjustment queue, never posted$`,
        "m",
      ),
    );
    expect(out).toMatch(
      new RegExp(
        `^\\[queued\\] queued since ${stamp} {2}netsuite timeBill new {2}adjustment_queue {2}dated ${String(closedPeriod.startdate)} in closed period ${closedName}\n` +
          ` {4}plan ${planId} {2}item ${key.create} {2}rule R01 {2}exception exc-adjust-closed {2}domain project_execution\n`,
        "m",
      ),
    );
    expect(out).toMatch(new RegExp(`^ {4}tranDate: → ${String(closedPeriod.startdate)}$`, "m"));
    // Queued by the apply: its operation kept; its period is closed in NetSuite, not yet in the
    // landed data, and the apply's reason names it.
    expect(out).toMatch(
      new RegExp(
        `^\\[queued\\] queued since ${stamp} {2}netsuite timeBill new {2}create {2}dated ${String(openPeriod.startdate)} in closed period ${openName}$`,
        "m",
      ),
    );
    // Oldest first: the apply queued its item after the plan queued the other two.
    expect(out.indexOf(`item ${key.applyQueued}`)).toBeGreaterThan(
      Math.max(out.indexOf(`item ${key.create}`), out.indexOf(`item ${key.correction}`)),
    );
    expect(out).not.toContain(key.deactivation);
    expect(out).toContain(`\n3 queued: netsuite ${closedName} 2, netsuite ${openName} 1\n`);
    expect(out).toContain(
      'once an adjustment is made by hand: pslink adjustments done --item KEY --as fiona --reason "…" (--plan ID or --all-queued for many)',
    );

    const json = await cli("adjustments", "--json");
    expect(json.code, json.stderr).toBe(0);
    firstListing = JSON.parse(json.stdout) as QueueEntry[];
    expect(firstListing.map((entry) => entry.item_key)).toEqual([
      ...[key.create, key.correction].sort(),
      key.applyQueued,
    ]);
    const correction = firstListing.find((entry) => entry.item_key === key.correction);
    expect(correction).toEqual({
      plan_id: planId,
      item_key: key.correction,
      status: "queued",
      rule_id: "R02",
      exception_id: "exc-adjust-hours",
      domain: "project_execution",
      target_system: "netsuite",
      object: "timeBill",
      target_id: bill.id,
      operation: "adjustment_queue",
      date: bill.day,
      period: closedName,
      before: { hours: bill.hours },
      after: { hours: bill.hours + 1 },
      reason: `date ${bill.day} falls in closed period ${closedName}: routed to the adjustment queue, never posted`,
      queued_since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      adjusted_by: null,
      adjusted_at: null,
      adjustment_reason: null,
    });
    expect(firstListing.find((entry) => entry.item_key === key.applyQueued)).toMatchObject({
      target_id: null,
      operation: "create",
      date: String(openPeriod.startdate),
      period: openName,
      after: expect.objectContaining({ tranDate: String(openPeriod.startdate), hours: 3.5 }),
    });

    const status = await cli("status");
    expect(status.stdout).toContain(
      "3 queued for a manual adjustment, never posted: dated in a closed accounting period (pslink adjustments)",
    );
  });

  it("refuses a close-out by a non-steward, of an item not queued or unknown, or without a reason, and changes nothing", async () => {
    const before = await snapshot();
    const refusedBefore = (await refusals()).length;
    const cases: Array<{ args: string[]; message: string; fix?: string }> = [
      {
        args: ["--item", key.create, "--as", "harry", "--reason", "done"],
        message: `harry is not a steward of domain project_execution (harry may decide worker); 1 item(s) refused`,
        fix: "ask a steward of that domain, or name with --item only the items of your domains",
      },
      {
        args: ["--plan", planId, "--as", "nobody", "--reason", "done"],
        message:
          "nobody is not a steward: only stewards listed in governance.stewards may close out adjustments",
        fix: "pass --as with one of fiona, harry, pat",
      },
      {
        args: ["--item", key.deactivation, "--as", "harry", "--reason", "done"],
        message: `cannot close out ${key.deactivation} (proposed): only queued items can be, and nothing was closed out`,
      },
      {
        // All or nothing: the queued item named with it stays queued.
        args: [
          ...["--item", `${key.create},${key.deactivation}`],
          "--as",
          "fiona",
          "--reason",
          "x",
        ],
        message: `cannot close out ${key.deactivation} (proposed): only queued items can be`,
      },
      {
        args: ["--item", key.create, "--item", "nope", "--as", "fiona", "--reason", "done"],
        message: "no plan has item(s) nope",
        fix: "`pslink adjustments` lists the queued items with their plans and keys",
      },
      {
        args: ["--plan", "plan-nope", "--as", "fiona", "--reason", "done"],
        message: "there is no plan plan-nope",
      },
      {
        args: ["--item", key.create, "--as", "fiona", "--reason", "   "],
        message: 'closing out an adjustment needs a reason: pass --reason "…"',
      },
      {
        args: ["--as", "fiona", "--reason", "done"],
        message: "name what to close out: --item KEY (repeatable), --plan ID or --all-queued",
      },
    ];
    for (const { args, message, fix } of cases) {
      const refused = await cli("adjustments", "done", ...args);
      expect(refused.code, args.join(" ")).toBe(2);
      expect(refused.stdout).toBe("");
      expect(refused.stderr, args.join(" ")).toContain(`pslink: ${message}`);
      if (fix) expect(refused.stderr).toContain(`  fix: ${fix}`);
    }
    // Without --reason at all the command does not run.
    const noReason = await cli("adjustments", "done", "--item", key.create, "--as", "fiona");
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("required option '--reason <text>' not specified");

    expect(await snapshot()).toEqual(before);
    // Each refusal that named a steward is on the record, with who and why.
    const recorded = (await refusals()).slice(refusedBefore);
    expect(recorded.map((entry) => [entry.actor, entry.detail])).toEqual(
      cases.map(({ args, message }) => [
        args[args.indexOf("--as") + 1],
        expect.stringContaining(`close out adjustments: ${message}`),
      ]),
    );
    // Under the plan it named, once that plan exists.
    const planOf = (text: string) =>
      recorded.find((entry) => entry.detail?.includes(text))?.plan_id;
    expect(planOf("there is no plan plan-nope")).toBeNull();
    expect((await item(key.create))?.status).toBe("queued");
  });

  it("closes out an item a steward had adjusted by hand: adjusted, audited, no longer waiting", async () => {
    const reason = "reversed and re-posted in the open period, journal entry JE-1042";
    const done = await cli(
      ...["adjustments", "done", "--item", key.create, "--as", "fiona", "--reason", reason],
    );
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toBe(
      `closed out 1 item(s) of the adjustment queue as fiona\n  ${key.create}  netsuite timeBill (new)  plan ${planId}: adjusted\n`,
    );
    const adjusted = await item(key.create);
    expect(adjusted).toMatchObject({
      status: "adjusted",
      decided_by: "fiona",
      decision_reason: reason,
      operation: "adjustment_queue",
    });
    expect(adjusted?.updated_at.getTime()).toBe(adjusted?.decided_at?.getTime());
    expect(adjusted?.updated_at.getTime()).toBeGreaterThan(
      new Date(firstListing[0]?.queued_since as string).getTime(),
    );

    // The audit log: who closed it out, when and why, with the change made by hand.
    const audit = await cli("audit", "--item", key.create, "--json");
    const entries = audit.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((entry) => entry.action)).toEqual(["guard_queued", "adjusted"]);
    expect(entries[1]).toMatchObject({
      actor: "fiona",
      plan_id: planId,
      item_key: key.create,
      system: "netsuite",
      object: "timeBill",
      detail: reason,
      after: expect.objectContaining({ tranDate: String(closedPeriod.startdate) }),
    });
    const byFiona = await cli("audit", "--steward", "fiona");
    expect(byFiona.stdout).toMatch(
      new RegExp(
        `^ {2}\\S+ \\S+ +fiona +adjusted +${key.create} +netsuite timeBill +${literal(reason)}$`,
        "m",
      ),
    );

    const status = await cli("status");
    expect(status.stdout).toContain("2 queued for a manual adjustment, never posted");
    const listed = await cli("adjustments");
    expect(listed.stdout).not.toContain(key.create);
    expect(listed.stdout).toMatch(/\n2 queued: netsuite \S+ \d+ 1, netsuite \S+ \d+ 1\n/);
    const all = await cli("adjustments", "--all");
    expect(all.stdout).toMatch(
      new RegExp(
        `^\\[adjusted\\] queued since .+ {2}netsuite timeBill new {2}adjustment_queue {2}dated ${String(closedPeriod.startdate)} .+\n {4}plan ${planId} {2}item ${key.create} `,
        "m",
      ),
    );
    expect(all.stdout).toMatch(
      new RegExp(
        `^ {4}adjusted by hand, closed out by fiona at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC: ${literal(reason)}$`,
        "m",
      ),
    );
    expect(all.stdout).toMatch(/\n2 queued: .+; 1 adjusted \(closed out\)\n/);
    const allJson = JSON.parse(
      (await cli("adjustments", "--all", "--json")).stdout,
    ) as QueueEntry[];
    // Still where it stood in the queue: queued since it was queued, not since it was closed out.
    expect(allJson.map((entry) => entry.item_key)).toEqual(
      firstListing.map((entry) => entry.item_key),
    );
    expect(allJson.find((entry) => entry.item_key === key.create)).toMatchObject({
      status: "adjusted",
      queued_since: firstListing.find((entry) => entry.item_key === key.create)?.queued_since,
      adjusted_by: "fiona",
      adjusted_at: adjusted?.decided_at?.toISOString(),
      adjustment_reason: reason,
    });
    const shown = await cli("plan", "show", planId, "--status", "adjusted");
    expect(shown.stdout).toMatch(/^ {4}\[adjusted\] timeBill \(new\) {2}adjustment_queue/m);
    expect(shown.stdout).toContain(`adjusted by hand, closed out by fiona at `);

    const again = await cli(
      ...["adjustments", "done", "--item", key.create, "--as", "fiona", "--reason", "twice"],
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      `cannot close out ${key.create} (adjusted): only queued items can be`,
    );
  });

  it("closes out a plan's queue; the queue empties and a new plan does not propose the changes again", async () => {
    const done = await cli(
      ...["adjustments", "done", "--plan", planId, "--as", "fiona"],
      ...["--reason", "adjusted in the November close"],
    );
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^closed out 2 item\(s\) of the adjustment queue as fiona\n/);
    expect(done.stdout).toContain(
      `  ${key.correction}  netsuite timeBill ${bill.id}  plan ${planId}`,
    );
    expect(done.stdout).toContain(`  ${key.applyQueued}  netsuite timeBill (new)  plan ${planId}`);
    const statuses = (await loadItems(gs.warehouse, { planId })).map((i) => [i.item_key, i.status]);
    expect(statuses.sort()).toEqual(
      [
        [key.create, "adjusted"],
        [key.correction, "adjusted"],
        [key.applyQueued, "adjusted"],
        [key.deactivation, "proposed"],
      ].sort(),
    );

    const status = await cli("status");
    expect(status.stdout).not.toContain("queued for a manual adjustment");
    expect(status.stdout).toMatch(/^write-backs +1 proposed, awaiting a steward/m);
    const empty = await cli("adjustments");
    expect(empty.stdout).toBe(
      "the adjustment queue is empty: no write-back waits for a manual adjustment (--all also lists the ones closed out)\n",
    );
    expect((await cli("adjustments", "--json")).stdout).toBe("[]\n");
    const nothing = await cli(
      ...["adjustments", "done", "--all-queued", "--as", "fiona", "--reason", "x"],
    );
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("the adjustment queue is empty: nothing to close out");

    // The changes were made by hand: the same proposals are not planned again.
    const replanned = await cli("plan");
    expect(replanned.code, replanned.stderr).toBe(0);
    expect(replanned.stdout).toMatch(/unchanged \d+, already planned 4, invalid 0/);
    expect(replanned.stdout).toContain("nothing to write: no plan stored");
  });
});
