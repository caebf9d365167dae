import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/sandbox.js";
import {
  fetchJson,
  netsuiteToken,
  salesforceToken,
  startTestSandbox,
  workdayBasic,
} from "./sandbox-api-helpers.js";

// Prints pages/s and records/s through each server (a figure for the extractor benchmark,
// never asserted: speed targets live in bench/). Each loop is bounded in count.
let sandbox: SandboxHandle;

function report(system: string, pages: number, records: number, ms: number): void {
  const perSecond = (n: number) => Math.round((n * 1000) / ms);
  console.log(
    `[sandbox throughput] ${system}: ${pages} pages, ${records} records in ${Math.round(ms)} ms → ${perSecond(pages)} pages/s, ${perSecond(records)} records/s`,
  );
}

beforeAll(async () => {
  ({ sandbox } = await startTestSandbox({ size: "medium" }));
});
afterAll(() => sandbox.close());

describe("sandbox throughput (printed, not asserted)", () => {
  it("netsuite: SuiteQL pages of 1000 time bills", async () => {
    const { access_token: token } = (await netsuiteToken(sandbox)).body as { access_token: string };
    const q = "SELECT * FROM timebill ORDER BY lastmodifieddate, id";
    const started = performance.now();
    let records = 0;
    let pages = 0;
    for (let offset = 0; offset < 100_000 && pages < 100; offset += 1000) {
      const page = await fetchJson<{ items: unknown[]; hasMore: boolean }>(
        `${sandbox.urls.netsuite}/services/rest/query/v1/suiteql?limit=1000&offset=${offset}`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, prefer: "transient" },
          body: JSON.stringify({ q }),
        },
      );
      pages += 1;
      records += page.body.items.length;
      if (!page.body.hasMore) break;
    }
    report("netsuite", pages, records, performance.now() - started);
    expect(records).toBe(Math.min(100_000, sandbox.world.collection("netsuite", "timebill").size));
  });

  it("kantata: pages of 200 time entries", async () => {
    const headers = { authorization: `Bearer ${sandbox.credentials.kantata.token}` };
    const started = performance.now();
    let records = 0;
    let pages = 0;
    for (let page = 1; page <= 500; page += 1) {
      const url = `${sandbox.urls.kantata}/api/v1/time_entries.json?per_page=200&page=${page}&order=updated_at:asc&from_archived_workspaces=true`;
      const body = (
        await fetchJson<{ results: unknown[]; meta: { page_count: number } }>(url, { headers })
      ).body;
      pages += 1;
      records += body.results.length;
      if (page >= body.meta.page_count) break;
    }
    report("kantata", pages, records, performance.now() - started);
    expect(records).toBe(
      Math.min(500 * 200, sandbox.world.collection("kantata", "time_entries").size),
    );
  });

  it("salesforce: query pages of 200 opportunities, repeated", async () => {
    const token = await salesforceToken(sandbox);
    const headers = { authorization: `Bearer ${token}`, "sforce-query-options": "batchSize=200" };
    const soql = encodeURIComponent(
      "SELECT Id, AccountId, Name, StageName, Amount, SystemModstamp FROM Opportunity ORDER BY SystemModstamp, Id",
    );
    const started = performance.now();
    let records = 0;
    let pages = 0;
    for (let round = 0; round < 50; round += 1) {
      let url = `${sandbox.urls.salesforce}/services/data/v60.0/query?q=${soql}`;
      for (;;) {
        const body = (
          await fetchJson<{ records: unknown[]; done: boolean; nextRecordsUrl?: string }>(url, {
            headers,
          })
        ).body;
        pages += 1;
        records += body.records.length;
        if (body.done) break;
        url = `${sandbox.urls.salesforce}${body.nextRecordsUrl}`;
      }
    }
    report("salesforce", pages, records, performance.now() - started);
    expect(records).toBe(50 * sandbox.world.collection("salesforce", "Opportunity").size);
  });

  it("workday: whole worker report pulls, repeated", async () => {
    const { tenant, reportOwner, reportName } = sandbox.credentials.workday;
    const url = `${sandbox.urls.workday}/ccx/service/customreport2/${tenant}/${reportOwner}/${reportName}?format=json`;
    const headers = { authorization: workdayBasic(sandbox) };
    const started = performance.now();
    let records = 0;
    for (let round = 0; round < 50; round += 1) {
      records += (await fetchJson<{ Report_Entry: unknown[] }>(url, { headers })).body.Report_Entry
        .length;
    }
    report("workday", 50, records, performance.now() - started);
    expect(records).toBe(50 * sandbox.world.collection("workday", "workers").size);
  });
});
