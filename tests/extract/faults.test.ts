import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { STREAM_CATALOG } from "../../extractors/stream-catalog.js";
import type { SandboxCredentials } from "../../sandbox/sandbox.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { warehouseCases } from "../support/warehouses.js";
import { ensureBuiltCli } from "./support/built-cli.js";
import { runPslink } from "./support/cli-run.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";

let fixture: SandboxSync;
beforeAll(() => ensureBuiltCli());
beforeEach(async () => {
  fixture = await startSandboxSync(31);
});
afterEach(() => fixture.close());
const freshTarget = freshTargets();

/** The credential values that are secrets (ids, user names and tenants are not). */
function secrets(credentials: SandboxCredentials): string[] {
  const pem = credentials.netsuite.privateKeyPem;
  const pemBody = pem.split("\n").filter((line) => line.length > 20 && !line.startsWith("-----"));
  return [
    credentials.salesforce.clientSecret,
    credentials.kantata.token,
    credentials.workday.password,
    credentials.workday.clientSecret,
    credentials.workday.refreshToken,
    ...pemBody,
  ];
}

/** Every row of the bookkeeping tables and of every landing table, as text. */
async function warehouseText(wh: Warehouse): Promise<string> {
  const tables = await wh.query<{ s: string; t: string }>(
    `select table_schema as s, table_name as t from information_schema.tables
     where table_schema = 'pslink' or table_schema like 'raw\\_%' or table_schema like 'src\\_%'`,
  );
  const parts: string[] = [];
  for (const { s, t } of tables) {
    const rows = await wh.query(`select * from ${wh.qualified({ schema: s, table: t })}`);
    parts.push(JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)));
  }
  return parts.join("\n");
}

describe.each(warehouseCases())("faults on $kind", (warehouse) => {
  it("retries throttling, server errors, timeouts and bad pages, and quarantines exactly the broken records", async () => {
    const { faults, world, requestLog } = fixture.sandbox;
    faults.add({ system: "kantata", path: "time_entries", kind: "http_429", times: 2 });
    faults.add({
      system: "salesforce",
      path: "/query",
      kind: "http_429_retry_after",
      retry_after_s: 1,
    });
    faults.add({ system: "netsuite", path: "suiteql", kind: "http_500", times: 2 });
    faults.add({ system: "netsuite", path: "suiteql", kind: "http_503" });
    faults.add({ system: "netsuite", path: "suiteql", kind: "expired_token" });
    faults.add({ system: "workday", kind: "timeout", delay_ms: 5_000 });
    faults.add({ system: "kantata", path: "stories", kind: "truncated_json" });
    faults.add({ system: "netsuite", path: "suiteql", kind: "malformed_json" });
    const broken: Record<string, string[]> = {
      "kantata.time_entries": world.breakRecords({
        system: "kantata",
        collection: "time_entries",
        count: 3,
      }),
      "netsuite.customer": world.breakRecords({
        system: "netsuite",
        collection: "customer",
        count: 1,
      }),
      "salesforce.Opportunity": world.breakRecords({
        system: "salesforce",
        collection: "Opportunity",
        count: 2,
      }),
      "workday.workers": world.breakRecords({ system: "workday", collection: "workers", count: 1 }),
    };
    await new Promise((resolve) => setTimeout(resolve, 3_100));

    const target = await freshTarget(warehouse);
    const env: Record<string, string> = {};
    const config = await fixture.writeConfigFor(target, env);
    const run = await runPslink(["--config", config, "sync"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(faults.list()).toEqual([]);
    // The summary: one line per stream with its counts, where the next run starts, and status.
    expect(run.stdout).toMatch(
      /^stream +mode +new +changed +deleted +quarantined +pages +requests +seconds +cursor +status$/m,
    );
    expect(run.stdout).toMatch(
      /^kantata\.time_entries +full +\d+ +0 +0 +\d+ +\d+ +\d+ +\d+\.\d +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z +succeeded$/m,
    );
    expect(requestLog.count({ status: 429 })).toBe(3);
    expect(requestLog.count({ status: 401 })).toBeGreaterThanOrEqual(1);

    const wh = await warehouse.open(target);
    const open = await wh.query<{ source: string; stream: string; record_key: string }>(
      "select source, stream, record_key from pslink.quarantine where resolved_at is null",
    );
    const quarantined: Record<string, string[]> = {};
    for (const row of open) {
      const key = `${row.source}.${row.stream}`;
      quarantined[key] = [...(quarantined[key] ?? []), row.record_key];
    }
    for (const list of Object.values(quarantined)) list.sort();
    for (const list of Object.values(broken)) list.sort();
    expect(quarantined).toEqual(broken);

    const everything = `${run.stdout}\n${run.stderr}\n${await warehouseText(wh)}`;
    for (const secret of secrets(fixture.sandbox.credentials))
      expect(everything.includes(secret)).toBe(false);

    // Repaired at the source, the records land on the next sync and their quarantine rows close.
    await wh.close(); // DuckDB admits one process per file: let the CLI have it.
    world.repairRecords(Object.values(broken).flat());
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const again = await runPslink(["--config", config, "sync"], env);
    expect(again.code, again.stderr).toBe(0);
    const reopened = await warehouse.open(target);
    const still = await reopened.query("select 1 from pslink.quarantine where resolved_at is null");
    expect(still).toEqual([]);
  });

  it("a stream that keeps failing does not stop the others; exit code 1 says what failed", async () => {
    fixture.sandbox.faults.add({ system: "workday", kind: "http_500", times: 1000 });
    const target = await freshTarget(warehouse);
    const env: Record<string, string> = {};
    const config = await fixture.writeConfigFor(target, env);
    const run = await runPslink(["--config", config, "sync"], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("1 stream(s) failed");
    expect(run.stdout).toMatch(/workday\.workers: .*still failing after 6 attempts/);
    const wh = await warehouse.open(target);
    const rows = await wh.query<{ source: string; status: string; error: string | null }>(
      "select source, status, error from pslink.run_streams",
    );
    expect(rows.filter((row) => row.status === "failed").map((row) => row.source)).toEqual([
      "workday",
    ]);
    // Every other stream pslink syncs succeeded.
    const streams = Object.values(STREAM_CATALOG).flat().length;
    expect(rows.filter((row) => row.status === "succeeded")).toHaveLength(streams - 1);
    const everything = `${run.stdout}\n${run.stderr}\n${await warehouseText(wh)}`;
    for (const secret of secrets(fixture.sandbox.credentials))
      expect(everything.includes(secret)).toBe(false);
  });
});
