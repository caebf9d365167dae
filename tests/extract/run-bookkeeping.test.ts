import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncSources } from "../../extractors/sync-sources.js";
import { migrate } from "../../warehouse/migrate.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { runCli } from "../support/run-cli.js";
import { type WarehouseTarget, warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { allStreams, landedDifferences } from "./support/world-compare.js";

const postgres = warehouseCases().find((c) => c.kind === "postgres");
const freshTarget = freshTargets();

/** A trigger that refuses `event` on `table` (a PostgreSQL that fails the run's bookkeeping). */
const refuse = (table: string, event: "insert" | "update", when = "true") => `
  create or replace function pslink.test_refuse() returns trigger language plpgsql as $$
    begin raise exception 'bookkeeping refused by the test'; end $$;
  create trigger test_refuse before ${event} on ${table} for each row when (${when})
    execute function pslink.test_refuse()`;
const allow = (table: string) => `drop trigger test_refuse on ${table}`;

/**
 * The run's own records (`pslink.runs`, `pslink.run_streams`) failing to write does not end the
 * sync: every stream runs and lands, the summary lists them all and says what was not recorded,
 * and the command exits 1.
 */
describe("a sync whose bookkeeping fails", () => {
  let fixture: SandboxSync;
  beforeAll(async () => {
    fixture = await startSandboxSync(31);
  });
  afterAll(async () => fixture?.close());

  const prepare = async (): Promise<{ target: WarehouseTarget; wh: Warehouse }> => {
    if (!postgres) throw new Error("no PostgreSQL case");
    const target = await freshTarget(postgres);
    const wh = await openWarehouse(target.config, target.baseDir);
    await migrate(wh);
    return { target, wh };
  };

  const expectLandedEverything = async (wh: Warehouse) => {
    for (const { system, stream } of allStreams()) {
      expect({
        stream: `${system}.${stream.name}`,
        differences: await landedDifferences(fixture.sandbox.world, wh, system, stream),
      }).toEqual({ stream: `${system}.${stream.name}`, differences: [] });
    }
  };

  it("runs and lands every stream when one stream's row cannot be written, and says so", async () => {
    const { target, wh } = await prepare();
    try {
      await wh.execute(refuse("pslink.run_streams", "insert", "new.stream = 'time_entries'"));
      const env: Record<string, string> = {};
      const path = await fixture.writeConfigFor(target, env);
      const result = await runCli(["sync", "-c", path], env);

      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /pslink\.runs could not record all of this run \(.*bookkeeping refused by the test.*\); what the streams committed stays/,
      );
      // The per-stream table still lists every stream, each succeeded.
      for (const { system, stream } of allStreams())
        expect(result.stdout).toMatch(new RegExp(`^${system}\\.${stream.name} .* succeeded$`, "m"));
      await expectLandedEverything(wh);
      const [run] = await wh.query<{ status: string; error: string }>(
        "select status, error from pslink.runs where job = 'sync'",
      );
      expect(run?.status).toBe("failed");
      expect(run?.error).toMatch(/could not record all of this run/);
      const recorded = await wh.query<{ stream: string }>("select stream from pslink.run_streams");
      expect(recorded).toHaveLength(allStreams().length - 1);
      expect(recorded.map((row) => row.stream)).not.toContain("time_entries");

      await wh.execute(allow("pslink.run_streams"));
      const again = await syncSources(fixture.configFor(target));
      expect(again.status).toBe("succeeded");
      expect(again.unrecorded).toBeUndefined();
      expect(again.streams.reduce((n, s) => n + s.newRows + s.changedRows, 0)).toBe(0);
    } finally {
      await wh.close();
    }
  });

  it("returns the whole summary when the run's end cannot be recorded; the next run closes the row", async () => {
    const { target, wh } = await prepare();
    try {
      await wh.execute(refuse("pslink.runs", "update"));
      const summary = await syncSources(fixture.configFor(target));

      expect(summary.status).toBe("failed");
      expect(summary.streams).toHaveLength(allStreams().length);
      expect(summary.streams.filter((s) => s.status !== "succeeded")).toEqual([]);
      expect(String(summary.unrecorded)).toMatch(/bookkeeping refused by the test/);
      await expectLandedEverything(wh);
      const [left] = await wh.query<{ status: string }>("select status from pslink.runs");
      expect(left?.status).toBe("running");

      await wh.execute(allow("pslink.runs"));
      const again = await syncSources(fixture.configFor(target));
      expect(again.status).toBe("succeeded");
      const closed = await wh.query<{ run_id: string; status: string; error: string | null }>(
        "select run_id, status, error from pslink.runs where run_id = $1",
        [summary.runId],
      );
      expect(closed).toEqual([
        {
          run_id: summary.runId,
          status: "failed",
          error: expect.stringMatching(/ended without recording its outcome/),
        },
      ]);
    } finally {
      await wh.close();
    }
  });
});
