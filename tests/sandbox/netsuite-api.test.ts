import { exportPKCS8, generateKeyPair, importPKCS8, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/sandbox.js";
import {
  fetchJson,
  idsByModified,
  middleModified,
  netsuiteAssertion,
  netsuiteToken,
  startTestSandbox,
  TestClock,
} from "./sandbox-api-helpers.js";

interface SuiteqlPage {
  links: Array<{ rel: string; href: string }>;
  count: number;
  hasMore: boolean;
  items: Array<Record<string, unknown>>;
  offset: number;
  totalResults: number;
}

const TABLES = [
  "subsidiary",
  "customer",
  "job",
  "employee",
  "timebill",
  "transaction",
  "transactionline",
  "accountingperiod",
];

let sandbox: SandboxHandle;
let clock: TestClock;
let token: string;
const headers = () => ({
  authorization: `Bearer ${token}`,
  prefer: "transient",
  "content-type": "application/json",
});

async function suiteql(
  target: SandboxHandle,
  q: string,
  limit: number,
  offset: number,
  bearer = token,
) {
  return fetchJson<SuiteqlPage>(
    `${target.urls.netsuite}/services/rest/query/v1/suiteql?limit=${limit}&offset=${offset}`,
    {
      method: "POST",
      headers: {
        authorization: `Bearer ${bearer}`,
        prefer: "transient",
        "content-type": "application/json",
      },
      body: JSON.stringify({ q }),
    },
  );
}

async function pageAll(q: string, limit = 1000, target = sandbox, bearer = token) {
  const items: Array<Record<string, unknown>> = [];
  for (let offset = 0; ; offset += limit) {
    const page = await suiteql(target, q, limit, offset, bearer);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    if (!page.body.hasMore) return { items, total: page.body.totalResults };
  }
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

beforeAll(async () => {
  ({ sandbox, clock } = await startTestSandbox());
  const granted = await netsuiteToken(sandbox);
  token = (granted.body as { access_token: string }).access_token;
});
afterAll(() => sandbox.close());

describe("netsuite sandbox: auth", () => {
  it("grants a bearer token for a PS256 client assertion signed with the configured key", async () => {
    const granted = await netsuiteToken(sandbox);
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_type: "bearer", expires_in: "3600" });
  });

  it("refuses an assertion whose exp is 60 minutes or more after its iat, as NetSuite does", async () => {
    const { clientId, certificateId, privateKeyPem, scope } = sandbox.credentials.netsuite;
    const key = await importPKCS8(privateKeyPem, "PS256");
    const assertion = (lifetimeSeconds: number) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ scope })
        .setProtectedHeader({ alg: "PS256", typ: "JWT", kid: certificateId })
        .setIssuer(clientId)
        .setAudience(`${sandbox.urls.netsuite}/services/rest/auth/oauth2/v1/token`)
        .setIssuedAt(now)
        .setExpirationTime(now + lifetimeSeconds)
        .sign(key);
    };
    expect((await netsuiteToken(sandbox, await assertion(3600))).status).toBe(400);
    expect((await netsuiteToken(sandbox, await assertion(3599))).status).toBe(200);
  });

  it("refuses a wrong kid, a foreign key, a wrong audience, and calls without a token", async () => {
    const foreign = await exportPKCS8(
      (await generateKeyPair("PS256", { extractable: true })).privateKey,
    );
    for (const overrides of [
      { kid: "other" },
      { pem: foreign },
      { aud: "https://example.invalid/token" },
    ]) {
      const refused = await netsuiteToken(sandbox, await netsuiteAssertion(sandbox, overrides));
      expect(refused.status).toBe(400);
    }
    const anonymous = await suiteql(
      sandbox,
      "SELECT id FROM subsidiary ORDER BY id",
      10,
      0,
      "nope",
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({
      status: 401,
      "o:errorDetails": [{ "o:errorCode": "INVALID_LOGIN" }],
    });
  });
});

