import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
});
