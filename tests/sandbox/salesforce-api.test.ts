import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/sandbox.js";
import {
  fetchJson,
  idsByModified,
  middleModified,
  salesforceToken,
  startTestSandbox,
  type TestClock,
} from "./sandbox-api-helpers.js";

interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Array<Record<string, unknown> & { attributes: { type: string; url: string } }>;
}

let sandbox: SandboxHandle;
let clock: TestClock;
let token: string;
const api = () => `${sandbox.urls.salesforce}/services/data/v60.0`;
const auth = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  ...extra,
});

async function queryAllPages(soql: string, endpoint = "query", batchSize = 200) {
  const headers = auth({ "sforce-query-options": `batchSize=${batchSize}` });
  const pages: QueryPage[] = [];
  let url = `${api()}/${endpoint}?q=${encodeURIComponent(soql)}`;
  for (;;) {
    const response = await fetchJson<QueryPage>(url, { headers });
    expect(response.status).toBe(200);
    pages.push(response.body);
    if (response.body.done) break;
    url = `${sandbox.urls.salesforce}${response.body.nextRecordsUrl}`;
  }
  return { pages, records: pages.flatMap((page) => page.records) };
}

beforeAll(async () => {
  ({ sandbox, clock } = await startTestSandbox({
    size: "medium",
    limits: { salesforceLocatorTtlSeconds: 60 },
  }));
  token = await salesforceToken(sandbox);
});
afterAll(() => sandbox.close());

describe("salesforce sandbox: auth", () => {
  it("issues a bearer token for the client credentials and refuses wrong ones", async () => {
    const refused = await fetchJson(`${sandbox.urls.salesforce}/services/oauth2/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "x",
        client_secret: "y",
      }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      error: "invalid_client_id",
      error_description: "client identifier invalid",
    });
    const wrongSecret = await fetchJson(`${sandbox.urls.salesforce}/services/oauth2/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: sandbox.credentials.salesforce.clientId,
        client_secret: "y",
      }),
    });
    expect(wrongSecret.body).toEqual({
      error: "invalid_client",
      error_description: "invalid client credentials",
    });
    const granted = await fetchJson<Record<string, unknown>>(
      `${sandbox.urls.salesforce}/services/oauth2/token`,
      {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: sandbox.credentials.salesforce.clientId,
          client_secret: sandbox.credentials.salesforce.clientSecret,
        }),
      },
    );
    expect(granted.body).toMatchObject({
      token_type: "Bearer",
      instance_url: sandbox.urls.salesforce,
    });
  });

  it("lists the API versions it serves without a token, and answers 404 under any other", async () => {
    const listed = await fetchJson<Array<{ label: string; url: string; version: string }>>(
      `${sandbox.urls.salesforce}/services/data/`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body[0]).toEqual({
      label: "Summer '14",
      url: "/services/data/v31.0",
      version: "31.0",
    });
    expect(listed.body).toContainEqual({
      label: "Spring '24",
      url: "/services/data/v60.0",
      version: "60.0",
    });
    expect(listed.body.at(-1)).toEqual({
      label: "Spring '26",
      url: "/services/data/v66.0",
      version: "66.0",
    });
    const soql = encodeURIComponent("SELECT Id FROM Account");
    for (const version of ["v30.0", "v67.0"]) {
      const refused = await fetchJson(
        `${sandbox.urls.salesforce}/services/data/${version}/query?q=${soql}`,
        { headers: auth() },
      );
      expect(refused.status).toBe(404);
      expect(refused.body).toEqual([
        { errorCode: "NOT_FOUND", message: "The requested resource does not exist", fields: [] },
      ]);
    }
  });

  it("answers 401 INVALID_SESSION_ID without a token or once it expired, with Sforce-Limit-Info", async () => {
    const none = await fetchJson(
      `${api()}/query?q=${encodeURIComponent("SELECT Id FROM Account")}`,
    );
    expect(none.status).toBe(401);
    expect(none.body).toEqual([
      { message: expect.any(String), errorCode: "INVALID_SESSION_ID", fields: [] },
    ]);
    expect(none.headers.get("sforce-limit-info")).toMatch(/^api-usage=\d+\/\d+$/);
    const shortLived = await salesforceToken(sandbox);
    clock.advance(3601_000);
    const expired = await fetchJson(`${api()}/query?q=SELECT+Id+FROM+Account`, {
      headers: { authorization: `Bearer ${shortLived}` },
    });
    expect(expired.status).toBe(401);
    token = await salesforceToken(sandbox);
  });
});

