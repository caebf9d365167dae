import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/sandbox.js";
import type { SystemName } from "../../sandbox/world/types.js";
import {
  fetchJson,
  netsuiteToken,
  salesforceToken,
  startTestSandbox,
  workdayBasic,
} from "./sandbox-api-helpers.js";

let sandbox: SandboxHandle;
let sfToken: string;
let nsToken: string;

/** One authenticated read per system, as a client would send it. */
function read(system: SystemName): { url: string; init: RequestInit } {
  switch (system) {
    case "salesforce":
      return {
        url: `${sandbox.urls.salesforce}/services/data/v60.0/query?q=${encodeURIComponent("SELECT Id, Name FROM Account")}`,
        init: { headers: { authorization: `Bearer ${sfToken}` } },
      };
    case "netsuite":
      return {
        url: `${sandbox.urls.netsuite}/services/rest/query/v1/suiteql?limit=5&offset=0`,
        init: {
          method: "POST",
          headers: { authorization: `Bearer ${nsToken}`, prefer: "transient" },
          body: JSON.stringify({ q: "SELECT id, name FROM subsidiary ORDER BY id" }),
        },
      };
    case "kantata":
      return {
        url: `${sandbox.urls.kantata}/api/v1/users.json?per_page=5`,
        init: { headers: { authorization: `Bearer ${sandbox.credentials.kantata.token}` } },
      };
    case "workday": {
      const { tenant } = sandbox.credentials.workday;
      return {
        url: `${sandbox.urls.workday}/ccx/api/v1/${tenant}/workers?limit=5`,
        init: { headers: { authorization: workdayBasic(sandbox) } },
      };
    }
  }
}

async function arm(body: Record<string, unknown>) {
  const response = await fetchJson(`${sandbox.urls.kantata}/__sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return response.body;
}

async function hit(system: SystemName) {
  const { url, init } = read(system);
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const SYSTEMS: SystemName[] = ["salesforce", "netsuite", "kantata", "workday"];

beforeAll(async () => {
  ({ sandbox } = await startTestSandbox());
  sfToken = await salesforceToken(sandbox);
  nsToken = ((await netsuiteToken(sandbox)).body as { access_token: string }).access_token;
});
afterAll(() => sandbox.close());

describe("sandbox faults: status faults in each system's own shape", () => {
  it.each(SYSTEMS)(
    "%s: http_429 (no Retry-After), http_429_retry_after, http_500, http_503, expired_token",
    async (system) => {
      await arm({ system, kind: "http_429" });
      const plain = await hit(system);
      expect(plain.status).toBe(429);
      expect(plain.headers.get("retry-after")).toBeNull();
      await arm({ system, kind: "http_429_retry_after", retry_after_s: 7 });
      const polite = await hit(system);
      expect([polite.status, polite.headers.get("retry-after")]).toEqual([429, "7"]);
      await arm({ system, kind: "http_500" });
      expect((await hit(system)).status).toBe(500);
      await arm({ system, kind: "http_503" });
      expect((await hit(system)).status).toBe(503);
      await arm({ system, kind: "expired_token" });
      const expired = await hit(system);
      expect(expired.status).toBe(401);
      const shapes: Record<SystemName, unknown> = {
        salesforce: [expect.objectContaining({ errorCode: "INVALID_SESSION_ID" })],
        netsuite: expect.objectContaining({ status: 401, "o:errorDetails": expect.any(Array) }),
        kantata: { errors: [expect.objectContaining({ type: "oauth" })] },
        workday: expect.objectContaining({ error: expect.any(String) }),
      };
      expect(JSON.parse(expired.text)).toEqual(shapes[system]);
      expect((await hit(system)).status).toBe(200);
    },
  );

  it("sf_request_limit answers Salesforce's 403 REQUEST_LIMIT_EXCEEDED", async () => {
    await arm({ system: "salesforce", kind: "sf_request_limit" });
    const limited = await hit("salesforce");
    expect(limited.status).toBe(403);
    expect(JSON.parse(limited.text)).toEqual([
      expect.objectContaining({ errorCode: "REQUEST_LIMIT_EXCEEDED" }),
    ]);
  });

  it("hits `times` matching requests, filtered by path and method, then stops", async () => {
    expect(
      (await fetch(`${sandbox.urls.kantata}/__sandbox/requests`, { method: "DELETE" })).status,
    ).toBe(204);
    await arm({
      system: "kantata",
      path: "/users.json",
      method: "get",
      kind: "http_503",
      times: 2,
    });
    expect((await fetchJson(`${sandbox.urls.kantata}/__sandbox/faults`)).body).toEqual([
      expect.objectContaining({ kind: "http_503", times: 2, hits: 0 }),
    ]);
    expect((await hit("netsuite")).status).toBe(200);
    expect([
      (await hit("kantata")).status,
      (await hit("kantata")).status,
      (await hit("kantata")).status,
    ]).toEqual([503, 503, 200]);
    const counted = await fetchJson<{ total: number }>(
      `${sandbox.urls.netsuite}/__sandbox/requests?system=kantata&path=/users.json`,
    );
    expect(counted.body.total).toBe(3);
    expect(sandbox.requestLog.count({ system: "kantata", path: "/users.json", status: 503 })).toBe(
      2,
    );
  });

  it("clears armed faults with DELETE and refuses an unknown kind", async () => {
    await arm({ kind: "http_500", times: 5 });
    const cleared = await fetch(`${sandbox.urls.workday}/__sandbox/faults`, { method: "DELETE" });
    expect(cleared.status).toBe(204);
    expect((await hit("workday")).status).toBe(200);
    const refused = await fetch(`${sandbox.urls.workday}/__sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ kind: "gremlins" }),
    });
    expect(refused.status).toBe(400);
  });
});

