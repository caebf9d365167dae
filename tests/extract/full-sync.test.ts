import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SyncEvent } from "../../extractors/engine/sync-events.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { warehouseCases } from "../support/warehouses.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { allStreams, differences, landedContent, worldContent } from "./support/world-compare.js";

let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync();
});
afterAll(() => fixture.close());

describe.each(warehouseCases())("full sync on $kind", (warehouse) => {
  it("lands exactly the sandbox's records, stream by stream", async () => {
    const target = await warehouse.target();
    const summary = await syncSources(fixture.configFor(target), { batchRows: 500 });
    const failures = summary.streams
      .filter((s) => s.status === "failed")
      .map((s) => `${s.system}.${s.stream}: ${s.error?.message}`);
    expect(failures).toEqual([]);
    expect(summary.streams).toHaveLength(allStreams().length);

    const wh = await warehouse.open(target);
    for (const { system, stream } of allStreams()) {
      const expected = worldContent(fixture.sandbox.world, system, stream);
      const landed = await landedContent(wh, system, stream);
      expect(expected.size, `${system}.${stream.name} has records`).toBeGreaterThan(0);
      expect(differences(expected, landed), `${system}.${stream.name}`).toEqual([]);
      const result = summary.streams.find((s) => s.system === system && s.stream === stream.name);
      expect(result?.newRows, `${system}.${stream.name} new rows`).toBe(expected.size);
      expect(result?.quarantinedRows).toBe(0);
    }
  });

  it("runs two streams of a system at a time, and reports them in declaration order", async () => {
    /** The most streams of each system seen running at once. */
    const peaks = async (streamsPerSystem?: number) => {
      const running = new Map<string, number>();
      const peak = new Map<string, number>();
      const onEvent = (event: SyncEvent) => {
        if (event.type !== "stream-started" && event.type !== "stream-finished") return;
        const system = event.type === "stream-started" ? event.system : event.result.system;
        const now = (running.get(system) ?? 0) + (event.type === "stream-started" ? 1 : -1);
        running.set(system, now);
        peak.set(system, Math.max(peak.get(system) ?? 0, now));
      };
      // Each system's first answers come slowly, so its first streams are surely running at
      // the same time (small streams otherwise may finish before the next one starts).
      for (const system of ["kantata", "netsuite", "salesforce"] as const)
        fixture.sandbox.faults.add({ system, kind: "slow", delay_ms: 300, times: 4 });
      const target = await warehouse.target();
      const summary = await syncSources(fixture.configFor(target), { onEvent, streamsPerSystem });
      fixture.sandbox.faults.clear();
      expect(summary.status).toBe("succeeded");
      expect(summary.streams.map((s) => `${s.system}.${s.stream}`)).toEqual(
        allStreams().map(({ system, stream }) => `${system}.${stream.name}`),
      );
      return Object.fromEntries(peak);
    };
    expect(await peaks()).toMatchObject({ kantata: 2, netsuite: 2, salesforce: 2, workday: 1 });
    expect(await peaks(1)).toEqual({ kantata: 1, netsuite: 1, salesforce: 1, workday: 1 });
  });
});
