import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncSources } from "../../extractors/sync-sources.js";
import { ensureBuiltCli, PSLINK_BIN } from "../extract/support/built-cli.js";
import { type SandboxSync, startSandboxSync } from "../extract/support/sandbox-sync.js";
import {
  allStreams,
  differences,
  landedContent,
  worldContent,
} from "../extract/support/world-compare.js";
import { warehouseCases } from "../support/warehouses.js";

interface Exit {
  code: number | null;
  stdout: string;
  finishedStreams: number;
  /** The structured log lines on stderr. */
  logs: Record<string, unknown>[];
}

/**
 * Runs `pslink schedule --once hourly` (sync + build) and sends SIGTERM as soon as the first
 * stream has committed, while other streams are still mid-flight.
 */
function scheduleAndTerminate(configPath: string, env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [PSLINK_BIN, "schedule", "--once", "hourly", "-c", configPath],
      {
        env: { ...process.env, ...env, PSLINK_LOG_LEVEL: "info" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let finishedStreams = 0;
    const logs: Record<string, unknown>[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    createInterface({ input: child.stderr }).on("line", (line) => {
      if (line.startsWith("{")) logs.push(JSON.parse(line) as Record<string, unknown>);
      if (!line.includes('"msg":"stream finished"')) return;
      finishedStreams += 1;
      if (finishedStreams === 1) child.kill("SIGTERM");
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, finishedStreams, logs }));
  });
}

describe.each(warehouseCases())("SIGTERM during a scheduled run on $kind", (warehouseCase) => {
  let fixture: SandboxSync;
  beforeAll(async () => {
    await ensureBuiltCli();
    fixture = await startSandboxSync(23);
  });
  afterAll(async () => fixture?.close());

  it("stops at a safe point, records the run as cancelled, and the next sync loses nothing", async () => {
    const target = await warehouseCase.target();
    const env: Record<string, string> = {};
    const configPath = await fixture.writeConfigFor(target, env);
    // Slow Kantata's time entries so that other streams are still running at the SIGTERM.
    fixture.sandbox.faults.add({
      system: "kantata",
      path: "time_entries",
      kind: "slow",
      delay_ms: 300,
      times: 40,
    });

    const exit = await scheduleAndTerminate(configPath, env);
    fixture.sandbox.faults.clear();
    expect(exit.stdout).toMatch(/^hourly: cancelled/m);
    expect(exit.code).toBe(1);
    // Every line of the run, its streams' and the sync's own included, names the run.
    const runId = exit.logs.find((line) => line.msg === "step started")?.run_id;
    expect(runId).toEqual(expect.any(String));
    const ofStreams = exit.logs.filter((line) => "stream" in line);
    expect(ofStreams.length).toBeGreaterThan(0);
    for (const line of [...ofStreams, ...exit.logs.filter((l) => l.msg === "run finished")])
      expect(line).toMatchObject({ run_id: runId, schedule: "hourly" });
    expect(exit.logs.some((line) => line.msg === "run finished")).toBe(true);

    const config = fixture.configFor(target);
    const wh = await warehouseCase.open(target);
    const runs = await wh.query<{ job: string; status: string }>(
      "select job, status from pslink.runs where job = 'schedule:hourly'",
    );
    expect(runs).toEqual([{ job: "schedule:hourly", status: "cancelled" }]);
    const unfinished = await wh.query("select run_id from pslink.runs where status = 'running'");
    expect(unfinished).toEqual([]);
    // Streams that ran were committed whole; the rest start where they are on the next run.
    const committed = await wh.query<{ n: number }>(
      "select count(*) as n from pslink.run_streams where status = 'succeeded'",
    );
    expect(committed[0]?.n).toBeGreaterThanOrEqual(1);
    expect(committed[0]?.n).toBeLessThan(allStreams().length);

    const rerun = await syncSources(config, { warehouse: wh, trigger: "test" });
    expect(rerun.status).toBe("succeeded");
    for (const { system, stream } of allStreams()) {
      const diff = differences(
        worldContent(fixture.sandbox.world, system, stream),
        await landedContent(wh, system, stream),
      );
      expect(diff, `${system}.${stream.name}`).toEqual([]);
    }
  });
});