describe("sandbox faults: broken bodies, delays and hangs", () => {
  it("truncated_json cuts a real page short; malformed_json makes it unparsable", async () => {
    const real = await hit("kantata");
    await arm({ system: "kantata", kind: "truncated_json" });
    const truncated = await hit("kantata");
    expect(truncated.status).toBe(200);
    expect(real.text.startsWith(truncated.text)).toBe(true);
    expect(() => JSON.parse(truncated.text)).toThrow();
    await arm({ system: "netsuite", kind: "malformed_json" });
    const malformed = await hit("netsuite");
    expect(malformed.status).toBe(200);
    expect(() => JSON.parse(malformed.text)).toThrow();
  });

  it("slow delays the answer and then answers normally", async () => {
    await arm({ system: "workday", kind: "slow", delay_ms: 300 });
    const started = performance.now();
    const slow = await hit("workday");
    expect(slow.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("timeout never answers: the client gives up, or the server drops it after delay_ms", async () => {
    await arm({ system: "salesforce", kind: "timeout" });
    const { url, init } = read("salesforce");
    await expect(fetch(url, { ...init, signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(sandbox.requestLog.count({ system: "salesforce", status: 0 })).toBe(1);
    await arm({ system: "salesforce", kind: "timeout", delay_ms: 200 });
    await expect(fetch(url, init)).rejects.toThrow();
    expect((await hit("salesforce")).status).toBe(200);
  });
});

describe("sandbox faults: writes", () => {
  it("write_validation rejects the next write (reads pass) in the vendor's validation shape", async () => {
    await arm({ system: "netsuite", kind: "write_validation" });
    expect((await hit("netsuite")).status).toBe(200);
    const job = [...sandbox.world.collection("netsuite", "job").scanByKey()][0] as Record<
      string,
      unknown
    >;
    const rejected = await fetchJson(
      `${sandbox.urls.netsuite}/services/rest/record/v1/job/${job.id}`,
      {
        method: "PATCH",
        headers: { authorization: `Bearer ${nsToken}`, "content-type": "application/json" },
        body: JSON.stringify({ companyName: "Should not land" }),
      },
    );
    expect(rejected.status).toBe(400);
    expect(rejected.body).toMatchObject({
      title: "Bad Request",
      "o:errorDetails": [{ "o:errorCode": "INVALID_CONTENT" }],
    });
    expect(sandbox.world.collection("netsuite", "job").get(String(job.id))?.companyname).not.toBe(
      "Should not land",
    );
    expect(sandbox.writes.entries({ system: "netsuite" }).at(-1)).toMatchObject({
      status: 400,
      applied: false,
    });
  });

  it("after_processing applies the write, then loses the answer (the double-post trap)", async () => {
    await arm({ system: "kantata", kind: "http_500", after_processing: true, method: "PUT" });
    const user = [...sandbox.world.collection("kantata", "users").scanByKey()][1] as Record<
      string,
      unknown
    >;
    const response = await fetch(`${sandbox.urls.kantata}/api/v1/users/${user.id}.json`, {
      method: "PUT",
      headers: { authorization: `Bearer ${sandbox.credentials.kantata.token}` },
      body: JSON.stringify({ user: { headline: "applied despite the 500" } }),
    });
    expect(response.status).toBe(500);
    expect(sandbox.world.collection("kantata", "users").get(String(user.id))?.headline).toBe(
      "applied despite the 500",
    );
    const journal = await fetchJson<{ writes: Array<{ status: number; applied: boolean }> }>(
      `${sandbox.urls.kantata}/__sandbox/writes?system=kantata`,
    );
    expect(journal.body.writes.at(-1)).toMatchObject({ status: 500, applied: true });
  });
});
