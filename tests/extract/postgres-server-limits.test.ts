import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeError } from "../../core/errors.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { ensureLandingTables } from "../../loaders/ensure-landing-tables.js";
import { landingLayout } from "../../loaders/landing-layout.js";
import { migrate } from "../../warehouse/migrate.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import { runCli } from "../support/run-cli.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { allStreams, landedDifferences } from "./support/world-compare.js";

const postgres = warehouseCases().find((c) => c.kind === "postgres");
const freshTarget = freshTargets();

/**
 * PostgreSQL refusing statements by its limits. Its disk filling up while a batch lands: the
 * server fails the statement with SQLSTATE 53100 (disk_full), raised here by a trigger as the
 * server raises it when it cannot extend a file; the stream fails saying what to free, the others
 * land, and the next run takes the batch again. A COPY refused the same way says the same. A
 * database-wide statement_timeout cancelling a statement names the setting to change. A server
 * that ends idle sessions does not end pslink's, which wait for pages by design.
 */
describe("PostgreSQL limits on a sync (disk, timeouts)", () => {
  let fixture: SandboxSync;
  beforeAll(async () => {
    fixture = await startSandboxSync(41);
  });
  afterAll(async () => fixture?.close());

  /** A fresh database that sets `setting` for every new session, as a server's default would. */
  const targetWith = async (setting: string) => {
    if (!postgres) throw new Error("no PostgreSQL case");
    const target = await freshTarget(postgres);
    const setup = await openWarehouse(target.config, target.baseDir);
    try {
      const [{ database } = { database: "" }] = await setup.query<{ database: string }>(
        "select current_database() as database",
      );
      await setup.execute(`alter database "${database}" set ${setting}`);
    } finally {
      await setup.close();
    }
    return target;
  };

  it("fails the stream naming the server's full disk, and the next run lands it", async () => {
    if (!postgres) throw new Error("no PostgreSQL case");
    const target = await freshTarget(postgres);
    const config = fixture.configFor(target);
    const wh = await openWarehouse(target.config, target.baseDir);
    try {
      await migrate(wh);
      const timeEntries = allStreams().find(
        ({ system, stream }) => system === "kantata" && stream.name === "time_entries",
      );
      if (!timeEntries) throw new Error("no kantata.time_entries stream");
      await ensureLandingTables(wh, landingLayout("kantata", timeEntries.stream));
      await wh.execute(`
        create function raw_kantata.test_disk_full() returns trigger language plpgsql as $$
          begin raise exception using errcode = 'disk_full',
            message = 'could not extend file "base/16384/16385": No space left on device'; end $$;
        create trigger test_disk_full before insert on raw_kantata.time_entries
          for each statement execute function raw_kantata.test_disk_full()`);
      const summary = await syncSources(config);

      const failed = summary.streams.filter((stream) => stream.status === "failed");
      expect(failed.map((stream) => `${stream.system}.${stream.stream}`)).toEqual([
        "kantata.time_entries",
      ]);
      expect(describeError(failed[0]?.error)).toMatch(
        /No space left on device[\s\S]*fix: the PostgreSQL server's disk is full: free space in its data directory/,
      );
      const [landed] = await wh.query<{ n: number }>(
        "select count(*)::int as n from src_kantata.time_entries",
      );
      expect(landed?.n).toBe(0);

      await wh.execute("drop trigger test_disk_full on raw_kantata.time_entries");
      const again = await syncSources(config);
      expect(again.status).toBe("succeeded");
      expect(
        await landedDifferences(fixture.sandbox.world, wh, "kantata", timeEntries.stream),
      ).toEqual([]);
    } finally {
      await wh.close();
    }
  });

  it("names the full disk when a COPY into the warehouse is refused for it", async () => {
    if (!postgres) throw new Error("no PostgreSQL case");
    const target = await freshTarget(postgres);
    const wh = await openWarehouse(target.config, target.baseDir);
    try {
      await wh.execute(`
        create table public.copied (id text);
        create function public.test_disk_full() returns trigger language plpgsql as $$
          begin raise exception using errcode = 'disk_full',
            message = 'could not extend file "base/16384/16390": No space left on device'; end $$;
        create trigger test_disk_full before insert on public.copied
          for each statement execute function public.test_disk_full()`);
      const refused = await wh
        .append({ schema: "public", table: "copied" }, [{ name: "id", type: "text" }], [["a"]])
        .catch((error: unknown) => error);
      expect(describeError(refused)).toMatch(
        /^COPY into public\.copied failed: could not extend file .*No space left on device\n\s*fix: the PostgreSQL server's disk is full/,
      );
    } finally {
      await wh.close();
    }
  });

  it("names the server's statement_timeout when it cancels a statement", async () => {
    const target = await targetWith("statement_timeout = '200ms'");
    // New sessions start with the database's setting, as with a managed server's default.
    const wh = await openWarehouse(target.config, target.baseDir);
    try {
      const cancelled = await wh.execute("select pg_sleep(2)").catch((error: unknown) => error);
      expect(describeError(cancelled)).toMatch(
        /^PostgreSQL: canceling statement due to statement timeout\n\s*fix: the server's statement_timeout cancelled it: exempt pslink's user \(ALTER ROLE <user> SET statement_timeout = 0\)/,
      );
    } finally {
      await wh.close();
    }
  });

  it("keeps its sessions through a server's idle_session_timeout shorter than a page's wait", async () => {
    // The run lock's session and a batch's held session sit idle while pages are awaited.
    const target = await targetWith("idle_session_timeout = '300ms'");
    fixture.sandbox.faults.add({ system: "kantata", kind: "slow", delay_ms: 800, times: 3 });
    const summary = await syncSources(fixture.configFor(target));
    expect(
      summary.streams.filter((s) => s.status !== "succeeded").map((s) => s.error?.message),
    ).toEqual([]);
    expect(summary.status).toBe("succeeded");
  });

  it("names a read-only server when pslink sync cannot write its tables", async () => {
    // What a read replica, or a database an admin made read-only, answers to every write.
    const target = await targetWith("default_transaction_read_only = on");
    const env: Record<string, string> = {};
    const result = await runCli(["sync", "-c", await fixture.writeConfigFor(target, env)], env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /cannot execute .* in a read-only transaction\n\s*fix: the PostgreSQL server takes no writes here: a standby \(read replica\), or default_transaction_read_only is on/,
    );
    // config check --connect says so before any sync.
    const checked = await runCli(
      ["config", "check", "--connect", "-c", await fixture.writeConfigFor(target, env)],
      env,
    );
    expect(checked.code).not.toBe(0);
    expect(`${checked.stdout}${checked.stderr}`).toMatch(
      /the PostgreSQL database takes no writes: default_transaction_read_only is on[\s\S]*fix: point the warehouse at the primary/,
    );
  });
});
