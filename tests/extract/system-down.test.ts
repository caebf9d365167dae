import { readFile, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { STREAMS_PER_SYSTEM } from "../../extractors/sync-sources.js";
import { openWarehouse } from "../../warehouse/open-warehouse.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { runCli } from "../support/run-cli.js";
import { type WarehouseTarget, warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { allStreams, landedDifferences } from "./support/world-compare.js";

let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(53);
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();

/** The sandbox's `max_attempts` for tests (tests/extract/support/sandbox-sync.ts). */
const MAX_ATTEMPTS = 6;
const kantataStreams = allStreams().filter(({ system }) => system === "kantata");
const otherStreams = allStreams().filter(({ system }) => system !== "kantata");

/** A copy of the config at `path` with Kantata's base_url replaced (the other systems as they were). */
async function withKantataAt(path: string, baseUrl: string): Promise<string> {
  const doc = parse(await readFile(path, "utf8")) as { sources: { kantata: { base_url: string } } };
  doc.sources.kantata.base_url = baseUrl;
  const down = path.replace(/\.yml$/, "-kantata-down.yml");
  await writeFile(down, stringify(doc));
  return down;
}

/** Opens the warehouse for a look and closes it again (DuckDB: the CLI in this process needs it). */
async function inWarehouse<T>(target: WarehouseTarget, look: (wh: Warehouse) => Promise<T>) {
  const wh = await openWarehouse(target.config, target.baseDir);
  try {
    return await look(wh);
  } finally {
    await wh.close();
  }
}

/** Streams whose landed current state differs from the sandbox's records, with the differences. */
async function notLanded(wh: Warehouse, streams: typeof kantataStreams) {
  const wrong: Record<string, string[]> = {};
  for (const { system, stream } of streams) {
    const differences = await landedDifferences(fixture.sandbox.world, wh, system, stream);
    if (differences.length > 0) wrong[`${system}.${stream.name}`] = differences.slice(0, 5);
  }
  return wrong;
}

interface RunStreamRow extends Record<string, unknown> {
  source: string;
  stream: string;
  status: string;
  requests: number;
  error: string | null;
}

async function runStreams(wh: Warehouse, runId: string): Promise<RunStreamRow[]> {
  const rows = await wh.query<RunStreamRow>(
    "select source, stream, status, requests, error from pslink.run_streams where run_id = $1",
    [runId],
  );
  return rows.map((row) => ({ ...row, requests: Number(row.requests) }));
}

/** Kantata's committed cursors (`pslink.stream_state`), by stream. */
async function kantataCursors(wh: Warehouse): Promise<Record<string, string>> {
  const rows = await wh.query<{ stream: string; cursor: unknown; state: unknown }>(
    "select stream, cursor, state from pslink.stream_state where source = 'kantata'",
  );
  return Object.fromEntries(
    rows.map((row) => [row.stream, JSON.stringify([row.cursor, row.state])]),
  );
}

/** Records stamped by an advance fall inside the next window once the safety lag has passed. */
const afterSafetyLag = () => sleep(3_100);

describe.each(warehouseCases())("a source system that is down, on $kind", (warehouse) => {
  it("fails its first stream with the address, does not run the rest, lands the other systems, and the next sync reads it all", async () => {
    const target = await freshTarget(warehouse);
    const env: Record<string, string> = {};
    const config = await fixture.writeConfigFor(target, env);
    const down = await withKantataAt(config, "http://127.0.0.1:1/api/v1");

    const synced = await runCli(["-c", down, "sync"], env);
    expect(synced.code, synced.stderr.slice(-2000)).toBe(1);
    const runId = new RegExp(
      `^${kantataStreams.length} stream\\(s\\) failed \\(run (\\S+)\\):$`,
      "m",
    ).exec(synced.stdout)?.[1] as string;
    expect(runId, synced.stdout).toBeDefined();
    const reason =
      "kantata is unreachable: nothing answered at http://127.0.0.1:1 (ECONNREFUSED); check sources.kantata.base_url and the network";
    // The stream that found it names the request and the fix; the rest say why in one line each.
    expect(synced.stdout).toMatch(
      /^ {2}kantata\.\w+: kantata GET http:\/\/127\.0\.0\.1:1\/api\/v1\/\S+ still failing after 6 attempts: network error \(ECONNREFUSED\)\n {6}fix: nothing answered at http:\/\/127\.0\.0\.1:1: check sources\.kantata\.base_url and the network, then rerun$/m,
    );
    const notRun = synced.stdout
      .split("\n")
      .filter((line) => line.endsWith(`: not run: ${reason}`));
    expect(notRun.length).toBeGreaterThanOrEqual(kantataStreams.length - STREAMS_PER_SYSTEM);

    await inWarehouse(target, async (wh) => {
      const rows = await runStreams(wh, runId);
      const kantata = rows.filter((row) => row.source === "kantata");
      expect(kantata.map((row) => row.stream).sort()).toEqual(
        kantataStreams.map(({ stream }) => stream.name).sort(),
      );
      expect(kantata.every((row) => row.status === "failed")).toBe(true);
      // Each stream gave up or stopped on its own, one retry ladder after another: no more
      // requests than the streams running at once send in one ladder.
      expect(kantata.reduce((sum, row) => sum + row.requests, 0)).toBeLessThanOrEqual(
        STREAMS_PER_SYSTEM * MAX_ATTEMPTS,
      );
      const skipped = kantata.filter((row) => row.error?.startsWith("not run: "));
      expect(skipped.length).toBe(notRun.length);
      for (const row of skipped)
        expect(row).toMatchObject({ requests: 0, error: `not run: ${reason}` });
      for (const row of kantata.filter((row) => !skipped.includes(row)))
        expect(row.error).toMatch(
          /still failing after 6 attempts: network error \(ECONNREFUSED\)\n {2}fix: nothing answered at http:\/\/127\.0\.0\.1:1: check sources\.kantata\.base_url|^stopped: kantata is unreachable: nothing answered at http:\/\/127\.0\.0\.1:1/,
        );
      expect(rows.filter((row) => row.source !== "kantata" && row.status !== "succeeded")).toEqual(
        [],
      );
      expect(await notLanded(wh, otherStreams)).toEqual({});
      // Nothing was committed for Kantata: no cursor moved.
      expect(await kantataCursors(wh)).toEqual({});
      const [run] = await wh.query<{ status: string; error: string }>(
        "select status, error from pslink.runs where run_id = $1",
        [runId],
      );
      expect(run).toEqual({
        status: "failed",
        error: `${kantataStreams.length} stream(s) failed; ${reason}`,
      });
    });

    const shown = await runCli(["-c", down, "runs", "show", runId], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`  ${kantataStreams.length} stream(s) failed; ${reason}`);
    expect(shown.stdout).toMatch(new RegExp(`^kantata\\.\\w+: not run: ${escaped(reason)}$`, "m"));
    expect(shown.stdout).toMatch(
      /^kantata\.\w+: kantata GET \S+ still failing after 6 attempts: network error \(ECONNREFUSED\)\n {4}fix: nothing answered at http:\/\/127\.0\.0\.1:1: check sources\.kantata\.base_url and the network, then rerun$/m,
    );

    // Kantata back: the next sync reads all of it.
    const again = await runCli(["-c", config, "sync"], env);
    expect(again.code, again.stdout + again.stderr.slice(-2000)).toBe(0);
    await inWarehouse(target, async (wh) => {
      expect(await notLanded(wh, allStreams())).toEqual({});
    });
  });

  it("keeps the cursors of the streams it did not run, and the next sync reads what changed meanwhile", async () => {
    const target = await freshTarget(warehouse);
    const env: Record<string, string> = {};
    const config = await fixture.writeConfigFor(target, env);
    const first = await runCli(["-c", config, "sync"], env);
    expect(first.code, first.stdout + first.stderr.slice(-2000)).toBe(0);
    const before = await inWarehouse(target, kantataCursors);
    expect(Object.keys(before).sort()).toEqual(
      kantataStreams.map(({ stream }) => stream.name).sort(),
    );

    fixture.sandbox.world.advance({ inserts: 4, updates: 4 });
    await afterSafetyLag();
    const down = await withKantataAt(config, "http://kantata.pslink-down.invalid/api/v1");
    const synced = await runCli(["-c", down, "sync"], env);
    expect(synced.code).toBe(1);
    expect(synced.stdout).toContain(
      ": not run: kantata is unreachable: no host is named kantata.pslink-down.invalid (DNS does not know it); check sources.kantata.base_url",
    );
    expect(synced.stdout).toMatch(/still failing after 6 attempts: network error \(ENOTFOUND\)/);
    await inWarehouse(target, async (wh) => {
      expect(await kantataCursors(wh)).toEqual(before);
      expect(await notLanded(wh, otherStreams)).toEqual({});
    });

    const again = await runCli(["-c", config, "sync"], env);
    expect(again.code, again.stdout + again.stderr.slice(-2000)).toBe(0);
    await inWarehouse(target, async (wh) => {
      expect(await notLanded(wh, allStreams())).toEqual({});
    });
  });

  it("fails only the stream whose endpoint keeps failing: the system's other streams run and land", async () => {
    const target = await freshTarget(warehouse);
    const env: Record<string, string> = {};
    const config = await fixture.writeConfigFor(target, env);
    fixture.sandbox.faults.add({
      system: "kantata",
      path: "stories",
      kind: "http_503",
      times: 1_000,
    });
    const synced = await runCli(["-c", config, "sync"], env);
    fixture.sandbox.faults.clear();
    expect(synced.code).toBe(1);
    expect(synced.stdout).toMatch(
      /^1 stream\(s\) failed \(run \S+\):\n {2}kantata\.stories: kantata GET \S+ still failing after 6 attempts: server error \(503\): system: Service temporarily unavailable\.$/m,
    );
    expect(synced.stdout).not.toContain("not run");
    await inWarehouse(target, async (wh) => {
      const others = kantataStreams.filter(({ stream }) => stream.name !== "stories");
      expect(await notLanded(wh, [...others, ...otherStreams])).toEqual({});
    });
  });
});

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
