import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncSources } from "../../extractors/sync-sources.js";
import { type SandboxSync, startSandboxSync } from "../extract/support/sandbox-sync.js";
import { runCli } from "../support/run-cli.js";
import { warehouseCases } from "../support/warehouses.js";

const VITE_NODE = fileURLToPath(
  new URL("../../node_modules/vite-node/vite-node.mjs", import.meta.url),
);
const CLI = fileURLToPath(new URL("./fixtures/cli-from-sources.ts", import.meta.url));
const SHOW_CURSOR = "\u001B[?25h";
const HIDE_CURSOR = "\u001B[?25l";

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `pslink sync` from the sources, on an 80×24 (fake) terminal unless `terminal` is false;
 * `signal` is sent once the first stream is done.
 */
function sync(
  configPath: string,
  env: Record<string, string>,
  signal?: NodeJS.Signals,
  terminal = true,
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITE_NODE, CLI, "sync", "-c", configPath], {
      env: { ...process.env, ...env, ...(terminal ? { PSLINK_TEST_TERMINAL: "80x24" } : {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      // The live display marks a finished stream with ✓; the logs say "stream finished".
      if (signal && !sent && /✓|"msg":"stream finished"/.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on("error", reject);
    child.on("exit", (code, exitSignal) => resolve({ code, signal: exitSignal, stdout, stderr }));
  });
}

const [duckdb] = warehouseCases();

describe("interrupting `pslink sync` on a terminal", () => {
  let fixture: SandboxSync;
  beforeAll(async () => {
    fixture = await startSandboxSync(29);
  });
  afterAll(async () => fixture?.close());

  const slowTimeEntries = () =>
    fixture.sandbox.faults.add({
      system: "kantata",
      path: "time_entries",
      kind: "slow",
      delay_ms: 300,
      times: 40,
    });

  it("stops gracefully on the first Ctrl-C: summary printed, run cancelled, cursor restored", async () => {
    const target = await duckdb!.target();
    const env: Record<string, string> = {};
    const configPath = await fixture.writeConfigFor(target, env);
    slowTimeEntries();
    const exit = await sync(configPath, env, "SIGINT");
    fixture.sandbox.faults.clear();

    expect(exit.signal, exit.stderr.slice(-2000)).toBeNull();
    expect(exit.code).toBe(1);
    // The summary, then the streams stopped mid-way or kept from starting, and why.
    expect(exit.stdout).toMatch(/^stream +mode +new/);
    expect(exit.stdout).toMatch(/stream\(s\) (stopped|not started) \(run [\s\S]*SIGINT received/);
    expect(exit.stderr.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(
      exit.stderr.lastIndexOf(HIDE_CURSOR),
    );
    const wh = await duckdb!.open(target);
    const runs = await wh.query<{ status: string }>("select status from pslink.runs");
    expect(runs).toEqual([{ status: "cancelled" }]);
  });

  it("closes a killed run's `running` row when the next run takes the run lock", async () => {
    const target = await duckdb!.target();
    const env: Record<string, string> = {};
    const configPath = await fixture.writeConfigFor(target, env);
    slowTimeEntries();
    const exit = await sync(configPath, env, "SIGKILL");
    fixture.sandbox.faults.clear();
    expect(exit.signal).toBe("SIGKILL");

    const wh = await duckdb!.open(target);
    const [killed] = await wh.query<{ run_id: string; status: string }>(
      "select run_id, status from pslink.runs",
    );
    expect(killed?.status).toBe("running");
    // The streams it was running have their rows too (written when each started).
    const running = await wh.query<{ source: string; stream: string }>(
      "select source, stream from pslink.run_streams where run_id = $1 and status = 'running'",
      [killed?.run_id],
    );
    expect(running.length).toBeGreaterThan(0);
    // status sees that no process holds the run lock: the run was killed, not still going.
    await wh.close();
    const status = await runCli(["-c", configPath, "status"], env);
    expect(status.stdout).toMatch(
      new RegExp(
        `^last sync +interrupted .* run ${killed?.run_id}: no process holds the run lock, so it ended without recording its outcome \\(killed, or its warehouse failed\\); the next sync closes it and reads on$`,
        "m",
      ),
    );

    // So do `runs` and `runs show`, text and JSON: a script polling them does not wait on it.
    const listed = await runCli(["-c", configPath, "runs", "--json"], env);
    expect(JSON.parse(listed.stdout.trim().split("\n")[0] ?? "{}")).toMatchObject({
      run_id: killed?.run_id,
      status: "interrupted",
    });
    const shown = await runCli(["-c", configPath, "runs", "show", killed?.run_id as string], env);
    expect(shown.stdout).toContain(`run ${killed?.run_id}: sync (cli) interrupted`);
    expect(shown.stdout).toContain("  no process holds the run lock");

    const reopened = await duckdb!.open(target);
    const rerun = await syncSources(fixture.configFor(target), {
      warehouse: reopened,
      trigger: "test",
    });
    expect(rerun.status).toBe("succeeded");
    const runs = await reopened.query<{ run_id: string; status: string; error: string | null }>(
      "select run_id, status, error from pslink.runs order by started_at",
    );
    expect(runs).toEqual([
      {
        run_id: killed?.run_id,
        status: "failed",
        error: expect.stringContaining(
          "the process ended without recording its outcome (killed, or its warehouse failed)",
        ),
      },
      { run_id: rerun.runId, status: "succeeded", error: null },
    ]);
    // Its running streams are closed with it, saying what stays of them.
    const closed = await reopened.query<{
      source: string;
      stream: string;
      status: string;
      error: string;
    }>(
      "select source, stream, status, error from pslink.run_streams where run_id = $1 and error like 'the run ended while%' order by source, stream",
      [killed?.run_id],
    );
    expect(closed.map((row) => ({ source: row.source, stream: row.stream }))).toEqual(
      [...running].sort((a, b) =>
        `${a.source}.${a.stream}`.localeCompare(`${b.source}.${b.stream}`),
      ),
    );
    expect(closed.every((row) => row.status === "failed")).toBe(true);
  });

  it("logs every line of a run with its run id, each stream's cursor, and one final record", async () => {
    const target = await duckdb!.target();
    const env: Record<string, string> = { PSLINK_LOG_LEVEL: "info" };
    const configPath = await fixture.writeConfigFor(target, env);
    const exit = await sync(configPath, env, undefined, false);
    expect(exit.code, exit.stderr.slice(-2000)).toBe(0);
    const lines = exit.stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const runLines = lines.filter((line) => line.job === "sync");
    const [final] = runLines.filter((line) => line.msg === "run finished");
    expect(final).toMatchObject({ status: "succeeded", failed: 0, not_started: 0 });
    expect(typeof final?.run_id).toBe("string");
    expect(new Set(runLines.map((line) => line.run_id))).toEqual(new Set([final?.run_id]));
    const finished = runLines.filter((line) => line.msg === "stream finished");
    expect(finished.length).toBe(final?.streams);
    for (const line of finished) expect(line.cursor).toMatch(/^\d{4}-\d\d-\d\dT/);
    const wh = await duckdb!.open(target);
    const runs = await wh.query<{ run_id: string }>("select run_id from pslink.runs");
    expect(runs).toEqual([{ run_id: final?.run_id }]);
  });
});
