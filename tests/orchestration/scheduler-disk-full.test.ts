import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/index.js";
import { describeError } from "../../core/errors.js";
import { createStepRunner } from "../../orchestration/jobs/run-step.js";
import { warehouseRunHistory } from "../../orchestration/scheduler/run-history.js";
import { Scheduler } from "../../orchestration/scheduler/scheduler.js";
import { warehouseRunLock } from "../../orchestration/scheduler/warehouse-run-lock.js";
import { migrate } from "../../warehouse/migrate.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { type SandboxSync, startSandboxSync } from "../extract/support/sandbox-sync.js";
import { allStreams, landedDifferences } from "../extract/support/world-compare.js";

/** A tmpfs of `size` at `dir` (root only), or why there cannot be one here. */
function mountTmpfs(dir: string, size: string): string | undefined {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "pipe" });
    return undefined;
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error).trim();
  }
}

const disk = mkdtempSync(join(tmpdir(), "pslink-disk-full-"));
const cannotMount = mountTmpfs(disk, "64m");
if (cannotMount)
  console.warn(`skipping the disk-full tests: cannot mount a tmpfs (${cannotMount})`);

const FILLER = join(disk, "filler");

/** Takes every byte left on the tmpfs. */
function fillDisk(): void {
  const fd = openSync(FILLER, "a");
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * Makes DuckDB give up on the file as a checkpoint on a full disk does in a long sync: with the
 * disk full, a checkpoint that has the WAL's transactions to write is fatal ("invalidated").
 * Nothing else may be running on the warehouse.
 */
async function invalidateOnFullDisk(warehouse: Warehouse): Promise<void> {
  fillDisk();
  await expect(warehouse.execute("checkpoint")).rejects.toThrow(/No space left on device/);
  await expect(warehouse.query("select 1")).rejects.toThrow(/database has been invalidated/);
  rmSync(FILLER);
}

/**
 * `pslink schedule` keeps one DuckDB warehouse open for as long as it runs. When the disk fills
 * up during a sync, DuckDB stops using the file for the rest of the process (it is
 * "invalidated"). The run fails saying to free space on that disk, and once there is room the
 * next scheduled run opens the file again and lands everything, without a restart.
 */
describe.skipIf(cannotMount !== undefined)("the scheduler on a DuckDB disk that fills up", () => {
  let fixture: SandboxSync;
  beforeAll(async () => {
    fixture = await startSandboxSync(37);
  });
  afterAll(async () => {
    await fixture?.close();
    execFileSync("umount", [disk]);
    rmSync(disk, { recursive: true, force: true });
  });

  it("a bulk load on a DuckDB file that DuckDB gave up on returns its own outcome, and the file opens again", async () => {
    const warehouse = await openWarehouse(
      { kind: "duckdb", path: join(disk, "bulk.duckdb") },
      disk,
    );
    try {
      await warehouse.execute(
        "create table t as select range as n, repeat('x', 100) as pad from range(50000)",
      );
      // A load's cleanup (DuckDB's thread count reset) used to fail after it and replace its result.
      const loaded = await warehouse.bulkLoad(async () => {
        await invalidateOnFullDisk(warehouse);
        return "the load's own outcome";
      });
      expect(loaded).toBe("the load's own outcome");
      const failure = await warehouse.query("select 1").catch((error: unknown) => error);
      expect(describeError(failure)).toMatch(
        /fix: DuckDB stopped using the warehouse after a fatal error in this run: the disk is full; free space on the disk that holds .*\. Nothing committed is lost/,
      );

      expect(await warehouse.reopenIfInvalidated?.()).toBe(true);
      expect(await warehouse.query("select count(*)::int as n from t")).toEqual([{ n: 50000 }]);
      expect(await warehouse.reopenIfInvalidated?.()).toBe(false);
    } finally {
      await warehouse.close();
      for (const file of ["bulk.duckdb", "bulk.duckdb.wal", "filler"])
        rmSync(join(disk, file), { force: true });
    }
  });

  it("fails the run naming the full disk, and the next run after DuckDB gave up and space is freed recovers", async () => {
    // A full sync of the test sandbox writes ~5.4 MB of DuckDB file and WAL: 3 MB runs out.
    execFileSync("mount", ["-o", "remount,size=3m", disk]);
    const config = {
      ...fixture.configFor({ config: { kind: "duckdb", path: "warehouse.duckdb" }, baseDir: disk }),
      schedules: parseConfig(
        'version: 1\nschedules:\n  jobs:\n    hourly: { cron: "0 * * * *", steps: [sync] }\n',
        { file: "pslink.yml", baseDir: disk, env: {} },
      ).schedules,
    };
    const warehouse = await openWarehouse(config.warehouse, config.baseDir);
    await migrate(warehouse);
    const logged: { msg: string }[] = [];
    const logger = pino({ base: null }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const scheduler = new Scheduler({
      schedules: config.schedules,
      runStep: createStepRunner({ config, warehouse }),
      history: warehouseRunHistory(warehouse),
      acquireLock: warehouseRunLock(warehouse, logger),
      logger,
      newRunId: (() => {
        let n = 0;
        return () => `disk-run-${++n}`;
      })(),
    });
    try {
      const full = await scheduler.trigger("hourly");
      expect(full.status).toBe("failed");
      expect(full.reason).toContain(`free space on the disk that holds ${disk}`);
      // Between the runs, a checkpoint of what the first run committed finds the disk full.
      await invalidateOnFullDisk(warehouse);

      execFileSync("mount", ["-o", "remount,size=200m", disk]);
      const again = await scheduler.trigger("hourly");
      expect(again).toMatchObject({ runId: "disk-run-2", status: "succeeded" });
      expect(logged.map((line) => line.msg)).toContain(
        "reopened the DuckDB warehouse: DuckDB stopped using it after a fatal error",
      );
      for (const { system, stream } of allStreams()) {
        expect({
          stream: `${system}.${stream.name}`,
          differences: await landedDifferences(fixture.sandbox.world, warehouse, system, stream),
        }).toEqual({ stream: `${system}.${stream.name}`, differences: [] });
      }
      const runs = await warehouse.query<{ run_id: string; status: string }>(
        "select run_id, status from pslink.runs where job = 'schedule:hourly' order by run_id",
      );
      expect(runs).toEqual([
        { run_id: "disk-run-1", status: "failed" },
        { run_id: "disk-run-2", status: "succeeded" },
      ]);
    } finally {
      await scheduler.stop();
      await warehouse.close();
    }
  });
});
