import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncSources } from "../../extractors/sync-sources.js";
import { workersStream } from "../../extractors/workday/streams/workers-stream.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { landedDifferences } from "./support/world-compare.js";

/**
 * Workday's RaaS report is not paged, and the tenant caps a report's rows: a prompt range over
 * the cap is answered with a 500 asking for narrower prompts. Here the cap is 40 rows.
 */
const MAX_REPORT_ROWS = 40;
const HOUR_MS = 3_600_000;

let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(31, { limits: { workdayMaxReportRows: MAX_REPORT_ROWS } });
  // The small world has 14 workers; 250 more, one every six minutes over the last day, put
  // far more than 40 into the report's 30-day prompt range.
  const workers = fixture.sandbox.world.collection("workday", "workers");
  const [model] = [...workers.scanByKey()];
  for (let i = 0; i < 250; i++) {
    const id = `RAAS${String(i).padStart(4, "0")}`;
    workers.upsert({ ...model, Employee_ID: id }, Date.now() - 25 * HOUR_MS + i * 360_000);
  }
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();

describe.each(warehouseCases())("workday RaaS report ranges on $kind", (warehouse) => {
  it("narrows a range whose report is over the row limit and lands every worker once", async () => {
    const { world, requestLog } = fixture.sandbox;
    const target = await freshTarget(warehouse);
    requestLog.clear();
    const run = await syncSources(fixture.configFor(target), { streams: ["workday.workers"] });
    expect(run.streams[0]).toMatchObject({ status: "succeeded" });
    const wh = await warehouse.open(target);
    expect(await landedDifferences(world, wh, "workday", workersStream)).toEqual([]);
    // Each refused range was asked once (not retried as a server error), then halved.
    const refused = requestLog.count({ system: "workday", path: "/customreport2/", status: 500 });
    const answered = requestLog.count({ system: "workday", path: "/customreport2/", status: 200 });
    expect(refused).toBeGreaterThan(0);
    // Halving: every refused range becomes two, so the ranges read are one more than refused
    // per starting range, and at least 264 / 40 ranges are needed for the new workers alone.
    expect(answered).toBeGreaterThanOrEqual(Math.ceil(264 / MAX_REPORT_ROWS));
    expect(run.streams[0]?.requests).toBe(refused + answered);
  });

  it("lands workers whose empty cells the report leaves out (every active worker)", async () => {
    const { sandbox } = fixture;
    // Workday's JSON report has no key for an empty cell: an active worker has no termination date.
    const { tenant, reportOwner, reportName, username, password } = sandbox.credentials.workday;
    const response = await fetch(
      `${sandbox.urls.workday}/ccx/service/customreport2/${tenant}/${reportOwner}/${reportName}?format=json&Updated_From=${new Date(Date.now() - 400 * 86_400_000).toISOString()}&Updated_To=${new Date(Date.now() - 2 * 86_400_000).toISOString()}`,
      { headers: { authorization: `Basic ${btoa(`${username}:${password}`)}` } },
    );
    const rows = ((await response.json()) as { Report_Entry: Record<string, unknown>[] })
      .Report_Entry;
    const active = rows.filter((row) => row.Active_Status === "1");
    expect(active.length).toBeGreaterThan(0);
    expect(active.every((row) => !("Termination_Date" in row))).toBe(true);
    expect(rows.some((row) => Object.values(row).includes(""))).toBe(false);

    const target = await freshTarget(warehouse);
    const run = await syncSources(fixture.configFor(target), { streams: ["workday.workers"] });
    expect(run.streams[0]).toMatchObject({ status: "succeeded", quarantinedRows: 0 });
    const wh = await warehouse.open(target);
    const [landed] = await wh.query<{ n: unknown }>(
      "select count(*) as n from src_workday.workers where active_status and termination_date is null",
    );
    expect(Number(landed?.n)).toBeGreaterThanOrEqual(active.length);
    expect(await landedDifferences(fixture.sandbox.world, wh, "workday", workersStream)).toEqual(
      [],
    );
  });
});

describe("workday RaaS report over the row limit within one second", () => {
  it("fails the stream naming the second and what to change, and the other streams land", async () => {
    const warehouse = warehouseCases().find((w) => w.kind === "duckdb");
    if (!warehouse) throw new Error("no duckdb case");
    const workers = fixture.sandbox.world.collection("workday", "workers");
    const [model] = [...workers.scanByKey()];
    const at = Math.floor(Date.now() / 1000) * 1000 - 10 * HOUR_MS;
    for (let i = 0; i <= MAX_REPORT_ROWS; i++) {
      workers.upsert({ ...model, Employee_ID: `SAME${String(i).padStart(3, "0")}` }, at);
    }
    const target = await freshTarget(warehouse);
    const run = await syncSources(fixture.configFor(target), {
      streams: ["workday.workers", "salesforce.Account"],
    });
    const byName = new Map(run.streams.map((stream) => [stream.stream, stream]));
    expect(byName.get("Account")?.status).toBe("succeeded");
    const failed = byName.get("workers");
    expect(failed?.status).toBe("failed");
    expect(failed?.error?.message).toBe(
      `the workers report is over the tenant's row limit for the one second from ${new Date(at).toISOString().slice(0, 19)}Z, the narrowest prompt range`,
    );
    expect(failed?.error?.hint).toContain("raise the report's row limit");
  });
});
