import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncSources } from "../../extractors/sync-sources.js";
import { type WarehouseCase, warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";

let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(13);
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();

/**
 * Gives the `index`th Kantata user a new headline, lets its second pass, and syncs the users
 * again into `config`'s warehouse: one row changes.
 */
async function editUserAndSync(
  config: ReturnType<SandboxSync["configFor"]>,
  index: number,
  headline: string,
) {
  const users = fixture.sandbox.world.collection("kantata", "users");
  const user = [...users.scanByKey()][index] as Record<string, unknown>;
  users.upsert({ ...user, headline }, Date.now());
  await sleep(3_100);
  const summary = await syncSources(config, { streams: ["kantata.users"] });
  expect(summary.status).toBe("succeeded");
  expect(summary.streams[0]?.changedRows).toBe(1);
  return { users, user };
}

/** A fresh warehouse of `warehouse`'s kind with the Kantata users synced into it once. */
async function syncedUsers(warehouse: WarehouseCase) {
  const target = await freshTarget(warehouse);
  const config = fixture.configFor(target);
  await syncSources(config, { streams: ["kantata.users"] });
  return { target, config, wh: await warehouse.open(target) };
}

describe.each(warehouseCases())("schema drift on $kind", (warehouse) => {
  it("keeps a new field in raw JSON and records it; a type change quarantines the record", async () => {
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    await syncSources(config, { sources: ["kantata"] });

    const users = fixture.sandbox.world.collection("kantata", "users");
    const user = [...users.scanByKey()][0] as Record<string, unknown>;
    users.upsert({ ...user, nickname: "Robin" }, Date.now());
    const workspaces = fixture.sandbox.world.collection("kantata", "workspaces");
    const workspace = [...workspaces.scanByKey()][0] as Record<string, unknown>;
    workspaces.upsert({ ...workspace, budgeted: "yes" }, Date.now());
    await sleep(3_100);

    const summary = await syncSources(config, { sources: ["kantata"] });
    expect(summary.status).toBe("succeeded");
    expect(summary.streams.find((s) => s.stream === "users")).toMatchObject({
      changedRows: 1,
      driftFields: ["nickname"],
    });
    expect(summary.streams.find((s) => s.stream === "workspaces")).toMatchObject({
      quarantinedRows: 1,
      driftFields: ["budgeted"],
    });

    const wh = await warehouse.open(target);
    const drift = await wh.query<{
      stream: string;
      field: string;
      change: string;
      expected_type: string | null;
      observed_type: string;
    }>(
      "select stream, field, change, expected_type, observed_type from pslink.schema_drift order by stream",
    );
    expect(drift).toEqual([
      {
        stream: "users",
        field: "nickname",
        change: "new_field",
        expected_type: null,
        observed_type: "string",
      },
      {
        stream: "workspaces",
        field: "budgeted",
        change: "type_change",
        expected_type: "boolean",
        observed_type: "string",
      },
    ]);
    const [raw] = await wh.query<{ record: unknown }>(
      "select _pslink_record as record from raw_kantata.users where id = $1 order by _pslink_extracted_at desc limit 1",
      [user.id],
    );
    const record = typeof raw?.record === "string" ? JSON.parse(raw.record) : raw?.record;
    expect(record).toMatchObject({ nickname: "Robin" });
    const quarantined = await wh.query(
      "select record_key, reason from pslink.quarantine where stream = 'workspaces'",
    );
    expect(quarantined).toEqual([
      { record_key: workspace.id, reason: expect.stringContaining("budgeted") },
    ]);
  });

  it("records a flag() field arriving as another JSON type as a type change; a value outside its two is only quarantined", async () => {
    const customers = fixture.sandbox.world.collection("netsuite", "customer");
    const [typed, valued] = [...customers.scanByKey()] as Record<string, unknown>[];
    if (!typed || !valued) throw new Error("the sandbox has fewer than two customers");
    // NetSuite writes booleans "T"/"F": a JSON boolean is drift, "X" only a bad value.
    customers.upsert({ ...typed, isinactive: false }, Date.now());
    customers.upsert({ ...valued, isinactive: "X" }, Date.now());
    await sleep(3_100);
    const target = await freshTarget(warehouse);
    const summary = await syncSources(fixture.configFor(target), {
      streams: ["netsuite.customer"],
    });
    expect(summary.streams[0]).toMatchObject({
      status: "succeeded",
      quarantinedRows: 2,
      driftFields: ["isinactive"],
    });
    const wh = await warehouse.open(target);
    expect(
      await wh.query("select field, change, expected_type, observed_type from pslink.schema_drift"),
    ).toEqual([
      {
        field: "isinactive",
        change: "type_change",
        expected_type: "string",
        observed_type: "boolean",
      },
    ]);
    const quarantined = await wh.query<{ record_key: string; reason: string }>(
      "select record_key, reason from pslink.quarantine order by record_key",
    );
    const reasons = new Map([
      [String(typed.id), "isinactive: must be one of T, F; got boolean false"],
      [String(valued.id), "isinactive: must be one of T, F; got 'X'"],
    ]);
    expect(quarantined).toEqual(
      [...reasons.keys()].sort().map((key) => ({ record_key: key, reason: reasons.get(key) })),
    );
  });

  it("gives a field declared after the stream's first sync its column in current state, filled for every row", async () => {
    const { config, wh } = await syncedUsers(warehouse);
    // As if the tables came from a release that did not declare `headline` yet.
    await wh.execute("alter table src_kantata.users drop column headline");

    const { users, user } = await editUserAndSync(config, 0, "Principal consultant");
    const rows = await wh.query<{ headline: unknown }>(
      "select headline from src_kantata.users where id = $1",
      [String(user.id)],
    );
    expect(rows).toEqual([{ headline: "Principal consultant" }]);
    // The users that did not change have theirs too, read from the raw version each row holds.
    const others = await wh.query<{ id: unknown; headline: unknown }>(
      "select id, headline from src_kantata.users where id <> $1",
      [String(user.id)],
    );
    const expected = [...users.scanByKey()]
      .filter((other) => other.id !== user.id)
      .map((other) => [String(other.id), other.headline ?? null]);
    expect(others.map((row) => [String(row.id), row.headline]).sort()).toEqual(expected.sort());
    expect(expected.some(([, headline]) => headline !== null)).toBe(true);
  });

  it("keeps the column of a field no longer declared, and nulls it in a row that changes", async () => {
    const { config, wh } = await syncedUsers(warehouse);
    // As if the tables came from a release that declared a field this one does not read.
    await wh.execute(`alter table src_kantata.users add column nickname ${wh.sqlType("text")}`);
    await wh.execute("update src_kantata.users set nickname = 'from an older release'");

    const { users, user } = await editUserAndSync(config, 1, "Engagement lead");
    const rows = await wh.query<{ id: unknown; headline: unknown; nickname: unknown }>(
      "select id, headline, nickname from src_kantata.users",
    );
    const changed = rows.filter((row) => String(row.id) === String(user.id));
    expect(changed).toEqual([{ id: String(user.id), headline: "Engagement lead", nickname: null }]);
    const others = rows.filter((row) => String(row.id) !== String(user.id));
    expect(others.length).toBe(users.size - 1);
    expect(others.every((row) => row.nickname === "from an older release")).toBe(true);
  });
});

describe("a declared field's new column on PostgreSQL while another session reads the table", () => {
  const postgres = warehouseCases().find((warehouse) => warehouse.kind === "postgres");
  if (!postgres) throw new Error("no PostgreSQL warehouse case");

  it("waits for the reader only briefly at a time, fails the stream naming it, and adds the column once it is gone", async () => {
    const { target, config, wh } = await syncedUsers(postgres);
    await wh.execute("alter table src_kantata.users drop column headline");
    const url = target.config.kind === "postgres" ? (target.config.url?.reveal() ?? "") : "";
    const reader = new pg.Client({ connectionString: url, application_name: "bi-dashboard" });
    await reader.connect();
    try {
      await reader.query("begin");
      await reader.query("select count(*) from src_kantata.users");
      const lockWait = { attemptMs: 100, budgetMs: 1_000 };
      const held = await syncSources(config, { streams: ["kantata.users"], lockWait });
      expect(held.status).toBe("failed");
      const message = held.streams[0]?.error?.message ?? "";
      expect(message).toContain(
        "src_kantata.users stayed in use by other sessions for 1 s, so its new column headline was not added: pid ",
      );
      expect(message).toMatch(/"bi-dashboard", idle in transaction for \d+ s\)/);
      await reader.query("commit");
    } finally {
      await reader.end();
    }
    const freed = await syncSources(config, { streams: ["kantata.users"] });
    expect(freed.status).toBe("succeeded");
    const filled = await wh.query<{ n: unknown }>(
      "select count(*) as n from src_kantata.users where headline is not null",
    );
    expect(Number(filled[0]?.n)).toBeGreaterThan(0);
  });
});