describe("netsuite sandbox: SuiteQL", () => {
  it.each(TABLES)(
    "pages %s to the last row: every record once, in (lastmodifieddate, id) order",
    async (table) => {
      const collection = sandbox.world.collection("netsuite", table);
      const key = collection.primaryKey;
      const { items, total } = await pageAll(
        `SELECT * FROM ${table} ORDER BY ${collection.modifiedField}, ${key}`,
      );
      const expected = idsByModified(sandbox, "netsuite", table);
      expect(items.map((item) => String(item[key]))).toEqual(expected);
      expect(total).toBe(expected.length);
      expect(items.every((item) => Array.isArray(item.links))).toBe(true);
    },
  );

  it("returns the envelope with links, and lower-case selected columns only", async () => {
    const page = await suiteql(sandbox, "SELECT ID, EntityId FROM employee ORDER BY id", 5, 5);
    expect(page.body).toMatchObject({ count: 5, offset: 5, hasMore: true });
    expect(page.body.links.map((link) => link.rel)).toEqual([
      "first",
      "previous",
      "self",
      "next",
      "last",
    ]);
    expect(Object.keys(page.body.items[0] ?? {})).toEqual(["links", "id", "entityid"]);
  });

  it("filters incrementally on lastmodifieddate >= TO_TIMESTAMP(...)", async () => {
    const from = middleModified(sandbox, "netsuite", "timebill");
    const q = `SELECT id FROM timebill WHERE lastmodifieddate >= TO_TIMESTAMP('${stamp(from)}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate, id`;
    const { items } = await pageAll(q);
    expect(items.map((item) => item.id)).toEqual(
      idsByModified(sandbox, "netsuite", "timebill", from),
    );
  });

  it("reads the WHERE subset: numbers, T/F strings, doubled quotes, TO_DATE, ORDER BY DESC", async () => {
    const employees = [...sandbox.world.collection("netsuite", "employee").scan()];
    const q =
      "SELECT id FROM employee WHERE laborcost > 0 AND isinactive = 'F' AND entityid != 'O''Neil' " +
      "AND lastmodifieddate >= TO_DATE('2000-01-01', 'YYYY-MM-DD') ORDER BY id DESC";
    const { items } = await pageAll(q);
    const expected = employees
      .filter((e) => Number(e.laborcost) > 0 && e.isinactive === "F")
      .map((e) => String(e.id))
      .sort((a, b) => Number(b) - Number(a));
    expect(items.map((item) => item.id)).toEqual(expected);
    expect(items.length).toBeGreaterThan(0);
  });

  it("filters transaction by type = 'CustInvc'", async () => {
    const { items } = await pageAll(
      "SELECT id, type FROM transaction WHERE type = 'CustInvc' ORDER BY id",
    );
    expect(items.length).toBe(sandbox.world.collection("netsuite", "transaction").size);
    expect(items.every((item) => item.type === "CustInvc")).toBe(true);
  });

  it("refuses an unstable order, a missing Prefer header, limit > 1000 and an offset off the grid", async () => {
    const noOrder = await suiteql(sandbox, "SELECT id FROM customer", 10, 0);
    expect(noOrder.status).toBe(400);
    const unstable = await suiteql(
      sandbox,
      "SELECT id FROM customer ORDER BY lastmodifieddate",
      10,
      0,
    );
    expect(unstable.status).toBe(400);
    expect(unstable.body).toMatchObject({
      title: "Bad Request",
      "o:errorDetails": [{ "o:errorCode": "INVALID_PARAMETER" }],
    });
    expect((await suiteql(sandbox, "SELECT id FROM customer ORDER BY id", 1001, 0)).status).toBe(
      400,
    );
    expect((await suiteql(sandbox, "SELECT id FROM customer ORDER BY id", 10, 5)).status).toBe(400);
    const noPrefer = await fetchJson(`${sandbox.urls.netsuite}/services/rest/query/v1/suiteql`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ q: "SELECT id FROM customer ORDER BY id" }),
    });
    expect(noPrefer.status).toBe(400);
  });

  it("writes bare dates and date-times in the user's date format, TO_CHAR columns as asked", async () => {
    const job = [...sandbox.world.collection("netsuite", "job").scanByKey()][0] as Record<
      string,
      unknown
    >;
    const where = `WHERE id = '${job.id}' ORDER BY id`;
    const bare = await suiteql(
      sandbox,
      `SELECT startdate, lastmodifieddate FROM job ${where}`,
      1,
      0,
    );
    const [year, month, day] = String(job.startdate).split("-").map(Number);
    const modified = String(job.lastmodifieddate);
    const [modYear, modMonth, modDay] = modified.slice(0, 10).split("-").map(Number);
    // As a real account with the default M/D/YYYY preference: a date-time loses its time.
    expect(bare.body.items[0]).toEqual({
      links: [],
      startdate: `${month}/${day}/${year}`,
      lastmodifieddate: `${modMonth}/${modDay}/${modYear}`,
    });
    const written = await suiteql(
      sandbox,
      "SELECT TO_CHAR(startdate, 'YYYY-MM-DD') AS startdate, " +
        `to_char(LastModifiedDate, 'YYYY-MM-DD HH24:MI:SS') modified, TO_CHAR(startdate, 'DD/MM/YYYY') AS dmy FROM job ${where}`,
      1,
      0,
    );
    expect(written.body.items[0]).toEqual({
      links: [],
      startdate: job.startdate,
      modified,
      dmy: `${String(day).padStart(2, "0")}/${String(month).padStart(2, "0")}/${year}`,
    });
    for (const q of [
      `SELECT TO_CHAR(startdate, 'YYYY-MM-DD') FROM job ${where}`,
      `SELECT TO_CHAR(startdate, 'Month DD') AS startdate FROM job ${where}`,
      `SELECT TO_CHAR(nosuchdate, 'YYYY-MM-DD') AS nosuchdate FROM job ${where}`,
    ]) {
      const refused = await suiteql(sandbox, q, 1, 0);
      expect(refused.status, q).toBe(400);
      expect(refused.body).toMatchObject({
        "o:errorDetails": [{ "o:errorCode": "INVALID_PARAMETER" }],
      });
    }
  });

  it("filters on IN (SELECT …): the lines of customer invoices only", async () => {
    const transactions = sandbox.world.collection("netsuite", "transaction");
    const lines = sandbox.world.collection("netsuite", "transactionline");
    const invoice = [...transactions.scanByKey()][0] as Record<string, unknown>;
    const line = [...lines.scanByKey()].find((l) => l.transaction === invoice.id) as Record<
      string,
      unknown
    >;
    const at = Date.now() - 60_000;
    transactions.upsert({ ...invoice, id: "990001", type: "CustPymt", tranid: "PYMT-990001" }, at);
    lines.upsert({ ...line, uniquekey: "990001_1", transaction: "990001" }, at);
    const all = await pageAll("SELECT uniquekey FROM transactionline ORDER BY uniquekey");
    expect(all.items.map((item) => item.uniquekey)).toContain("990001_1");
    const invoiceLines = await pageAll(
      "SELECT uniquekey, transaction FROM transactionline WHERE transaction IN " +
        "(SELECT id FROM transaction WHERE type = 'CustInvc') ORDER BY uniquekey",
    );
    const invoices = new Set(
      [...transactions.scan()].filter((t) => t.type === "CustInvc").map((t) => String(t.id)),
    );
    const expected = [...lines.scan()].filter((l) => invoices.has(String(l.transaction)));
    expect(invoiceLines.total).toBe(expected.length);
    expect(invoiceLines.items.every((item) => invoices.has(String(item.transaction)))).toBe(true);
    expect(invoiceLines.items.map((item) => item.uniquekey)).not.toContain("990001_1");
    const unknownTable = await suiteql(
      sandbox,
      "SELECT id FROM transactionline WHERE transaction IN (SELECT id FROM nosuch) ORDER BY id",
      10,
      0,
    );
    expect(unknownTable.status).toBe(400);
    transactions.remove("990001", Date.now());
    lines.remove("990001_1", Date.now());
  });

  it("stops a query at the row ceiling; windows by lastmodifieddate restarted at offset 0 read everything", async () => {
    const { sandbox: capped } = await startTestSandbox({
      limits: { netsuiteMaxRowsPerQuery: 200 },
    });
    try {
      const bearer = ((await netsuiteToken(capped)).body as { access_token: string }).access_token;
      const modified = "TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodifieddate";
      const q = `SELECT id, ${modified} FROM timebill ORDER BY lastmodifieddate, id`;
      const beyond = await suiteql(capped, q, 100, 200, bearer);
      expect(beyond.status).toBe(400);
      expect(beyond.body).toMatchObject({
        status: 400,
        "o:errorDetails": [{ "o:errorCode": "INVALID_PARAMETER" }],
      });
      const expected = idsByModified(capped, "netsuite", "timebill");
      const seen = new Set<string>();
      let from = 0;
      for (let window = 0; window < 10_000 && seen.size < expected.length; window += 1) {
        const where = `WHERE lastmodifieddate >= TO_TIMESTAMP('${stamp(from)}', 'YYYY-MM-DD HH24:MI:SS')`;
        const windowed = `SELECT id, ${modified} FROM timebill ${where} ORDER BY lastmodifieddate, id`;
        let last = "";
        for (let offset = 0; offset + 100 <= 200; offset += 100) {
          const page = await suiteql(capped, windowed, 100, offset, bearer);
          expect(page.status).toBe(200);
          for (const item of page.body.items) seen.add(String(item.id));
          last = String(page.body.items.at(-1)?.lastmodifieddate ?? last);
          if (!page.body.hasMore) break;
        }
        const next = Date.parse(`${last.replace(" ", "T")}Z`);
        from = next > from ? next : from + 1000;
      }
      expect(seen).toEqual(new Set(expected));
    } finally {
      await capped.close();
    }
  });
});

