import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declaredColumns } from "../../extractors/engine/define-stream.js";
import type { StreamRunResult, SyncEvent } from "../../extractors/engine/sync-events.js";
import { syncSources } from "../../extractors/sync-sources.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { sandboxCollection } from "./support/sandbox-collections.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import {
  allStreams,
  differences,
  landedContent,
  tableCounts,
  worldContent,
} from "./support/world-compare.js";

/** Small pages, a low SuiteQL row cap and short Workday windows: every paginator has to work. */
let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(5, {
    limits: { netsuiteMaxRowsPerQuery: 400 },
    sources: {
      netsuite: { page_size: 50, max_rows_per_query: 400 },
      kantata: { per_page: 25 },
      workday: { report: { window: "7d" } },
    },
  });
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();
const streams = allStreams();
const label = (s: { system: string; stream: { name: string } }) => `${s.system}.${s.stream.name}`;

describe("stream declarations", () => {
  it.each(streams.map((s) => [label(s), s] as const))(
    "%s is a valid declaration",
    (_name, { system, stream }) => {
      const shape = stream.schema.shape;
      for (const key of stream.primaryKey)
        expect(shape, "primary key declared").toHaveProperty(key);
      if (stream.cursor) expect(shape, "cursor declared").toHaveProperty(stream.cursor);
      expect(() => declaredColumns(stream)).not.toThrow();
      expect(stream.docs).toMatch(/^https:\/\//);
      expect(
        streams.filter((s) => s.system === system && s.stream.name === stream.name),
      ).toHaveLength(1);
      expect(stream.lookback).toBeGreaterThan(0);
    },
  );
});

describe.each(warehouseCases())("connector conformance on $kind", (warehouse) => {
  let wh: Warehouse;
  let full: Map<string, StreamRunResult>;
  let rerun: Map<string, StreamRunResult>;
  const windows = new Map<string, { fromMs: number; toMs: number }>();
  const rawAfterFull = new Map<string, number>();

  beforeAll(async () => {
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    const first = await syncSources(config, { batchRows: 300 });
    full = new Map(first.streams.map((r) => [`${r.system}.${r.stream}`, r]));
    wh = await warehouse.open(target);
    for (const s of streams)
      rawAfterFull.set(label(s), (await tableCounts(wh, s.system, s.stream)).raw);
    const onEvent = (event: SyncEvent) => {
      if (event.type === "stream-started") windows.set(`${event.system}.${event.stream}`, event);
    };
    const second = await syncSources(config, { batchRows: 300, onEvent });
    rerun = new Map(second.streams.map((r) => [`${r.system}.${r.stream}`, r]));
  });

  it.each(streams.map((s) => [label(s), s] as const))(
    "%s pages to the end and lands every record",
    async (name, { system, stream }) => {
      const result = full.get(name);
      expect(result?.status, result?.error?.message).toBe("succeeded");
      const expected = worldContent(fixture.sandbox.world, system, stream);
      expect(result?.recordsRead).toBeGreaterThanOrEqual(expected.size);
      expect(differences(expected, await landedContent(wh, system, stream))).toEqual([]);
      if (expected.size > 400) expect(result?.pages).toBeGreaterThan(5);
    },
  );

  it.each(streams.map((s) => [label(s), s] as const))(
    "%s filters incrementally from its cursor",
    (name, { system, stream }) => {
      const result = rerun.get(name);
      const window = windows.get(name);
      expect(result?.mode).toBe("incremental");
      expect(window).toBeDefined();
      const collection = sandboxCollection(fixture.sandbox.world, system, stream.name);
      const inWindow = (slackMs: number) =>
        [...collection.scan({ fromMs: (window?.fromMs ?? 0) - slackMs, toMs: window?.toMs })]
          .length;
      expect(result?.recordsRead).toBeGreaterThanOrEqual(inWindow(0));
      expect(result?.recordsRead).toBeLessThanOrEqual(inWindow(1000));
    },
  );

  it.each(streams.map((s) => [label(s), s] as const))(
    "%s reruns idempotently",
    async (name, { system, stream }) => {
      expect(rerun.get(name)).toMatchObject({
        status: "succeeded",
        newRows: 0,
        changedRows: 0,
        deletedRows: 0,
      });
      expect((await tableCounts(wh, system, stream)).raw).toBe(rawAfterFull.get(name));
    },
  );

  it.each(streams.map((s) => [label(s), s] as const))(
    "%s schema covers every served field",
    async (_name, { system, stream }) => {
      const drift = await wh.query(
        "select field from pslink.schema_drift where source = $1 and stream = $2",
        [system, stream.name],
      );
      const quarantined = await wh.query(
        "select record_key from pslink.quarantine where source = $1 and stream = $2",
        [system, stream.name],
      );
      expect(drift).toEqual([]);
      expect(quarantined).toEqual([]);
    },
  );
});