describe("current state's key on DuckDB", () => {
  const duckdb = warehouseCases().find((warehouse) => warehouse.kind === "duckdb");
  if (!duckdb) throw new Error("no DuckDB warehouse case");

  it("has no primary key; a table an earlier release created with one is rebuilt without it, rows and not-null columns kept", async () => {
    const { config, wh } = await syncedUsers(duckdb);
    const constraints = async () =>
      (
        await wh.query<{ constraint_type: string; columns: string }>(
          `select constraint_type, array_to_string(constraint_column_names, ',') as columns
           from duckdb_constraints() where schema_name = 'src_kantata' and table_name = 'users'
           order by all`,
        )
      ).map((row) => `${row.constraint_type}(${row.columns})`);
    const notNull = [
      "NOT NULL(_pslink_hash)",
      "NOT NULL(_pslink_run_id)",
      "NOT NULL(_pslink_updated_at)",
      "NOT NULL(id)",
    ];
    expect(await constraints()).toEqual(notNull);
    // As an earlier release created it.
    await wh.execute("alter table src_kantata.users add primary key (id)");
    expect(await constraints()).toContain("PRIMARY KEY(id)");
    const before = await wh.query<{ id: string; hash: string }>(
      "select id, _pslink_hash as hash from src_kantata.users order by id",
    );

    const { users, user } = await editUserAndSync(config, 2, "Delivery director");
    expect(await constraints()).toEqual(notNull);
    const after = await wh.query<{ id: string; hash: string }>(
      "select id, _pslink_hash as hash from src_kantata.users order by id",
    );
    expect(after.length).toBe(users.size);
    expect(after.map((row) => row.id)).toEqual(before.map((row) => row.id));
    const changed = after.filter((row, i) => row.hash !== before[i]?.hash).map((row) => row.id);
    expect(changed).toEqual([String(user.id)]);
  });
});