describe("salesforce sandbox: query", () => {
  it.each(["Account", "Opportunity"])(
    "pages %s to the last record: the whole collection, in order",
    async (object) => {
      const { pages, records } = await queryAllPages(
        `SELECT Id, Name, SystemModstamp FROM ${object} ORDER BY SystemModstamp, Id`,
      );
      const expected = idsByModified(sandbox, "salesforce", object);
      expect(records.map((r) => r.Id)).toEqual(expected);
      expect(new Set(records.map((r) => r.Id)).size).toBe(expected.length);
      expect(pages[0]?.totalSize).toBe(expected.length);
      expect(pages.slice(0, -1).every((page) => page.records.length === 200)).toBe(true);
      expect(records[0]?.attributes.type).toBe(object);
      expect(String(records[0]?.SystemModstamp)).toMatch(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/,
      );
    },
  );

  it("filters incrementally on SystemModstamp >= an unquoted datetime", async () => {
    const from = middleModified(sandbox, "salesforce", "Opportunity");
    const literal = new Date(from).toISOString().replace(".000Z", "Z");
    const { records } = await queryAllPages(
      `SELECT Id FROM Opportunity WHERE SystemModstamp >= ${literal} AND IsDeleted = false ORDER BY SystemModstamp, Id`,
    );
    expect(records.map((r) => r.Id)).toEqual(
      idsByModified(sandbox, "salesforce", "Opportunity", from),
    );
    expect(records.length).toBeGreaterThan(0);
  });

  it("reads the WHERE subset: strings with escapes, !=, numbers, booleans, dates, ORDER BY DESC", async () => {
    const opportunities = [...sandbox.world.collection("salesforce", "Opportunity").scan()];
    const stage = String(opportunities[0]?.StageName);
    const soql =
      `SELECT Id FROM Opportunity WHERE StageName != '${stage.replace("'", "\\'")}' AND Amount >= 0 ` +
      "AND IsClosed = false AND CloseDate > 2000-01-01 ORDER BY Id DESC";
    const { records } = await queryAllPages(soql);
    const expected = opportunities
      .filter((o) => o.StageName !== stage && Number(o.Amount) >= 0 && o.IsClosed === false)
      .map((o) => String(o.Id))
      .sort()
      .reverse();
    expect(records.map((r) => r.Id)).toEqual(expected);
    const quoted = await fetchJson<QueryPage>(
      `${api()}/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Name = 'O\\'Brien & Co'")}`,
      { headers: auth() },
    );
    expect(quoted.body.totalSize).toBe(0);
  });

  it("honours LIMIT and the default batch size of 2000", async () => {
    const response = await fetchJson<QueryPage>(
      `${api()}/query?q=${encodeURIComponent("SELECT Id FROM Opportunity LIMIT 3")}`,
      {
        headers: auth(),
      },
    );
    expect(response.body).toMatchObject({ totalSize: 3, done: true });
  });

  it("rejects SOQL outside the subset with MALFORMED_QUERY and unknown fields with INVALID_FIELD", async () => {
    const malformed = await fetchJson(
      `${api()}/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Name = 'a' OR Name = 'b'")}`,
      {
        headers: auth(),
      },
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual([
      expect.objectContaining({ errorCode: "MALFORMED_QUERY", fields: [] }),
    ]);
    const unknown = await fetchJson(
      `${api()}/query?q=${encodeURIComponent("SELECT Nope FROM Account")}`,
      {
        headers: auth(),
      },
    );
    // As Salesforce words it: the query echoed, a caret under the field, then the reason.
    expect(unknown.body).toEqual([
      expect.objectContaining({
        errorCode: "INVALID_FIELD",
        message: expect.stringMatching(
          /^\nSELECT Nope FROM Account\n {7}\^\nERROR at Row:1:Column:8\nNo such column 'Nope' on entity 'Account'\./,
        ),
      }),
    ]);
  });

  it("expires idle query locators with INVALID_QUERY_LOCATOR", async () => {
    const first = await fetchJson<QueryPage>(
      `${api()}/query?q=${encodeURIComponent("SELECT Id FROM Opportunity")}`,
      {
        headers: auth({ "sforce-query-options": "batchSize=200" }),
      },
    );
    expect(first.body.done).toBe(false);
    clock.advance(61_000);
    const next = await fetchJson(`${sandbox.urls.salesforce}${first.body.nextRecordsUrl}`, {
      headers: auth(),
    });
    expect(next.status).toBe(400);
    expect(next.body).toEqual([expect.objectContaining({ errorCode: "INVALID_QUERY_LOCATOR" })]);
  });
  it("the expired_locator fault kills a live locator: INVALID_QUERY_LOCATOR, and the query restarts", async () => {
    const soql = encodeURIComponent("SELECT Id FROM Opportunity ORDER BY Id");
    const headers = auth({ "sforce-query-options": "batchSize=200" });
    const first = await fetchJson<QueryPage>(`${api()}/query?q=${soql}`, { headers });
    const nextUrl = `${sandbox.urls.salesforce}${first.body.nextRecordsUrl}`;
    sandbox.faults.add({ system: "salesforce", kind: "expired_locator" });
    const expired = await fetchJson(nextUrl, { headers });
    expect(expired.status).toBe(400);
    expect(expired.body).toEqual([expect.objectContaining({ errorCode: "INVALID_QUERY_LOCATOR" })]);
    expect((await fetchJson(nextUrl, { headers })).status).toBe(400);
    const again = await fetchJson<QueryPage>(`${api()}/query?q=${soql}`, { headers });
    const second = await fetchJson<QueryPage>(
      `${sandbox.urls.salesforce}${again.body.nextRecordsUrl}`,
      { headers },
    );
    expect(second.status).toBe(200);
    expect(second.body.records.length).toBeGreaterThan(0);
  });
});

describe("salesforce sandbox: deletes", () => {
  it("shows deleted rows in queryAll (IsDeleted = true) and in getDeleted, not in query", async () => {
    const start = new Date(clock.ms - 60_000).toISOString();
    const report = sandbox.world.advance({ deletes: 6 });
    const deleted = report.deleted["salesforce.Opportunity"] ?? [];
    expect(deleted.length).toBeGreaterThan(0);
    const soql = "SELECT Id, IsDeleted FROM Opportunity ORDER BY SystemModstamp, Id";
    const live = (await queryAllPages(soql)).records.map((r) => r.Id);
    const all = (await queryAllPages(soql, "queryAll")).records;
    for (const id of deleted) {
      expect(live).not.toContain(id);
      expect(all.find((r) => r.Id === id)?.IsDeleted).toBe(true);
    }
    const retained = [
      ...sandbox.world
        .collection("salesforce", "Opportunity")
        .deleted({ fromMs: clock.ms - 15 * 86_400_000 }),
    ];
    expect(all.length).toBe(live.length + retained.length);
    const end = new Date(clock.ms + 60_000).toISOString();
    const feed = await fetchJson<{
      deletedRecords: Array<{ id: string; deletedDate: string }>;
      earliestDateAvailable: string;
      latestDateCovered: string;
    }>(
      `${api()}/sobjects/Opportunity/deleted/?start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`,
      { headers: auth() },
    );
    expect(feed.status).toBe(200);
    expect(feed.body.deletedRecords.map((d) => d.id)).toEqual(expect.arrayContaining(deleted));
    expect(feed.body.latestDateCovered).toMatch(/\+0000$/);
  });

  it("getDeleted dates its coverage: earliestDateAvailable at the log's edge, latestDateCovered the end to the minute", async () => {
    const end = Math.floor(clock.ms / 60_000) * 60_000 - 15_000;
    const feed = await getDeleted("Account", clock.ms - 86_400_000, end);
    expect(feed.earliestDateAvailable).toBe(stamp(clock.ms - 15 * 86_400_000));
    expect(feed.latestDateCovered).toBe(stamp(end - 45_000));
  });

  it("a purged delete log leaves getDeleted and queryAll, and earliestDateAvailable moves past it", async () => {
    const start = clock.ms - 60_000;
    const deleted = sandbox.world.advance({ deletes: 8 }).deleted["salesforce.Account"] ?? [];
    expect(deleted.length).toBeGreaterThan(0);
    const deletedMs = clock.ms;
    clock.advance(5_000);
    const purge = await fetchJson<{ purged: number }>(
      `${sandbox.urls.salesforce}/__sandbox/salesforce/purge-deleted`,
      { method: "POST", body: JSON.stringify({ objects: ["account"] }) },
    );
    expect(purge.status).toBe(200);
    expect(purge.body.purged).toBeGreaterThanOrEqual(deleted.length);
    const feed = await getDeleted("Account", start, clock.ms);
    expect(feed.deletedRecords).toEqual([]);
    expect(feed.earliestDateAvailable).toBe(stamp(deletedMs));
    const all = await queryAllPages("SELECT Id, IsDeleted FROM Account", "queryAll");
    expect(all.records.filter((record) => record.IsDeleted === true)).toEqual([]);
    // Deletes after the purge are logged again; Opportunity's log was not purged.
    const opportunities = await getDeleted("Opportunity", clock.ms - 14 * 86_400_000, clock.ms);
    expect(opportunities.earliestDateAvailable).toBe(stamp(clock.ms - 15 * 86_400_000));
    const unknown = await fetchJson(
      `${sandbox.urls.salesforce}/__sandbox/salesforce/purge-deleted`,
      {
        method: "POST",
        body: JSON.stringify({ objects: ["Nope"] }),
      },
    );
    expect(unknown.status).toBe(400);
  });
});

interface DeletedFeed {
  deletedRecords: Array<{ id: string; deletedDate: string }>;
  earliestDateAvailable: string;
  latestDateCovered: string;
}

async function getDeleted(object: string, startMs: number, endMs: number): Promise<DeletedFeed> {
  const range = `start=${encodeURIComponent(new Date(startMs).toISOString())}&end=${encodeURIComponent(new Date(endMs).toISOString())}`;
  const response = await fetchJson<DeletedFeed>(`${api()}/sobjects/${object}/deleted/?${range}`, {
    headers: auth(),
  });
  expect(response.status).toBe(200);
  return response.body;
}

/** Salesforce's datetime format, as the feed writes it. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

describe("salesforce sandbox: writes", () => {
  it("updates by Id (204) and the change shows in the next query with a newer SystemModstamp", async () => {
    const account = [...sandbox.world.collection("salesforce", "Account").scanByKey()][0] as Record<
      string,
      unknown
    >;
    const before = String(account.SystemModstamp);
    clock.advance(5_000);
    const response = await fetch(`${api()}/sobjects/Account/${account.Id}`, {
      method: "PATCH",
      headers: auth({ "content-type": "application/json" }),
      body: JSON.stringify({ Name: "Renamed by the sandbox test" }),
    });
    expect(response.status).toBe(204);
    const page = await fetchJson<QueryPage>(
      `${api()}/query?q=${encodeURIComponent(`SELECT Id, Name, SystemModstamp FROM Account WHERE Id = '${account.Id}'`)}`,
      { headers: auth() },
    );
    expect(page.body.records[0]).toMatchObject({ Name: "Renamed by the sandbox test" });
    expect(String(page.body.records[0]?.SystemModstamp) > before).toBe(true);
    const journal = sandbox.writes.entries({ system: "salesforce" });
    expect(journal.at(-1)).toMatchObject({
      method: "PATCH",
      status: 204,
      applied: true,
      body: { Name: "Renamed by the sandbox test" },
    });
  });

  it("upserts by external id: 201 on create, 204 on update; validation errors are 400 arrays", async () => {
    const url = `${api()}/sobjects/Account/Name/Sandbox%20Upsert%20Co`;
    const headers = auth({ "content-type": "application/json" });
    const created = await fetchJson<{ id: string; success: boolean }>(url, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ CurrencyIsoCode: "EUR" }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ success: true, errors: [] });
    expect(sandbox.world.collection("salesforce", "Account").get(created.body.id)).toMatchObject({
      Name: "Sandbox Upsert Co",
    });
    const updated = await fetch(url, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ CurrencyIsoCode: "GBP" }),
    });
    expect(updated.status).toBe(204);
    const invalid = await fetchJson(url, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ NoSuchField__c: 1 }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual([
      expect.objectContaining({ errorCode: "INVALID_FIELD", fields: ["NoSuchField__c"] }),
    ]);
  });

  it("applies sObject Collections per record, and none of them with allOrNone when one fails", async () => {
    const [first, second] = [
      ...sandbox.world.collection("salesforce", "Opportunity").scanByKey(),
    ] as Array<Record<string, unknown>>;
    const records = [
      { attributes: { type: "Opportunity" }, id: first?.Id, Name: "Batch A" },
      { attributes: { type: "Opportunity" }, id: second?.Id, Amount: "not a number" },
    ];
    const headers = auth({ "content-type": "application/json" });
    const rolledBack = await fetchJson<
      Array<{ success: boolean; errors: Array<{ statusCode: string }> }>
    >(`${api()}/composite/sobjects`, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ allOrNone: true, records }),
    });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body.map((r) => r.success)).toEqual([false, false]);
    expect(rolledBack.body[0]?.errors[0]?.statusCode).toBe("ALL_OR_NONE_OPERATION_ROLLED_BACK");
    expect(
      sandbox.world.collection("salesforce", "Opportunity").get(String(first?.Id))?.Name,
    ).not.toBe("Batch A");
    const partial = await fetchJson<Array<{ success: boolean }>>(`${api()}/composite/sobjects`, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ allOrNone: false, records }),
    });
    expect(partial.body.map((r) => r.success)).toEqual([true, false]);
    expect(sandbox.world.collection("salesforce", "Opportunity").get(String(first?.Id))?.Name).toBe(
      "Batch A",
    );
    const tooMany = await fetchJson(`${api()}/composite/sobjects`, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ records: Array.from({ length: 201 }, () => records[0]) }),
    });
    expect(tooMany.body).toEqual([expect.objectContaining({ errorCode: "EXCEEDED_ID_LIMIT" })]);
  });
});

describe("salesforce sandbox: API request limit", () => {
  it("answers 403 REQUEST_LIMIT_EXCEEDED once the org's allowance is spent", async () => {
    const { sandbox: limited } = await startTestSandbox({ limits: { salesforceApiRequests: 2 } });
    try {
      const bearer = await salesforceToken(limited);
      const url = `${limited.urls.salesforce}/services/data/v60.0/query?q=SELECT+Id+FROM+Account+LIMIT+1`;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const response = await fetchJson(url, { headers: { authorization: `Bearer ${bearer}` } });
        statuses.push(response.status);
        if (i === 2) {
          expect(response.body).toEqual([
            expect.objectContaining({ errorCode: "REQUEST_LIMIT_EXCEEDED" }),
          ]);
          expect(response.headers.get("sforce-limit-info")).toBe("api-usage=2/2");
        }
      }
      expect(statuses).toEqual([200, 200, 403]);
    } finally {
      await limited.close();
    }
  });
});
