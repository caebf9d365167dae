import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/sandbox.js";
import { workerWid } from "../../sandbox/servers/workday/workday-rows.js";
import type { SandboxRecord } from "../../sandbox/world/types.js";
import {
  fetchJson,
  middleModified,
  startTestSandbox,
  workdayBasic,
} from "./sandbox-api-helpers.js";

let sandbox: SandboxHandle;
const reportUrl = (params: Record<string, string> = {}) => {
  const { tenant, reportOwner, reportName } = sandbox.credentials.workday;
  const query = new URLSearchParams({ format: "json", ...params });
  return `${sandbox.urls.workday}/ccx/service/customreport2/${tenant}/${reportOwner}/${reportName}?${query}`;
};

beforeAll(async () => {
  ({ sandbox } = await startTestSandbox({ limits: { workdayMaxReportRows: 10 } }));
});
afterAll(() => sandbox.close());

describe("workday sandbox: RaaS", () => {
  it("refuses a wrong password and a missing Authorization header", async () => {
    expect((await fetchJson(reportUrl())).status).toBe(401);
    const wrong = `Basic ${Buffer.from("ISU_PSLINK:nope").toString("base64")}`;
    expect((await fetchJson(reportUrl(), { headers: { authorization: wrong } })).status).toBe(401);
  });

  it("fails a pull larger than the report limit, and prompt ranges split it into exact halves", async () => {
    const headers = { authorization: workdayBasic(sandbox) };
    const whole = await fetchJson<{ error: string }>(reportUrl(), { headers });
    expect(whole.status).toBe(500);
    expect(whole.body.error).toMatch(/maximum/);
    const workers = sandbox.world.collection("workday", "workers");
    const middle = new Date(middleModified(sandbox, "workday", "workers")).toISOString();
    const first = await fetchJson<{ Report_Entry: SandboxRecord[] }>(
      reportUrl({ Updated_To: middle }),
      { headers },
    );
    const second = await fetchJson<{ Report_Entry: SandboxRecord[] }>(
      reportUrl({ Updated_From: middle }),
      { headers },
    );
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const ids = [...first.body.Report_Entry, ...second.body.Report_Entry].map((r) => r.Employee_ID);
    expect(ids).toEqual([...workers.scan()].map((r) => r.Employee_ID));
    const middleMs = Date.parse(middle);
    expect(
      second.body.Report_Entry.every((r) => Date.parse(String(r.Last_Updated)) >= middleMs),
    ).toBe(true);
    expect(typeof first.body.Report_Entry[0]?.Active_Status).toBe("string");
  });
});

describe("workday sandbox: REST and OAuth", () => {
  it("pages workers with limit/offset (limit at most 100) behind a refresh-token access token", async () => {
    const { tenant, clientId, clientSecret, refreshToken } = sandbox.credentials.workday;
    const granted = await fetchJson<{ access_token: string }>(
      `${sandbox.urls.workday}/ccx/oauth2/${tenant}/token`,
      {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: refreshToken,
          client_id: clientId,
          client_secret: clientSecret,
        }),
      },
    );
    expect(granted.status).toBe(200);
    const headers = { authorization: `Bearer ${granted.body.access_token}` };
    const url = (limit: number, offset: number) =>
      `${sandbox.urls.workday}/ccx/api/v1/${tenant}/workers?limit=${limit}&offset=${offset}`;
    expect((await fetchJson(url(101, 0), { headers })).status).toBe(400);
    const ids: string[] = [];
    let total = Number.POSITIVE_INFINITY;
    for (let offset = 0; offset < total; offset += 5) {
      const page = await fetchJson<{ total: number; data: Array<{ id: string }> }>(url(5, offset), {
        headers,
      });
      expect(page.status).toBe(200);
      total = page.body.total;
      ids.push(...page.body.data.map((w) => w.id));
    }
    // REST items carry the worker's Workday ID, not its employee number.
    const expected = [...sandbox.world.collection("workday", "workers").scanByKey()].map((w) =>
      workerWid(w.Employee_ID),
    );
    expect(ids).toEqual(expected);
    const refused = await fetchJson(`${sandbox.urls.workday}/ccx/oauth2/${tenant}/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: "x",
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    expect(refused.status).toBe(400);
  });
});
