import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applyPlan } from "../../reverse-etl/apply-plan.js";
import { readAudit } from "../../reverse-etl/audit-log.js";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { loadItems } from "../../reverse-etl/plan-store.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { type GovernedSandbox, governedSandbox, IN_WINDOW } from "./support/governed-sandbox.js";
import {
  accountNameProposals,
  accountUpdate,
  insertProposals,
  type ProposalRow,
  timeBillProposals,
  userHeadline,
} from "./support/test-proposals.js";

describe.each(["duckdb", "postgres"] as const)("write faults on %s", (kind) => {
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
    gs.sandbox.faults.clear();
  });

  /** Plans the rows, approves everything as fiona and harry, and applies inside the window. */
  const planApproveApply = async (rows: ProposalRow[]) => {
    await insertProposals(gs.warehouse, "test_faults", rows);
    const plan = await planWritebacks({
      warehouse: gs.warehouse,
      config: gs.config,
      now: IN_WINDOW,
    });
    const planId = plan.planId as string;
    for (const steward of ["fiona", "harry"]) {
      const domains = steward === "fiona" ? ["project_execution", "customer_master"] : ["worker"];
      const keys = (await loadItems(gs.warehouse, { planId }))
        .filter((i) => domains.includes(i.domain))
        .map((i) => i.item_key);
      if (keys.length > 0) {
        await decideItems({
          warehouse: gs.warehouse,
          config: gs.config,
          planId,
          decision: "approve",
          steward,
          reason: "ok",
          itemKeys: keys,
        });
      }
    }
    const result = await applyPlan({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      now: IN_WINDOW,
    });
    return { result, items: await loadItems(gs.warehouse, { planId }) };
  };

  it("retries 429s (Kantata sends no Retry-After) and then applies once", async () => {
    gs.sandbox.faults.add({
      system: "kantata",
      method: "PUT",
      path: "/users/300003",
      kind: "http_429",
      times: 2,
    });
    const { result, items } = await planApproveApply([
      userHeadline("faults", "300003", "After throttling"),
    ]);
    expect(result.applied).toBe(1);
    expect(items[0]?.attempts).toBe(3);
    const journal = gs.sandbox.writes.entries({ system: "kantata", path: "/users/300003" });
    expect(journal.map((entry) => [entry.status, entry.applied])).toEqual([
      [429, false],
      [429, false],
      [200, true],
    ]);
    const calls = await readAudit(gs.warehouse, { itemKey: items[0]?.item_key, action: "call" });
    expect(calls.map((call) => call.response?.status)).toEqual([429, 429, 200]);
  });

  it("never posts a time bill twice when a 500 hides a create that landed", async () => {
    const [bill] = await timeBillProposals(gs, "R01");
    gs.sandbox.faults.add({
      system: "netsuite",
      method: "POST",
      path: "/record/v1/timeBill",
      kind: "http_500",
      after_processing: true,
    });
    const { result, items } = await planApproveApply([bill as ProposalRow]);
    expect(result.applied).toBe(1);
    expect(items[0]?.status_reason).toBe(
      "landed despite: server error (500): UNEXPECTED_ERROR: An unexpected error occurred. Error ID: sandbox",
    );
    const posts = gs.sandbox.writes.entries({ system: "netsuite", path: "/record/v1/timeBill" });
    expect(posts.map((entry) => [entry.status, entry.applied])).toEqual([[500, true]]);
    const bills = [...gs.sandbox.world.collection("netsuite", "timebill").scanByKey()];
    expect(bills.filter((b) => b.externalid === bill?.fields.externalId)).toHaveLength(1);
    expect(items[0]?.result_id).toBe(
      bills.find((b) => b.externalid === bill?.fields.externalId)?.id,
    );
  });

  it("names the page a firewall or a gateway in front of the target answers a write with", async () => {
    gs.sandbox.faults.add({
      system: "kantata",
      method: "PUT",
      path: "/users/300006",
      kind: "firewall_page",
    });
    gs.sandbox.faults.add({
      system: "kantata",
      method: "PUT",
      path: "/users/300007",
      kind: "gateway_page",
      times: 100,
    });
    const { items } = await planApproveApply([
      userHeadline("faults", "300006", "Behind a firewall"),
      userHeadline("faults", "300007", "Behind a gateway"),
    ]);
    const byUser = new Map(items.map((item) => [item.target_id, item]));
    expect(byUser.get("300006")?.status).toBe("failed");
    expect(byUser.get("300006")?.error).toBe('403: an HTML page titled "Access Denied"');
    expect(byUser.get("300007")?.status).toBe("failed");
    expect(byUser.get("300007")?.error).toMatch(
      /^still failing after \d+ attempt\(s\): server error \(502\): an HTML page titled "502 Bad Gateway"$/,
    );
  });

  it("ends a write the target refuses as failed, with the target's message", async () => {
    const accounts = accountNameProposals(gs);
    expect(accounts.length).toBeGreaterThan(0);
    gs.sandbox.faults.add({
      system: "salesforce",
      method: "PATCH",
      kind: "write_validation",
      times: 1,
    });
    const invalid = {
      ...userHeadline("faults", "300005", "x"),
      fields: { time_zone_of_mars: "UTC+9" },
      proposal_key: "invalid-field",
    };
    const { result, items } = await planApproveApply([...accounts.slice(0, 1), invalid]);
    expect(result.failed).toBe(2);
    const account = items.find((item) => item.target_system === "salesforce");
    expect(account?.status).toBe("failed");
    expect(account?.error).toMatch(/^[A-Z_]+: /);
    const kantata = items.find((item) => item.target_system === "kantata");
    expect(kantata?.error).toMatch(/validation: .*time_zone_of_mars/);
    // The apply's report carries each failure with the target's answer (the CLI prints them).
    expect(result.targets.salesforce?.failures).toEqual([
      { item_key: account?.item_key, error: account?.error },
    ]);
    expect(result.targets.kantata?.failures).toEqual([
      { item_key: kantata?.item_key, error: kantata?.error },
    ]);
    expect(
      gs.sandbox.writes.entries().filter((entry) => entry.applied && entry.path.includes("300005")),
    ).toHaveLength(0);
  });

  it("batches Salesforce updates into one sObject Collections call, results per record", async () => {
    const accounts = (
      await gs.warehouse.query<{ id: string; name: string }>(
        "select id, name from src_salesforce.account order by id",
      )
    ).slice(0, 4);
    const rows = accounts.map((account, i) =>
      accountUpdate(
        `batch:${account.id}`,
        account.id,
        i === 3 ? { Name: null } : { BillingCountry: "Iceland" },
      ),
    );
    const journal = gs.sandbox.writes.entries().length;
    const { result, items } = await planApproveApply(rows);
    const writes = gs.sandbox.writes.entries().slice(journal);
    expect(writes.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      "PATCH /services/data/v60.0/composite/sobjects",
    ]);
    expect(result.applied).toBe(3);
    expect(result.failed).toBe(1);
    expect(items.find((item) => item.status === "failed")?.error).toMatch(
      /REQUIRED_FIELD_MISSING|Name/,
    );
    expect(result.targets.salesforce?.failures.map((failure) => failure.error)).toEqual([
      items.find((item) => item.status === "failed")?.error,
    ]);
    const stored = gs.sandbox.world.collection("salesforce", "Account");
    for (const account of accounts.slice(0, 3))
      expect(stored.get(account.id)?.BillingCountry).toBe("Iceland");
    expect(stored.get(accounts[3]?.id as string)?.Name).toBe(accounts[3]?.name);
  });

  /** Updates of `count` landed accounts from the `from`th (by id) that set their billing country. */
  const billingCountry = async (
    from: number,
    count: number,
    country = "Svalbard",
  ): Promise<ProposalRow[]> => {
    const accounts = await gs.warehouse.query<{ id: string }>(
      `select id from src_salesforce.account order by id limit ${count} offset ${from}`,
    );
    return accounts.map((account) =>
      accountUpdate(`allowance:${account.id}:${country}`, account.id, { BillingCountry: country }),
    );
  };

  /** With the faults gone, applies the plan again: every row's account holds its country. */
  const applyOnceRecovered = async (planId: string, rows: ProposalRow[]) => {
    gs.sandbox.faults.clear();
    const again = await applyPlan({
      warehouse: gs.warehouse,
      config: gs.config,
      planId,
      now: IN_WINDOW,
    });
    expect(again).toMatchObject({ applied: rows.length, failed: 0, waiting: 0 });
    const stored = gs.sandbox.world.collection("salesforce", "Account");
    for (const row of rows)
      expect(stored.get(row.target_id as string)?.BillingCountry).toBe(row.fields.BillingCountry);
  };

  /**
   * Plans and applies `rows` while the org's allowance is spent: Salesforce answers every
   * `method` call 403 REQUEST_LIMIT_EXCEEDED. Checks that every item waits approved after one
   * refused call; returns the items and the writes the sandbox saw.
   */
  const applyWithAllowanceSpent = async (method: "GET" | "PATCH", rows: ProposalRow[]) => {
    gs.sandbox.faults.add({ system: "salesforce", method, kind: "sf_request_limit", times: 50 });
    const journal = gs.sandbox.writes.entries().length;
    const { result, items } = await planApproveApply(rows);
    expect(result).toMatchObject({ applied: 0, failed: 0, stale: 0, waiting: rows.length });
    expect(result.targets.salesforce?.error).toMatch(
      new RegExp(
        `^salesforce is not taking calls for now, so ${rows.length} approved item\\(s\\) wait for a later apply: .*REQUEST_LIMIT_EXCEEDED: the org's daily API request limit is used up`,
      ),
    );
    // One call, not retried into the refusal, and none after it.
    expect(gs.sandbox.faults.list()[0]?.hits).toBe(1);
    expect(items.map((item) => item.status)).toEqual(rows.map(() => "approved"));
    return {
      items,
      planId: items[0]?.plan_id as string,
      sent: gs.sandbox.writes.entries().slice(journal),
    };
  };

  it.each([
    ["one update", 4, 1],
    ["an sObject Collections call", 5, 3],
  ])(
    "leaves Salesforce items approved when the org's daily API allowance is spent (%s), and applies them once it recovers",
    async (_path, from, count) => {
      const rows = await billingCountry(from, count);
      const { items, planId, sent } = await applyWithAllowanceSpent("PATCH", rows);
      expect(sent.filter((entry) => entry.applied)).toEqual([]);
      expect(items[0]?.status_reason).toMatch(
        /^REQUEST_LIMIT_EXCEEDED: .*; Salesforce counts API requests/,
      );
      // Each item put back, and the target's summary.
      const deferred = await readAudit(gs.warehouse, { planId, action: "deferred" });
      expect(deferred).toHaveLength(count + 1);

      // The allowance recovered: the next apply sends them.
      await applyOnceRecovered(planId, rows);
    },
  );

  it.each([
    ["one update", 4, 1],
    ["an sObject Collections call", 5, 3],
  ])(
    "sends nothing when the allowance is spent at the stale check's read (%s): the items wait approved",
    async (_path, from, count) => {
      await gs.sync(); // current state as the tests before left the accounts
      const rows = await billingCountry(from, count, "Jan Mayen");
      const { planId, sent } = await applyWithAllowanceSpent("GET", rows);
      // The first read refused: no write-ahead marker, no call.
      expect(sent).toEqual([]);
      expect(await readAudit(gs.warehouse, { planId, action: "write_ahead" })).toEqual([]);
      // The item whose read was refused, and the target's summary.
      expect(await readAudit(gs.warehouse, { planId, action: "deferred" })).toHaveLength(2);
      await applyOnceRecovered(planId, rows);
    },
  );
});
