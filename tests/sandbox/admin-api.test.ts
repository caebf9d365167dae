import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/sandbox.js";
import type { GroundTruth, SandboxRecord, SystemName } from "../../sandbox/world/types.js";
import {
  fetchJson,
  salesforceToken,
  startTestSandbox,
  type TestClock,
} from "./sandbox-api-helpers.js";

let sandbox: SandboxHandle;
let clock: TestClock;
const admin = (path: string) => `${sandbox.urls.netsuite}/__sandbox/${path}`;
const post = (path: string, body: unknown) =>
  fetchJson(admin(path), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function timeEntries(ids: string[]): Promise<Record<string, SandboxRecord>> {
  const url = `${sandbox.urls.kantata}/api/v1/time_entries.json?from_archived_workspaces=true&only=${ids.join(",")}`;
  const response = await fetchJson<{ time_entries: Record<string, SandboxRecord> }>(url, {
    headers: { authorization: `Bearer ${sandbox.credentials.kantata.token}` },
  });
  return response.body.time_entries;
}

async function kantataChangedSince(list: string, since: string): Promise<string[]> {
  const url = `${sandbox.urls.kantata}/api/v1/${list}.json?per_page=200&include_archived=true&show_from_archived_workspaces=true&from_archived_workspaces=true&updated_after=${since}`;
  const response = await fetchJson<{ results: Array<{ id: string }> }>(url, {
    headers: { authorization: `Bearer ${sandbox.credentials.kantata.token}` },
  });
  return response.body.results.map((r) => r.id);
}

async function salesforceChangedSince(object: string, since: string): Promise<string[]> {
  const token = await salesforceToken(sandbox);
  const soql = `SELECT Id FROM ${object} WHERE SystemModstamp >= ${since}`;
  const response = await fetchJson<{ records: Array<{ Id: string }> }>(
    `${sandbox.urls.salesforce}/services/data/v60.0/query?q=${encodeURIComponent(soql)}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  return response.body.records.map((r) => r.Id);
}

function exists(system: SystemName, id: string): boolean {
  return sandbox.world.collections(system).some((collection) => {
    if (collection.get(id) !== undefined) return true;
    for (const deletion of collection.deleted()) if (deletion.id === id) return true;
    return false;
  });
}

beforeAll(async () => {
  ({ sandbox, clock } = await startTestSandbox());
});
afterAll(() => sandbox.close());

describe("sandbox admin API", () => {
  it("serves the ground-truth manifest of the world, and its ids exist in the served data", async () => {
    const served = await fetchJson<GroundTruth>(admin("ground-truth"));
    expect(served.status).toBe(200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(sandbox.world.groundTruth())));
    expect(served.body.entries.length).toBeGreaterThan(0);
    for (const entry of served.body.entries) {
      // A PSA entry planted as "deleted" was never served, so only its ERP side can be checked.
      const deletedEntry =
        (entry as { details?: { reason?: string } }).details?.reason === "entry_deleted";
      for (const [system, ids] of Object.entries(entry.systems)) {
        if (deletedEntry && system === "kantata") continue;
        for (const value of Object.values(ids ?? {})) {
          for (const id of Array.isArray(value) ? value : [value]) {
            expect(exists(system as SystemName, id), `${entry.case_id} ${system} ${id}`).toBe(true);
          }
        }
      }
    }
    const kantataId = served.body.entries.find((e) => e.systems.kantata?.time_entry)?.systems
      .kantata?.time_entry;
    expect(Object.keys(await timeEntries([String(kantataId)]))).toEqual([String(kantataId)]);
  });

  it("advances the world: touched records are served as changed since the advance", async () => {
    clock.advance(60_000);
    const report = await post("advance", { inserts: 20, updates: 20 });
    expect(report.status).toBe(200);
    const body = report.body as {
      atMs: number;
      inserted: Record<string, string[]>;
      updated: Record<string, string[]>;
    };
    expect(body.atMs).toBe(clock.ms);
    const keys = new Set([...Object.keys(body.inserted), ...Object.keys(body.updated)]);
    const served = [...keys].filter(
      (key) => key.startsWith("salesforce.") || key.startsWith("kantata."),
    );
    expect(served.length).toBeGreaterThan(0);
    const since = new Date(body.atMs - 1000).toISOString().replace(".000Z", "Z");
    for (const key of served) {
      const [system, name] = key.split(".") as [string, string];
      const touched = [...(body.inserted[key] ?? []), ...(body.updated[key] ?? [])];
      const ids =
        system === "kantata"
          ? await kantataChangedSince(name, since)
          : await salesforceChangedSince(name, since);
      expect(ids, key).toEqual(expect.arrayContaining(touched));
    }
  });

  it("breaks records so they are served malformed, and repairs them with a new modified time", async () => {
    const all = [...sandbox.world.collection("kantata", "time_entries").scanByKey()].map((r) =>
      String(r.id),
    );
    await timeEntries(all.slice(0, 400));
    const broken = await post("break", { system: "kantata", collection: "time_entries", count: 2 });
    const ids = (broken.body as { broken: string[] }).broken;
    expect(ids).toHaveLength(2);
    const before = await timeEntries(ids);
    const current = sandbox.world.collection("kantata", "time_entries");
    for (const id of ids) expect(before[id]).toEqual(JSON.parse(JSON.stringify(current.get(id))));
    clock.advance(5_000);
    const repaired = await post("repair", { ids });
    expect((repaired.body as { repaired: string[] }).repaired.sort()).toEqual([...ids].sort());
    const after = await timeEntries(ids);
    for (const id of ids) {
      expect(after[id]).not.toEqual(before[id]);
      expect(String(after[id]?.updated_at) > String(before[id]?.updated_at)).toBe(true);
    }
  });

  it("fixes planted cases: they leave the manifest", async () => {
    const fixed = await post("fix", { rule: "R01", count: 1 });
    const caseIds = (fixed.body as { fixed: string[] }).fixed;
    expect(caseIds).toHaveLength(1);
    const manifest = await fetchJson<GroundTruth>(admin("ground-truth"));
    expect(manifest.body.entries.map((e) => e.case_id)).not.toContain(caseIds[0]);
  });

  it("refuses malformed admin bodies with 400 and unknown routes with 404", async () => {
    expect((await post("advance", { inserts: "many" })).status).toBe(400);
    expect((await post("break", { system: "kantata", collection: "nope", count: 1 })).status).toBe(
      400,
    );
    expect((await fetchJson(admin("nothing-here"))).status).toBe(404);
  });
});
