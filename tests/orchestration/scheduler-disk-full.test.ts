import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/index.js";
import { createStepRunner } from "../../orchestration/jobs/run-step.js";
import { warehouseRunHistory } from "../../orchestration/scheduler/run-history.js";
import { Scheduler } from "../../orchestration/scheduler/scheduler.js";
import { warehouseRunLock } from "../../orchestration/scheduler/warehouse-run-lock.js";
import { openDuckdbWarehouse } from "../../warehouse/duckdb-dialect.js";
import { migrate } from "../../warehouse/migrate.js";
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
// A full sync of the test sandbox writes ~5.4 MB of DuckDB file and WAL: 3 MB runs out.
const cannotMount = mountTmpfs(disk, "3m");
if (cannotMount) console.warn(`skipping the disk-full test: cannot mount a tmpfs (${cannotMount})`);

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

  it("fails the run naming the full disk, and the next run after space is freed recovers", async () => {
    const config = {
      ...fixture.configFor({ config: { kind: "duckdb", path: "warehouse.duckdb" }, baseDir: disk }),
      schedules: parseConfig(
        'version: 1\nschedules:\n  jobs:\n    hourly: { cron: "0 * * * *", steps: [sync] }\n',
        { file: "pslink.yml", baseDir: disk, env: {} },
      ).schedules,
    };
    // Checkpoints every MB of WAL, as a large sync's every 64 MB: DuckDB gives up on the file
    // when one of them finds the disk full.
    const warehouse = await openDuckdbWarehouse({
      path: join(disk, "warehouse.duckdb"),
      checkpointWalBytes: 1024 * 1024,
    });
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