describe("netsuite sandbox: records", () => {
  it("creates a timeBill (204 + Location), finds it by eid, and refuses the same externalId twice", async () => {
    const employee = [...sandbox.world.collection("netsuite", "employee").scanByKey()][0] as Record<
      string,
      unknown
    >;
    const job = [...sandbox.world.collection("netsuite", "job").scanByKey()][0] as Record<
      string,
      unknown
    >;
    const body = {
      externalId: "KO-TE-sandbox-1",
      employee: { id: employee.id },
      customer: { id: job.id },
      hours: 7.5,
      tranDate: "2026-01-05",
      isBillable: true,
      memo: "posted by the sandbox test",
    };
    const url = `${sandbox.urls.netsuite}/services/rest/record/v1/timeBill`;
    const lookup = `${url}/eid:KO-TE-sandbox-1`;
    expect((await fetchJson(lookup, { headers: headers() })).status).toBe(404);
    const created = await fetch(url, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(204);
    const location = created.headers.get("location") ?? "";
    expect(location).toMatch(/\/services\/rest\/record\/v1\/timeBill\/\d+$/);
    const found = await fetchJson<Record<string, unknown>>(lookup, { headers: headers() });
    expect(found.status).toBe(200);
    // The record service gives hours as a duration; SuiteQL below gives decimal hours.
    expect(found.body).toMatchObject({
      id: location.split("/").at(-1),
      externalId: "KO-TE-sandbox-1",
      hours: "7:30",
    });
    const row = await suiteql(
      sandbox,
      `SELECT id, trandate, isbillable FROM timebill WHERE externalid = 'KO-TE-sandbox-1' ORDER BY id`,
      10,
      0,
    );
    expect(row.body.items).toEqual([
      { links: [], id: location.split("/").at(-1), trandate: "1/5/2026", isbillable: "T" },
    ]);
    const duplicate = await fetchJson(url, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify(body),
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toMatchObject({ "o:errorDetails": [{ "o:errorCode": "DUP_RCRD" }] });
    const writes = sandbox.writes
      .entries({ system: "netsuite", path: "/timeBill" })
      .filter((w) => w.applied);
    expect(writes).toHaveLength(1);
  });

  it("patches a job (204) and upserts a customer by external id; both show in SuiteQL", async () => {
    const job = [...sandbox.world.collection("netsuite", "job").scanByKey()][0] as Record<
      string,
      unknown
    >;
    clock.advance(2_000);
    const patched = await fetch(`${sandbox.urls.netsuite}/services/rest/record/v1/job/${job.id}`, {
      method: "PATCH",
      headers: headers(),
      body: JSON.stringify({ companyName: "Patched project" }),
    });
    expect(patched.status).toBe(204);
    const jobRow = await suiteql(
      sandbox,
      `SELECT companyname, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodifieddate FROM job WHERE id = '${job.id}' ORDER BY id`,
      1,
      0,
    );
    expect(jobRow.body.items[0]).toMatchObject({
      companyname: "Patched project",
      lastmodifieddate: stamp(clock.ms),
    });
    const customerUrl = `${sandbox.urls.netsuite}/services/rest/record/v1/customer/eid:SF-ACC-sandbox`;
    const created = await fetch(customerUrl, {
      method: "PUT",
      headers: headers(),
      body: JSON.stringify({ companyName: "Upserted Ltd" }),
    });
    expect(created.status).toBe(204);
    const updated = await fetch(customerUrl, {
      method: "PUT",
      headers: headers(),
      body: JSON.stringify({ companyName: "Upserted Ltd (2)" }),
    });
    expect(updated.status).toBe(204);
    const rows = await suiteql(
      sandbox,
      "SELECT companyname FROM customer WHERE externalid = 'SF-ACC-sandbox' ORDER BY id",
      10,
      0,
    );
    expect(rows.body.items).toEqual([{ links: [], companyname: "Upserted Ltd (2)" }]);
    const invalid = await fetchJson(
      `${sandbox.urls.netsuite}/services/rest/record/v1/job/${job.id}`,
      {
        method: "PATCH",
        headers: headers(),
        body: JSON.stringify({ projectedTotalValue: "lots" }),
      },
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      title: "Bad Request",
      status: 400,
      "o:errorDetails": [{ "o:errorCode": "INVALID_CONTENT" }],
    });
  });

  it("patches a timeBill (204) as the record service does: the next SuiteQL read shows it", async () => {
    const bill = [...sandbox.world.collection("netsuite", "timebill").scanByKey()][0] as Record<
      string,
      unknown
    >;
    const job = [...sandbox.world.collection("netsuite", "job").scanByKey()].find(
      (candidate) => candidate.id !== bill.customer,
    ) as Record<string, unknown>;
    clock.advance(2_000);
    // The record id is `timebill`; the path takes it in any case, as for the create.
    const url = `${sandbox.urls.netsuite}/services/rest/record/v1/timeBill/${bill.id}`;
    const patched = await fetch(url, {
      method: "PATCH",
      headers: headers(),
      body: JSON.stringify({ hours: 4.25, isBillable: false, customer: { id: job.id } }),
    });
    expect(patched.status).toBe(204);
    const row = await suiteql(
      sandbox,
      `SELECT hours, isbillable, customer, trandate, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodifieddate FROM timebill WHERE id = '${bill.id}' ORDER BY id`,
      1,
      0,
    );
    expect(row.body.items[0]).toMatchObject({
      hours: 4.25,
      isbillable: "F",
      customer: job.id,
      lastmodifieddate: stamp(clock.ms),
    });
    const read = await fetchJson<Record<string, unknown>>(
      `${sandbox.urls.netsuite}/services/rest/record/v1/timebill/${bill.id}`,
      { headers: headers() },
    );
    expect(read.body).toMatchObject({
      hours: "4:15",
      isBillable: false,
      customer: { id: job.id },
      tranDate: bill.trandate,
    });
    const invalid = await fetchJson(url, {
      method: "PATCH",
      headers: headers(),
      body: JSON.stringify({ hours: true }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      "o:errorDetails": [{ "o:errorCode": "INVALID_CONTENT", "o:errorPath": "hours" }],
    });
    const missing = await fetchJson(
      `${sandbox.urls.netsuite}/services/rest/record/v1/timeBill/999999999`,
      { method: "PATCH", headers: headers(), body: JSON.stringify({ hours: 1 }) },
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ "o:errorDetails": [{ "o:errorCode": "NONEXISTENT_ID" }] });
  });
});

describe("netsuite sandbox: time bill hours as a duration", () => {
  const record = (id: unknown) =>
    `${sandbox.urls.netsuite}/services/rest/record/v1/timeBill/${String(id)}`;
  const hoursOf = async (id: unknown) =>
    (
      await suiteql(
        sandbox,
        `SELECT id, hours FROM timebill WHERE id = '${String(id)}' ORDER BY id`,
        1,
        0,
      )
    ).body.items[0]?.hours;

  it("takes hours as H:MM on a create and a PATCH, keeps decimal hours for SuiteQL, and gives H:MM back", async () => {
    const employee = [...sandbox.world.collection("netsuite", "employee").scanByKey()][0];
    const job = [...sandbox.world.collection("netsuite", "job").scanByKey()][0];
    const created = await fetch(`${sandbox.urls.netsuite}/services/rest/record/v1/timeBill`, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({
        externalId: "KO-TE-duration-1",
        employee: { id: employee?.id },
        customer: { id: job?.id },
        hours: "7:22",
        tranDate: "2026-01-06",
      }),
    });
    expect(created.status).toBe(204);
    const id = created.headers.get("location")?.split("/").at(-1);
    expect(await hoursOf(id)).toBe(442 / 60);
    expect(sandbox.world.collection("netsuite", "timebill").get(String(id))?.hours).toBe(442 / 60);
    const read = await fetchJson<Record<string, unknown>>(record(id), { headers: headers() });
    expect(read.body.hours).toBe("7:22");

    // Oracle's example: PATCH …/timebill/<id> with "hours": "4:00".
    clock.advance(2_000);
    const patched = await fetch(record(id), {
      method: "PATCH",
      headers: headers(),
      body: JSON.stringify({ hours: "4:00" }),
    });
    expect(patched.status).toBe(204);
    expect(await hoursOf(id)).toBe(4);
    // A number of hours is still taken, and shown to the minute.
    await fetch(record(id), {
      method: "PATCH",
      headers: headers(),
      body: JSON.stringify({ hours: 0.5 }),
    });
    expect(await hoursOf(id)).toBe(0.5);
    expect(
      (await fetchJson<Record<string, unknown>>(record(id), { headers: headers() })).body.hours,
    ).toBe("0:30");
  });

  it("answers a malformed duration 400 INVALID_CONTENT naming the field, and changes nothing", async () => {
    const bill = [...sandbox.world.collection("netsuite", "timebill").scanByKey()][1];
    const before = await hoursOf(bill?.id);
    for (const hours of ["4:75", "4:5", "four", "4.25", "-1:00", ""]) {
      const answer = await fetchJson<Record<string, unknown>>(record(bill?.id), {
        method: "PATCH",
        headers: headers(),
        body: JSON.stringify({ hours }),
      });
      expect(answer.status, hours).toBe(400);
      expect(answer.body).toMatchObject({
        title: "Bad Request",
        status: 400,
        "o:errorDetails": [
          {
            "o:errorCode": "INVALID_CONTENT",
            "o:errorPath": "hours",
            detail: `Invalid field value: hours must be a duration H:MM (such as 4:00) or a number of hours, got ${JSON.stringify(hours)}.`,
          },
        ],
      });
    }
    const create = await fetchJson(`${sandbox.urls.netsuite}/services/rest/record/v1/timeBill`, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({
        externalId: "KO-TE-duration-bad",
        hours: "7h30",
        tranDate: "2026-01-06",
      }),
    });
    expect(create.status).toBe(400);
    expect(create.body).toMatchObject({ "o:errorDetails": [{ "o:errorPath": "hours" }] });
    expect(await hoursOf(bill?.id)).toBe(before);
    expect((await fetchJson(record("eid:KO-TE-duration-bad"), { headers: headers() })).status).toBe(
      404,
    );
  });
});

