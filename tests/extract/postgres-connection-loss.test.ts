import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PslinkConfig } from "../../core/config/index.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { allStreams, landedDifferences } from "./support/world-compare.js";

const postgres = warehouseCases().find((c) => c.kind === "postgres");
const freshTarget = freshTargets();

/**
 * PostgreSQL ends every connection of the warehouse's database in the middle of a sync (what a
 * restart or a failover does). A batch holds its connection while it waits for pages, and pg
 * reports the loss as an event on that idle client: unwatched, it ended the process. The sync
 * finishes, names what failed, and the next run lands everything.
 */
describe("a sync into PostgreSQL whose connections are cut mid-run", () => {
  let fixture: SandboxSync;
  beforeAll(async () => {
    fixture = await startSandboxSync(29);
  });
  afterAll(async () => fixture?.close());

  /** A plain sync after the cut succeeds and leaves every stream equal to the world. */
  const expectNextRunLandsEverything = async (config: PslinkConfig) => {
    const again = await syncSources(config);
    expect(again.status, JSON.stringify(again.streams.map((s) => s.error?.message))).toBe(
      "succeeded",
    );
    const wh = await openWarehouse(config.warehouse, config.baseDir);
    try {
      for (const { system, stream } of allStreams()) {
        expect({
          stream: `${system}.${stream.name}`,
          differences: await landedDifferences(fixture.sandbox.world, wh, system, stream),
        }).toEqual({ stream: `${system}.${stream.name}`, differences: [] });
      }
    } finally {
      await wh.close();
    }
  };

  it("fails or stops the streams that lost their connection, not the process, and the next run lands everything", async () => {
    if (!postgres) throw new Error("no PostgreSQL case");
    const target = await freshTarget(postgres);
    const config = fixture.configFor(target);
    const url = target.config.kind === "postgres" ? (target.config.url?.reveal() ?? "") : "";
    const database = new URL(url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: url });
    // The database is dropped (with force) after the file, this session with it.
    admin.on("error", () => undefined);
    await admin.connect();
    let cut = 0;
    const cutAll = async () => {
      const { rows } = await admin.query<{ n: number }>(
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
         where datname = $1 and pid <> pg_backend_pid()`,
        [database],
      );
      cut += rows[0]?.n ?? 0;
    };
    const before = fixture.sandbox.requestLog.count();
    let cutting: Promise<void> | undefined;
    const summary = await syncSources(config, {
      // Streams are under way and batches hold their connections: cut them all once.
      onEvent: (event) => {
        if (
          event.type === "records-read" &&
          !cutting &&
          fixture.sandbox.requestLog.count() - before > 40
        )
          cutting = cutAll();
      },
    });
    await cutting;
    await admin.end();
    // pslink's own connections were cut, the run lock's among them.
    expect(cut).toBeGreaterThan(1);
    // A stream whose batch lost its connection fails (transient); the lock went too, so the run
    // stops the others, whichever of the two it hears first.
    const unfinished = summary.streams.filter((s) => s.status !== "succeeded");
    expect(unfinished.length).toBeGreaterThan(0);
    for (const stream of unfinished) {
      if (stream.status === "failed") expect(stream.error?.kind).toBe("transient");
      else
        expect(stream.error?.message).toMatch(/the run lock's connection to PostgreSQL was lost/);
    }

    await expectNextRunLandsEverything(config);
  });

  it("stops the run when the run lock's connection alone is cut, keeping what it committed", async () => {
    if (!postgres) throw new Error("no PostgreSQL case");
    const target = await freshTarget(postgres);
    const config = fixture.configFor(target);
    const url = target.config.kind === "postgres" ? (target.config.url?.reveal() ?? "") : "";
    const admin = new pg.Client({ connectionString: url });
    admin.on("error", () => undefined);
    await admin.connect();
    let cutting: Promise<unknown> | undefined;
    const summary = await syncSources(config, {
      onEvent: (event) => {
        // The lock's session (application_name `pslink-lock <pid>@<host> …`) ends: the lock
        // with it, so another run could take it from here on.
        if (event.type === "records-read" && !cutting)
          cutting = admin.query(
            `select pg_terminate_backend(pid) from pg_stat_activity
             where datname = $1 and application_name like 'pslink-lock %'`,
            [new URL(url).pathname.slice(1)],
          );
      },
    });
    await cutting;
    await admin.end();
    expect(summary.status).toBe("cancelled");
    const stopped = summary.streams.filter((s) => s.status === "cancelled");
    expect(stopped.length + summary.notStarted).toBeGreaterThan(0);
    expect(summary.streams.filter((s) => s.status === "failed")).toEqual([]);
    for (const stream of stopped)
      expect(stream.error?.message).toMatch(
        /^stopped before the stream finished \(the run lock's connection to PostgreSQL was lost \(terminating connection due to administrator command\), and the lock with it\)$/,
      );

    await expectNextRunLandsEverything(config);
  });
});
