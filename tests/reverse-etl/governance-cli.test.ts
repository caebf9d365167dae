import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.js";
import { ALWAYS_OPEN, type GovernedSandbox, governedSandbox } from "./support/governed-sandbox.js";
import {
  deactivationProposals,
  insertProposals,
  timeBillProposals,
} from "./support/test-proposals.js";

/** Runs the CLI in this process and returns its exit code and stdout. */
async function pslink(...args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  const stderr = vi
    .spyOn(process.stderr, "write")
    .mockImplementation((chunk: string | Uint8Array) => {
      out += chunk.toString();
      return true;
    });
  try {
    process.exitCode = undefined;
    const code = await main(["node", "pslink", ...args]);
    return { code, out };
  } finally {
    spy.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  }
}

describe.each(["duckdb", "postgres"] as const)("pslink plan/approve/apply/audit on %s", (kind) => {
  let gs: GovernedSandbox;

  beforeAll(async () => {
    gs = await governedSandbox(kind, { window: ALWAYS_OPEN });
    await gs.sync();
    const bills = await timeBillProposals(gs, "R15");
    await insertProposals(gs.warehouse, "test_cli", [
      ...bills.slice(0, 1),
      ...deactivationProposals(gs),
    ]);
  });
  afterAll(async () => {
    await gs?.close();
  });

  it("walks a plan from proposal to audit trail through the commands", async () => {
    const config = ["--config", gs.configPath];
    const planned = await pslink("plan", ...config);
    expect(planned.code, planned.out).toBe(0);
    const planId = /plan (plan-\S+):/.exec(planned.out)?.[1] as string;
    expect(planId).toBeDefined();

    const listed = await pslink("plans", ...config);
    expect(listed.out).toMatch(/^plan +created \(UTC\) +by +status +items$/m);
    expect(listed.out).toMatch(
      new RegExp(`^${planId} +\\d{4}-\\d\\d-\\d\\dT\\S+ +\\S+ +open +1 proposed, 1 queued$`, "m"),
    );

    const shown = await pslink("plan", "show", planId, ...config);
    expect(shown.out).toMatch(/^kantata$/m);
    expect(shown.out).toMatch(/R09 terminated_worker_active/);
    expect(shown.out).toMatch(
      /\[proposed\] users 300009 {2}deactivate {2}\(worker, from workday\)/,
    );
    expect(shown.out).toMatch(/disabled: false → true/);
    expect(shown.out).toMatch(/\[queued\] timeBill \(new\) {2}adjustment_queue/);
    expect(shown.out).toMatch(/why: date 2026-\d\d-\d\d falls in closed period \w+ 2026/);
    expect(shown.out).toContain(
      `decide: pslink approve --plan ${planId} --as harry --reason "…" (or reject; --item KEY for single items)`,
    );

    // Narrowed to a rule and a state: the plan's counts, how many are shown, a decide command
    // for just those; a rule the plan does not hold is an error naming the ones it does.
    const narrowed = await pslink(
      "plan",
      "show",
      planId,
      "--rule",
      "r09",
      "--status",
      "proposed",
      ...config,
    );
    expect(narrowed.out).toMatch(
      /^ {2}items: {2}1 proposed, 1 queued\n {2}shown: {2}1 of 2 items$/m,
    );
    expect(narrowed.out).not.toMatch(/\[queued\]/);
    expect(narrowed.out).toContain(`decide: pslink approve --plan ${planId} --rule R09 --as harry`);
    const bothStates = await pslink(
      "plan",
      "show",
      planId,
      "--status",
      "proposed,QUEUED",
      ...config,
    );
    expect(bothStates.out).toMatch(/\[proposed\]/);
    expect(bothStates.out).toMatch(/\[queued\]/);
    const badState = await pslink("plan", "show", planId, "--status", "done", ...config);
    expect(badState.code).toBe(2);
    expect(badState.out).toContain("--status done: expected proposed, refused, queued,");
    const [firstKey] = [...shown.out.matchAll(/ item ([0-9a-f]{24})$/gm)].map((m) => m[1]);
    const oneKnown = await pslink("plan", "show", planId, "--item", `${firstKey},nope`, ...config);
    expect(oneKnown.code).toBe(2);
    expect(oneKnown.out).toContain(`plan ${planId} has no item(s) nope`);
    const noRule = await pslink("plan", "show", planId, "--rule", "R77", ...config);
    expect(noRule.code).toBe(2);
    expect(noRule.out).toMatch(/has no item of rule\(s\) R77\n {2}fix: its rules: R09, R15/);
    const waiting = await pslink("status", ...config);
    expect(waiting.out).toMatch(
      new RegExp(
        `^write-backs +1 proposed, awaiting a steward in plan ${planId} \\(pslink plan show ${planId}\\)$`,
        "m",
      ),
    );
    expect(waiting.out).toContain(
      "1 queued for a manual adjustment, never posted: dated in a closed accounting period (pslink adjustments)",
    );
    const noReason = await pslink(
      ...["approve", "--plan", planId, "--as", "harry", "--reason", "  "],
      ...config,
    );
    expect(noReason.code).toBe(2);
    expect(noReason.out).toContain("an approval needs a reason");
    const queuedOnly = await pslink(
      ...["approve", "--plan", planId, "--rule", "R15", "--as", "harry", "--reason", "x"],
      ...config,
    );
    expect(queuedOnly.code).toBe(2);
    expect(queuedOnly.out).toContain(`plan ${planId} has nothing to approve`);

    const wrongSteward = await pslink(
      "approve",
      "--plan",
      planId,
      "--as",
      "fiona",
      "--reason",
      "ok",
      ...config,
    );
    expect(wrongSteward.code).toBe(2);
    expect(wrongSteward.out).toMatch(/fiona is not a steward of domain worker/);
    const approved = await pslink(
      "approve",
      "--plan",
      planId,
      "--rule",
      "R09",
      "--as",
      "harry",
      "--reason",
      "terminated in Workday",
      ...config,
    );
    expect(approved.out).toMatch(/approved 1 item\(s\)/);
    expect((await pslink("status", ...config)).out).toMatch(
      /^write-backs +1 approved for kantata: its window is open, pslink apply writes them$/m,
    );

    const stray = await pslink("apply", "--reason", "because", ...config);
    expect(stray.code).toBe(2);
    expect(stray.out).toContain(
      "--reason explains a window override: it goes with --override-window",
    );
    const applied = await pslink("apply", ...config);
    expect(applied.code, applied.out).toBe(0);
    expect(applied.out).toMatch(/kantata: 1 applied — window open/);
    expect(gs.sandbox.world.collection("kantata", "users").get("300009")?.disabled).toBe(true);

    const audit = await pslink("audit", "--plan", planId, "--json", ...config);
    const actions = audit.out
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { action: string }).action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "plan_created",
        "guard_queued",
        "decision_refused",
        "approved",
        "window_checked",
        "write_ahead",
        "call",
        "applied",
      ]),
    );
    expect(audit.out).toContain("approve: an approval needs a reason");
    const byHarry = await pslink("audit", "--steward", "harry", ...config);
    // One table per plan: when, who, what, the item, its target, the detail.
    expect(byHarry.out).toMatch(new RegExp(`^plan ${planId}$`, "m"));
    expect(byHarry.out).toMatch(/^ {2}at \(UTC\) +actor +action +item +target +call \/ detail$/m);
    expect(byHarry.out).toMatch(
      /^ {2}\d{4}-\d\d-\d\d [\d:]{8} +harry +approved +\w+ +kantata users 300009 +terminated in Workday/m,
    );
    const calls = await pslink("audit", "--plan", planId, ...config);
    expect(calls.out).toMatch(
      /^ {2}\S+ \S+ +\S+ +call +\w+ +kantata users 300009 +PUT \/api\/v1\/users\/300009\.json → 200$/m,
    );
    expect(audit.out).not.toContain(gs.config.sources.kantata?.auth.token.reveal() as string);

    // --action narrows to some actions (commas or repeated), in the log's order.
    const decided = await pslink(
      "audit",
      "--plan",
      planId,
      "--action",
      "approved,decision_refused",
      "--action",
      "call",
      "--json",
      ...config,
    );
    expect(decided.code, decided.out).toBe(0);
    const decidedActions = decided.out
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { action: string }).action);
    expect(new Set(decidedActions)).toEqual(new Set(["approved", "decision_refused", "call"]));
    expect(decidedActions.length).toBe(
      actions.filter((a) => ["approved", "decision_refused", "call"].includes(a)).length,
    );
    const noneOf = await pslink("audit", "--plan", planId, "--action", "adjusted", ...config);
    expect(noneOf.out).toBe(`no audit entries match --plan ${planId} --action adjusted\n`);
    const typo = await pslink("audit", "--action", "aproved", ...config);
    expect(typo.code).toBe(2);
    expect(typo.out).toContain("--action aproved: expected plan_created, plan_held,");
    expect(typo.out).toContain("; did you mean approved?");

    const none = await pslink("audit", "--item", "no-such-item", ...config);
    expect(none.code).toBe(0);
    expect(none.out).toBe("no audit entries match --item no-such-item\n");
    const wrongSystem = await pslink("audit", "--system", "workday", ...config);
    expect(wrongSystem.code).toBe(2);
    expect(wrongSystem.out).toMatch(/Allowed choices are salesforce, netsuite, kantata/);
  });
});
