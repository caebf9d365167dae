import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncSources } from "../../extractors/sync-sources.js";
import { warehouseCases } from "../support/warehouses.js";
import { ensureBuiltCli, PSLINK_BIN } from "./support/built-cli.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { allStreams, landedFingerprint } from "./support/world-compare.js";

let fixture: SandboxSync;
beforeAll(async () => {
  await ensureBuiltCli();
  fixture = await startSandboxSync(23);
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();

/** Runs `pslink sync` in a child; SIGKILLs it once the sandbox has answered `killAfter` requests. */
async function runCli(config: string, env: Record<string, string>, killAfter?: number) {
  fixture.sandbox.requestLog.clear();
  const child: ChildProcess = spawn(
    process.execPath,
    [PSLINK_BIN, "--config", config, "sync", "--batch-rows", "150"],
    {
      env: { ...process.env, ...env, PSLINK_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let killed = false;
  if (killAfter !== undefined) {
    while (child.exitCode === null && !killed) {
      if (fixture.sandbox.requestLog.count() >= killAfter) killed = child.kill("SIGKILL");
      else await sleep(5);
    }
  }
  const code = await exited;
  return { code, killed, output, requests: fixture.sandbox.requestLog.count() };
}

describe.each(warehouseCases())("crash recovery on $kind", (warehouse) => {
  it("a sync SIGKILLed at several points, then rerun, lands exactly what a clean run lands", async () => {
    const clean = await freshTarget(warehouse);
    expect((await syncSources(fixture.configFor(clean), { batchRows: 150 })).status).toBe(
      "succeeded",
    );

    const crashed = await freshTarget(warehouse);
    const env: Record<string, string> = {};
    const config = await fixture.writeConfigFor(crashed, env);
    let kills = 0;
    for (const killAfter of [12, 30, 55]) {
      const run = await runCli(config, env, killAfter);
      if (run.killed) kills += 1;
      else expect(run.code, run.output).toBe(0);
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    const final = await runCli(config, env);
    expect(final.code, final.output).toBe(0);

    const cleanWh = await warehouse.open(clean);
    const crashedWh = await warehouse.open(crashed);
    for (const { system, stream } of allStreams()) {
      const expected = await landedFingerprint(cleanWh, system, stream);
      const actual = await landedFingerprint(crashedWh, system, stream);
      expect(actual.src, `${system}.${stream.name} current state`).toEqual(expected.src);
      expect(actual.raw, `${system}.${stream.name} raw`).toEqual(expected.raw);
    }
  });
});
