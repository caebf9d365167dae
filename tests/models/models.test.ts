import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import type { GroundTruth } from "../../sandbox/world/types.js";
import { testModels } from "../../transform/index.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { type WarehouseTarget, warehouseCases } from "../support/warehouses.js";
import { expectedExceptions, warehouseExceptions } from "./ground-truth.js";
import {
  build,
  dbtBuild,
  type LandedSandbox,
  landSandbox,
  PROJECT_DIR,
  resyncAndBuild,
  snapshot,
} from "./model-harness.js";
import { expectedProjectFinancials } from "./project-financials-expected.js";

/** Tables real dbt and the embedded runner must build identically (run time pinned by run_at). */
const COMPARED = [
  ...[
    "legal_entity",
    "customer",
    "opportunity",
    "contract",
    "project",
    "task",
    "milestone",
    "worker",
  ],
  ...[
    "assignment",
    "rate_card",
    "time_entry",
    "expense",
    "invoice",
    "invoice_line",
    "accounting_period",
  ],
  "identity_map",
]
  .map((name) => `canonical.${name}`)
  .concat([
    "reconciliation.exceptions",
    ...[
      "project_financials_monthly",
      "utilisation",
      "unbilled_time_ageing",
      "integration_health",
      "exception_ageing",
    ].map((name) => `marts.${name}`),
  ]);