describe("netsuite sandbox: concurrency limit", () => {
  it("answers 429 when more requests are in flight than the account allows", async () => {
    const { sandbox: narrow } = await startTestSandbox({ limits: { netsuiteConcurrency: 2 } });
    try {
      const bearer = ((await netsuiteToken(narrow)).body as { access_token: string }).access_token;
      narrow.faults.add({ system: "netsuite", kind: "slow", delay_ms: 2000, times: 2 });
      const q = "SELECT id FROM subsidiary ORDER BY id";
      const first = suiteql(narrow, q, 10, 0, bearer);
      const second = suiteql(narrow, q, 10, 0, bearer);
      await new Promise((resolve) => setTimeout(resolve, 400));
      const third = await suiteql(narrow, q, 10, 0, bearer);
      expect(third.status).toBe(429);
      expect(third.body).toMatchObject({
        "o:errorDetails": [{ "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED" }],
      });
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
    } finally {
      await narrow.close();
    }
  });
});

describe("netsuite sandbox: an account time zone", () => {
  const ZONE = "America/Los_Angeles";
  /** Stamps time bills every ten minutes across the night Los Angeles falls back (09:00Z). */
  async function fallBackNight(repeated: "earlier" | "later") {
    // The world is built as of the day before.
    const clock = new TestClock();
    clock.ms = Date.parse("2026-10-31T12:00:00Z");
    const started = await startTestSandbox({
      now: clock.now,
      netsuiteZone: { name: ZONE, repeated },
    });
    const { world } = started.sandbox;
    const stamped: number[] = [];
    for (
      let ms = Date.parse("2026-11-01T06:30:00Z");
      ms <= Date.parse("2026-11-01T10:30:00Z");
      ms += 600_000
    ) {
      clock.ms = ms;
      // An update approves a time entry: its time bill is posted now.
      world.advance({ updates: 1 });
      stamped.push(ms);
    }
    const bearer = ((await netsuiteToken(started.sandbox)).body as { access_token: string })
      .access_token;
    const query = async (q: string) => {
      const page = await suiteql(started.sandbox, q, 1000, 0, bearer);
      expect(page.status, q).toBe(200);
      return page.body.items;
    };
    const billAt = (ms: number) =>
      [...world.collection("netsuite", "timebill").scanByKey()].find(
        (bill) => bill.lastmodifieddate === stamp(ms),
      ) as Record<string, unknown>;
    return { ...started, stamped, query, billAt };
  }

  it("shows date-times in the zone, bare and through TO_CHAR, and orders them as that text", async () => {
    const night = await fallBackNight("later");
    try {
      expect(night.sandbox.credentials.netsuite.accountTimeZone).toBe(ZONE);
      const first = night.billAt(Date.parse("2026-11-01T08:30:00Z"));
      const second = night.billAt(Date.parse("2026-11-01T09:30:00Z"));
      const evening = night.billAt(Date.parse("2026-11-01T06:30:00Z"));
      const shown = await night.query(
        `SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodifieddate FROM timebill WHERE lastmodifieddate >= TO_TIMESTAMP('2026-10-31 23:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate, id`,
      );
      const text = (id: unknown) => shown.find((item) => item.id === id)?.lastmodifieddate;
      // 01:30 PDT and 01:30 PST: one local text for two instants an hour apart.
      expect([text(first.id), text(second.id)]).toEqual([
        "2026-11-01 01:30:00",
        "2026-11-01 01:30:00",
      ]);
      expect(text(evening.id)).toBe("2026-10-31 23:30:00");
      // Ordered by the alias's text, as Oracle resolves ORDER BY: the two passes interleave.
      const texts = shown.map((item) => String(item.lastmodifieddate));
      expect(texts).toEqual([...texts].sort());
      const ids = shown.map((item) => item.id);
      expect(Math.abs(ids.indexOf(first.id) - ids.indexOf(second.id))).toBeLessThanOrEqual(
        shown.filter((item) => item.lastmodifieddate === "2026-11-01 01:30:00").length - 1,
      );
      const bare = await night.query(
        `SELECT id, lastmodifieddate FROM timebill WHERE id = '${evening.id}' ORDER BY id`,
      );
      expect(bare[0]?.lastmodifieddate).toBe("10/31/2026");
    } finally {
      await night.sandbox.close();
    }
  });

  it.each([
    ["later", false],
    ["earlier", true],
  ] as const)(
    "reads a literal in the repeated hour as its %s instant",
    async (repeated, includesFirst) => {
      const night = await fallBackNight(repeated);
      try {
        const first = night.billAt(Date.parse("2026-11-01T08:30:00Z"));
        const second = night.billAt(Date.parse("2026-11-01T09:30:00Z"));
        const ids = (
          await night.query(
            "SELECT id FROM timebill WHERE lastmodifieddate >= TO_TIMESTAMP('2026-11-01 01:30:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY id",
          )
        ).map((item) => item.id);
        expect(ids).toContain(second.id);
        expect(ids.includes(first.id)).toBe(includesFirst);
      } finally {
        await night.sandbox.close();
      }
    },
  );

  it("refuses a zone Intl does not know", async () => {
    await expect(startTestSandbox({ netsuiteZone: { name: "Mars/Olympus" } })).rejects.toThrow(
      'unknown time zone "Mars/Olympus": give an IANA name such as America/Chicago',
    );
  });
});