describe.each(warehouseCases())("models on $kind (sandbox small)", (wc) => {
  let target: WarehouseTarget;
  let landed: LandedSandbox;
  let wh: Warehouse;
  let truth: GroundTruth;
  let vars: Record<string, unknown>;
  const dbtTables = new Map<string, string[]>();

  beforeAll(async () => {
    target = await wc.target();
    landed = await landSandbox("small", target);
    configPath = landed.configPath;
    truth = landed.sandbox.world.groundTruth();
    vars = { as_of_date: truth.as_of, run_at: "2026-01-01T00:00:00Z" };
    // Real dbt first, on the landed data, while no connection of ours holds the DuckDB file.
    await dbtBuild(target, vars);
    wh = await wc.open(target);
    for (const relation of COMPARED) dbtTables.set(relation, await snapshot(wh, relation));
    await build(wh, vars, true);
  }, 600_000);

  afterAll(async () => {
    await landed?.sandbox.close();
  });

  it("builds every canonical, reconciliation and mart table as dbt-core does, row for row", async () => {
    for (const relation of COMPARED) {
      const embedded = await snapshot(wh, relation);
      expect({ relation, rows: embedded }).toEqual({ relation, rows: dbtTables.get(relation) });
    }
    expect(dbtTables.get("canonical.time_entry")?.length).toBeGreaterThan(1000);
    const tested = await testModels({ warehouse: wh, projectDir: PROJECT_DIR, vars });
    expect(tested.tests.filter((test) => test.status !== "pass").map((test) => test.name)).toEqual(
      [],
    );
    expect(tested.tests.length).toBeGreaterThan(100);
  });

  it("finds exactly the ground truth's exceptions: rule, systems' ids, hours and amount", async () => {
    const found = await warehouseExceptions(wh, "open");
    expect(found).toEqual(expectedExceptions(truth));
    expect(new Set(found.map((e) => e.rule_id)).size).toBe(15);
  });

  it("pslink reconcile summarises open exceptions and --json lists them with DESIGN's columns", async () => {
    const summary = await cli(["reconcile"]);
    expect(summary.code).toBe(0);
    for (const rule of ["R01", "R08", "R15"])
      expect(summary.out).toMatch(new RegExp(`^${rule}\\s`, "m"));
    expect(summary.out).toContain(`${truth.entries.length} open exception(s)`);

    const listed = await cli(["reconcile", "--json", "--rule", "r05,R07"]);
    const rows = listed.out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.length).toBe(
      truth.entries.filter((e) => e.rule_id === "R05" || e.rule_id === "R07").length,
    );
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual([...EXCEPTION_COLUMNS].sort());
      expect(["R05", "R07"]).toContain(row.rule_id);
      expect(typeof row.systems).toBe("object");
    }
    expect((await cli(["reconcile", "--min-age-days", "100000"])).out).toContain(
      "no open exceptions",
    );
    expect((await cli(["reconcile", "--rule", "R99"])).code).toBe(2);
    // Amounts read as money: thousands grouped, two decimals.
    expect(summary.out).toMatch(/[A-Z]{3} -?\d{1,3}(,\d{3})+\.\d{2}/);
    expect(summary.out).not.toMatch(/\d{4}\.\d{2}/);
  });

  it("pslink reconcile --list shows each exception with its systems' ids; --exception finds one by id", async () => {
    const r12 = truth.entries.filter((e) => e.rule_id === "R12");
    const ids = (await cli(["reconcile", "--json", "--rule", "R12"])).out
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { exception_id: string }).exception_id);
    expect(ids.length).toBe(r12.length);

    const listed = await cli(["reconcile", "--list", "--rule", "R12"]);
    expect(listed.code).toBe(0);
    expect(listed.out.split("\n")[0]).toBe("R12 invoice_amount_mismatch");
    for (const id of ids) expect(listed.out).toContain(`exception: ${id}`);
    expect(listed.out.match(/^ {6}systems: kantata invoice \d+/gm)?.length).toBe(r12.length);
    expect(listed.out).toMatch(/^ {6}details: expected=[\d.]+; erp_total=/m);

    const one = await cli(["reconcile", "--exception", ids[0] ?? ""]);
    expect(one.code).toBe(0);
    expect(one.out.match(/exception: /g)?.length).toBe(1);
    expect(one.out).toContain(`exception: ${ids[0]}`);

    const unknown = await cli(["reconcile", "--exception", `${ids[0]},0000`]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("--exception 0000: not in reconciliation.exceptions");
  });

  it("builds proposals the reverse-ETL planner accepts: none invalid, guards applied", async () => {
    const planned = await planWritebacks({ warehouse: wh, config: landed.config });
    expect(planned.invalid).toBe(0);
    const items = await wh.query(
      "select rule_id, object, operation, status, exception_id from pslink.write_items where plan_id = $1",
      [planned.planId],
    );
    const seen = new Set(items.map((i) => `${i.rule_id} ${i.object} ${i.operation} ${i.status}`));
    for (const expected of [
      "R01 timeBill create proposed",
      "R15 timeBill adjustment_queue queued",
      "R05 job create proposed",
      "R09 users deactivate proposed",
      "R10 users update proposed",
      "R08 Account update proposed",
    ]) {
      expect([...seen]).toContain(expected);
    }
    // Every R05 project gets a job under its client's customer in the project's currency: the
    // small world has a client signed by two legal entities (a NetSuite customer in each
    // subsidiary, both linked to its client group) with a new project in its first one's.
    const world = landed.sandbox.world;
    const currencyOf = new Map(
      [...world.collection("netsuite", "customer").scan()].map((c) => [
        String(c.id),
        String(c.currency),
      ]),
    );
    const jobs = (
      await wh.query<{ fields: string }>(
        "select cast(fields as varchar) as fields from proposals.proposal_netsuite_jobs",
      )
    ).map((r) => JSON.parse(r.fields) as { parent: { id: string }; currency: { id: string } });
    expect(jobs.length).toBe(truth.entries.filter((e) => e.rule_id === "R05").length);
    for (const job of jobs) expect(currencyOf.get(job.parent.id)).toBe(job.currency.id);
    const secondEntity = world
      .plantedCases()
      .find((c) => c.rule_id === "R05" && c.description.includes("two ERP customers"));
    const workspace = secondEntity?.systems.kantata?.workspace;
    const groupOf = [...world.collection("kantata", "workspaces").scan()].find(
      (w) => String(w.id) === String(workspace),
    )?.workspace_group_ids as string[] | undefined;
    const linked = [...world.collection("kantata", "external_references").scan()].filter(
      (r) => r.subject_type === "WorkspaceGroup" && r.subject_id === groupOf?.[0],
    );
    expect(linked.length).toBe(2);

    // The plan touches more of Kantata's users than the blast radius allows: status says so. Its
    // custom field values (R08's ERP names) count against the client groups: two of the small
    // world's nine (a renamed customer's group and a legacy duplicate's) are over 20% too, and so
    // are its new NetSuite jobs (R05's projects).
    const [plan] = await wh.query<{ held: boolean }>(
      "select held from pslink.write_plans where plan_id = $1",
      [planned.planId],
    );
    expect(plan?.held).toBe(true);
    const status = await cli(["status"]);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toMatch(
      new RegExp(
        `^ +plan ${planned.planId} is held \\(kantata\\.custom_field_values: \\d+ of \\d+ workspace_groups rows .*; kantata\\.users: .* blast radius .*; netsuite\\.job: .* blast radius .*\\): approving it takes --confirm-blast-radius$`,
        "m",
      ),
    );
    expect(status.out).toMatch(/^exceptions +\d+ open \(high \d+, medium \d+\)/m);
    // plan show says who confirms it (a steward of the held users' domain) and how.
    const shown = await cli(["plan", "show", String(planned.planId)]);
    expect(shown.out).toMatch(
      /^ {2}status: HELD — kantata\.custom_field_values: \d+ of \d+ workspace_groups rows \(.*\) exceeds the blast radius of 20%; kantata\.users: \d+ of \d+ rows .* blast radius of 20%; netsuite\.job: \d+ of \d+ rows .* blast radius of 20%$/m,
    );
    expect(shown.out).toContain(
      `confirm first: pslink approve --plan ${planned.planId} --as demo-steward --confirm-blast-radius --reason "…" (a steward of customer_master, project_execution and worker (demo-steward); add --rule or --item to approve only some items)`,
    );

    // reconcile's summary counts, per rule, the open exceptions a write-back is planned for.
    const summary = (await cli(["reconcile"])).out.split("\n");
    const header = summary[0] ?? "";
    const [from, to] = [header.indexOf("open") + 4, header.indexOf("write-back") + 10];
    const plannedFor = (rule: string) =>
      summary
        .find((line) => line.startsWith(`${rule} `))
        ?.slice(from, to)
        .trim();
    const proposedFor = (rule: string) =>
      new Set(
        items
          .filter((i) => i.rule_id === rule && ["proposed", "queued"].includes(String(i.status)))
          .map((i) => i.exception_id),
      ).size;
    for (const rule of ["R01", "R05", "R09", "R15"])
      expect(Number(plannedFor(rule)), rule).toBe(proposedFor(rule));
    expect(plannedFor("R03")).toBe("");
  });

  it("proposes to an R08 account only the fields R08 finds in disagreement", async () => {
    type Proposal = {
      target_id: string;
      fields: Record<string, unknown>;
      evidence: Record<string, unknown>;
    };
    const accountProposals = async (): Promise<Proposal[]> =>
      (
        await wh.query<{ target_id: string; fields: string; evidence: string }>(
          `select target_id, cast(fields as varchar) as fields, cast(evidence as varchar) as evidence
           from proposals.proposal_customer_master where object = 'Account' order by target_id`,
        )
      ).map((r) => ({
        target_id: r.target_id,
        fields: JSON.parse(r.fields) as Record<string, unknown>,
        evidence: JSON.parse(r.evidence) as Record<string, unknown>,
      }));
    const before = await accountProposals();
    // A customer whose CRM currency alone disagrees; its CRM name is then written in capitals,
    // a difference R08 does not count (names compare case- and space-insensitively).
    const currencyOnly = before.find(
      (p) => p.evidence.crm_name === p.evidence.erp_name && "CurrencyIsoCode" in p.fields,
    );
    expect(currencyOnly).toBeDefined();
    const id = currencyOnly?.target_id as string;
    await wh.execute("update src_salesforce.account set name = upper(name) where id = $1", [id]);
    try {
      await build(wh, vars);
      const after = await accountProposals();
      const changed = after.find((p) => p.target_id === id);
      expect(changed?.evidence.crm_name).toBe(
        String(currencyOnly?.evidence.erp_name).toUpperCase(),
      );
      expect(changed?.fields).toEqual({ CurrencyIsoCode: currencyOnly?.fields.CurrencyIsoCode });
      // Nothing else changes.
      expect(after.map((p) => [p.target_id, p.fields])).toEqual(
        before.map((p) => [p.target_id, p.fields]),
      );
    } finally {
      await wh.execute("update src_salesforce.account set name = $1 where id = $2", [
        currencyOnly?.evidence.crm_name,
        id,
      ]);
      await build(wh, vars);
    }
  });

  it("ties project financials out to sums over the sandbox's own records", async () => {
    const rows = await wh.query(
      "select project_id, cast(month_start as varchar) as month, hours, cost_amount, billed_amount from marts.project_financials_monthly where project_id like 'project:kantata:%'",
    );
    const actual = new Map(
      rows.map((r) => [
        `${r.project_id}|${r.month}`,
        [
          Number(r.hours).toFixed(2),
          Number(r.cost_amount).toFixed(2),
          Number(r.billed_amount).toFixed(2),
        ],
      ]),
    );
    const expected = new Map(
      [...expectedProjectFinancials(landed.sandbox.world)].map(([key, t]) => [
        key,
        [t.hours.toFixed(2), t.cost.toFixed(2), t.billed.toFixed(2)],
      ]),
    );
    expect(actual.size).toBeGreaterThan(20);
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
  });

  it("resolves exactly the fixed cases and keeps first_detected_at of the others", async () => {
    const before = new Map(
      (await wh.query("select exception_id, first_detected_at from reconciliation.exceptions")).map(
        (r) => [String(r.exception_id), String(r.first_detected_at)],
      ),
    );
    const beforeKeys = expectedExceptions(truth);
    const fixed = landed.sandbox.world.fix({
      caseIds: pickCases(truth, ["R01", "R03", "R05", "R08", "R10", "R12"]),
    });
    expect(fixed.length).toBe(6);
    const after = landed.sandbox.world.groundTruth();
    await resyncAndBuild(landed, wh, vars, { runAt: "2026-01-02T00:00:00Z", fullRefresh: true });

    const afterKeys = new Set(expectedExceptions(after).map((e) => e.key));
    const gone = beforeKeys.filter((e) => !afterKeys.has(e.key));
    expect(gone.length).toBeGreaterThanOrEqual(fixed.length);
    expect((await warehouseExceptions(wh, "resolved")).map((e) => e.key)).toEqual(
      gone.map((e) => e.key),
    );
    expect(await warehouseExceptions(wh, "open")).toEqual(expectedExceptions(after));
    const rows = await wh.query(
      "select exception_id, status, first_detected_at, last_seen_at, resolved_at from reconciliation.exceptions",
    );
    for (const row of rows) {
      const first = before.get(String(row.exception_id));
      if (first !== undefined) expect(String(row.first_detected_at)).toBe(first);
      if (row.status === "resolved") expect(row.resolved_at).not.toBeNull();
      else expect(row.resolved_at).toBeNull();
    }
    // A plan may name an exception that is resolved since: --exception still shows it.
    const resolvedId = String(rows.find((row) => row.status === "resolved")?.exception_id);
    const shown = await cli(["reconcile", "--exception", resolvedId]);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/ {2}resolved \d{4}-\d{2}-\d{2}, detected \d{4}-\d{2}-\d{2}$/m);
    expect(shown.out).toContain(`exception: ${resolvedId}`);
  });
});

/** DESIGN's columns of reconciliation.exceptions. */
const EXCEPTION_COLUMNS = [
  ...["exception_id", "rule_id", "severity", "domain", "canonical_id", "systems", "details"],
  ...[
    "amount_impact",
    "currency",
    "hours_impact",
    "first_detected_at",
    "last_seen_at",
    "resolved_at",
    "status",
  ],
];

/** Runs the pslink CLI in-process with the test config; returns its exit code and stdout. */
async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const quiet = vi
    .spyOn(process.stderr, "write")
    .mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
  try {
    const code = await main(["node", "pslink", "--config", configPath, ...args]);
    return { code, out, err };
  } finally {
    spy.mockRestore();
    quiet.mockRestore();
    process.exitCode = undefined;
  }
}

let configPath = "";

/** One planted case id per rule, in the given rules' order. */
function pickCases(truth: GroundTruth, rules: readonly string[]): string[] {
  return rules.map((rule) => {
    const entry = truth.entries.find(
      (e) => e.rule_id === rule && !e.case_id.startsWith("unplanted:"),
    );
    if (!entry) throw new Error(`no planted ${rule} case in the ground truth`);
    return entry.case_id;
  });
}
