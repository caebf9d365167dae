import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchCollector, splitPage } from "../../extractors/engine/batch-collector.js";
import { JSON_REFUSALS } from "../../extractors/engine/storable-json.js";
import { syncSources } from "../../extractors/sync-sources.js";
import { type WarehouseCase, warehouseCases } from "../support/warehouses.js";
import { runPslink } from "./support/cli-run.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";

let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(17);
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();

const warehouses = warehouseCases();

describe.each(warehouses)("batches on $kind", (warehouse) => {
  /**
   * A full sync of Kantata's time entries during which the oldest entry (on the first page)
   * changes to `changed` once page 1 is out. The first two pages answer slowly, so the change
   * lands while page 2 is on its way; Kantata (and the sandbox) page the live table: the newer
   * version comes again on the last page, and every entry after the old one moves a place
   * earlier. It is stamped inside the run's window (a change stamped later waits for the next
   * run). `before` is what the oldest entry holds when the sync starts.
   */
  async function changeWhilePaging(
    before: (oldest: Record<string, unknown>) => Record<string, unknown>,
    changed: (oldest: Record<string, unknown>) => Record<string, unknown>,
    groupRows?: number,
  ) {
    const { faults, world, requestLog } = fixture.sandbox;
    const entries = world.collection("kantata", "time_entries");
    const oldest = [...entries.scanByKey()].reduce((a, b) =>
      String(a.updated_at) <= String(b.updated_at) ? a : b,
    ) as Record<string, unknown>;
    entries.upsert(before(oldest), Date.parse(String(oldest.updated_at)));
    const path = "time_entries";
    requestLog.clear();
    faults.add({ system: "kantata", path, kind: "slow", delay_ms: 1_500, times: 2 });
    const target = await freshTarget(warehouse);
    let windowEndMs = 0;
    const run = syncSources(fixture.configFor(target), {
      streams: ["kantata.time_entries"],
      groupRows,
      onEvent: (event) => {
        if (event.type === "stream-started") windowEndMs = event.toMs;
      },
    });
    while (requestLog.count({ system: "kantata", path }) < 1) await sleep(20);
    entries.upsert(changed(oldest), windowEndMs - 1_000);
    const [result] = (await run).streams;
    return { result, entries, key: String(oldest.id), wh: await warehouse.open(target) };
  }

  it("hold over 2,147 pages, where a 32-bit record ordinal (page × 1,000,000) overflows (Kantata per_page 1)", async () => {
    const target = await freshTarget(warehouse);
    const config = fixture.configFor(target);
    const kantata = config.sources.kantata;
    if (!kantata) throw new Error("the sandbox config has no kantata source");
    const entries = fixture.sandbox.world.collection("kantata", "time_entries").size;
    expect(entries).toBeGreaterThan(2_147);
    const summary = await syncSources(
      { ...config, sources: { ...config.sources, kantata: { ...kantata, per_page: 1 } } },
      { streams: ["kantata.time_entries"] },
    );
    // One batch of every entry, each on its own page: page 2,148 orders its record past 2^31.
    expect(summary.streams[0]).toMatchObject({ status: "succeeded", newRows: entries });
    expect(summary.streams[0]?.pages).toBe(entries);
  });

  it.each([
    { staged: "in one group", groupRows: undefined },
    { staged: "in groups of 100 records", groupRows: 100 },
  ])(
    "land the newer version of a key met twice in one batch once, in current state and in raw (staged $staged)",
    async ({ groupRows }) => {
      const { result, entries, key, wh } = await changeWhilePaging(
        (oldest) => oldest,
        (oldest) => ({ ...oldest, notes: "edited while paging" }),
        groupRows,
      );
      expect(result).toMatchObject({ status: "succeeded", quarantinedRows: 0 });
      // Every record once, none skipped by the shift, and the edited entry twice; it lands once.
      expect(result?.newRows).toBe(entries.size);
      expect(result?.recordsRead).toBe(entries.size + 1);
      expect(
        await wh.query("select notes from src_kantata.time_entries where id = $1", [key]),
      ).toEqual([{ notes: "edited while paging" }]);
      const raw = await wh.query(
        "select _pslink_record from raw_kantata.time_entries where id = $1",
        [key],
      );
      expect(raw).toHaveLength(1);
      expect(JSON.stringify(raw[0])).toContain("edited while paging");
    },
  );

  it("close the quarantine of a key met bad and then fixed within one batch", async () => {
    // Broken where it stands, fixed while the reader is past the first page.
    const { result, key, wh } = await changeWhilePaging(
      (oldest) => ({ ...oldest, time_in_minutes: "12x" }),
      (oldest) => oldest,
    );
    expect(result).toMatchObject({ status: "succeeded", quarantinedRows: 1 });
    const rows = await wh.query<{ open: boolean }>(
      `select resolved_at is null as open from pslink.quarantine
       where source = 'kantata' and stream = 'time_entries' and record_key = $1`,
      [key],
    );
    expect(rows.map((row) => Boolean(row.open))).toEqual([false]);
  });

  it("hold exactly batchRows records when full, pages split between them", async () => {
    const target = await freshTarget(warehouse);
    const batches: number[] = [];
    const reads: { rows: number; totalRows: number }[] = [];
    const summary = await syncSources(fixture.configFor(target), {
      streams: ["kantata.time_entries"],
      // Pages of 100 entries: every second page is split between two batches.
      batchRows: 250,
      groupRows: 100,
      onEvent: (event) => {
        if (event.type === "batch-committed") batches.push(event.rows);
        if (event.type === "records-read") reads.push(event);
      },
    });
    const [result] = summary.streams;
    expect(result?.status).toBe("succeeded");
    const read = result?.recordsRead ?? 0;
    expect(read % 250).not.toBe(0);
    expect(batches).toEqual([
      ...Array.from({ length: Math.floor(read / 250) }, () => 250),
      read % 250,
    ]);
    // Progress is reported per staged group, several per batch.
    expect(reads.length).toBeGreaterThan(batches.length);
    expect(reads.reduce((sum, group) => sum + group.rows, 0)).toBe(read);
    expect(reads.at(-1)?.totalRows).toBe(read);
    // Nothing lost or landed twice at the splits.
    const wh = await warehouse.open(target);
    const [counts] = await wh.query<{ src: unknown; raw: unknown; keys: unknown }>(
      `select (select count(*) from src_kantata.time_entries) as src,
        (select count(*) from raw_kantata.time_entries) as raw,
        (select count(distinct id) from raw_kantata.time_entries) as keys`,
    );
    expect(counts).toEqual({ src: read, raw: read, keys: read });
    expect(result?.newRows).toBe(read);
  });

  it("that fail half staged leave the committed ones, and a rerun lands the rest once", async () => {
    const { faults } = fixture.sandbox;
    const world = fixture.sandbox.world.collection("kantata", "time_entries");
    const target = await freshTarget(warehouse);
    const options = { streams: ["kantata.time_entries"], batchRows: 1_000, groupRows: 100 };
    let committed = 0;
    const broken = await syncSources(fixture.configFor(target), {
      ...options,
      onEvent: (event) => {
        if (event.type !== "batch-committed") return;
        committed += event.rows;
        // From now on every page fails, while the next batch is open with groups staged.
        if (faults.list().length === 0)
          faults.add({ system: "kantata", path: "time_entries", kind: "http_500", times: 1_000 });
      },
    });
    faults.clear();
    const [failed] = broken.streams;
    expect(failed?.status).toBe("failed");
    // Batches read before the fault may still have landed; never part of one.
    expect(committed % 1_000).toBe(0);
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(world.size - 1_000);
    const wh = await warehouse.open(target);
    const count = async (table: string) => {
      const [row] = await wh.query<{ n: unknown }>(`select count(*) as n from ${table}`);
      return Number(row?.n);
    };
    // Only the committed batches landed.
    expect(await count("src_kantata.time_entries")).toBe(committed);
    expect(await count("raw_kantata.time_entries")).toBe(committed);

    const rerun = await syncSources(fixture.configFor(target), options);
    expect(rerun.streams[0]?.status).toBe("succeeded");
    expect(await count("src_kantata.time_entries")).toBe(world.size);
    expect(await count("raw_kantata.time_entries")).toBe(world.size);
  });

  it("stop at the next page when the run is aborted: committed batches stay, a rerun lands the rest once", async () => {
    const world = fixture.sandbox.world.collection("kantata", "time_entries");
    const target = await freshTarget(warehouse);
    const options = { streams: ["kantata.time_entries"], batchRows: 300, groupRows: 100 };
    const stop = new AbortController();
    let committed = 0;
    const stopped = await syncSources(fixture.configFor(target), {
      ...options,
      signal: stop.signal,
      onEvent: (event) => {
        if (event.type !== "batch-committed") return;
        committed += event.rows;
        stop.abort(new Error("test stop"));
      },
    });
    const [result] = stopped.streams;
    expect(stopped.status).toBe("cancelled");
    expect(result?.status).toBe("cancelled");
    expect(result?.error?.message).toBe("stopped before the stream finished (test stop)");
    // The batch landing when the stop came may land too; the one being filled does not.
    expect(committed % 300).toBe(0);
    expect(committed).toBeGreaterThan(0);
    expect(result?.recordsRead).toBeLessThan(world.size);
    const wh = await warehouse.open(target);
    const [row] = await wh.query<{ n: unknown }>(
      "select count(*) as n from src_kantata.time_entries",
    );
    expect(Number(row?.n)).toBe(committed);
    const recorded = await wh.query<{ run: string; stream: string; error: string }>(
      `select r.status as run, s.status as stream, r.error as error
       from pslink.runs r join pslink.run_streams s on s.run_id = r.run_id where r.run_id = $1`,
      [stopped.runId],
    );
    expect(recorded).toEqual([
      {
        run: "cancelled",
        stream: "cancelled",
        error: "stopped before 1 stream(s) finished (test stop)",
      },
    ]);

    const rerun = await syncSources(fixture.configFor(target), options);
    expect(rerun.streams[0]?.status).toBe("succeeded");
    const [after] = await wh.query<{ src: unknown; raw: unknown }>(
      `select (select count(*) from src_kantata.time_entries) as src,
        (select count(*) from raw_kantata.time_entries) as raw`,
    );
    expect([Number(after?.src), Number(after?.raw)]).toEqual([world.size, world.size]);
  });

  it("close once their text reaches the byte bound, whatever their record count", async () => {
    const { world } = fixture.sandbox;
    const target = await freshTarget(warehouse);
    const batches: number[] = [];
    const pages: { rows: number; bytes: number }[] = [];
    const summary = await syncSources(fixture.configFor(target), {
      streams: ["kantata.time_entries"],
      batchBytes: 100_000,
      // A group per page: the records-read events give each page's size and text.
      groupRows: 1,
      onEvent: (event) => {
        if (event.type === "batch-committed") batches.push(event.rows);
        if (event.type === "records-read") pages.push({ rows: event.rows, bytes: event.bytes });
      },
    });
    const [result] = summary.streams;
    expect(result?.status).toBe("succeeded");
    // The entries as the sandbox serves them (oldest first), cut into the pages read. Each page
    // is staged as the response it came in, which holds at least its records' JSON.
    const served = [...world.collection("kantata", "time_entries").scan()];
    expect(pages.reduce((sum, page) => sum + page.rows, 0)).toBe(served.length);
    let at = 0;
    for (const page of pages) {
      const records = JSON.stringify(served.slice(at, at + page.rows)).length;
      expect(page.bytes).toBeGreaterThanOrEqual(records);
      at += page.rows;
    }
    // A batch closes with the first page that takes its text to 100 kB.
    const expected: number[] = [];
    let [rows, bytes] = [0, 0];
    for (const page of pages) {
      rows += page.rows;
      bytes += page.bytes;
      if (bytes >= 100_000) {
        expected.push(rows);
        [rows, bytes] = [0, 0];
      }
    }
    if (rows > 0) expected.push(rows);
    expect(expected.length).toBeGreaterThan(3);
    expect(batches).toEqual(expected);
    const wh = await warehouse.open(target);
    const [row] = await wh.query<{ n: unknown }>(
      "select count(*) as n from src_kantata.time_entries",
    );
    expect(Number(row?.n)).toBe(served.length);
  });
});

describe("pslink sync on SIGTERM", () => {
  it("stops at the next page, keeps the committed batches and exits 1 naming the stop", async () => {
    const warehouse = warehouses.find((w) => w.kind === "duckdb") as WarehouseCase;
    const { faults } = fixture.sandbox;
    const target = await freshTarget(warehouse);
    const env: Record<string, string> = {};
    const config = await fixture.writeConfigFor(target, env);
    // Slow pages: the run is still reading when the signal comes.
    faults.add({
      system: "kantata",
      path: "time_entries",
      kind: "slow",
      delay_ms: 50,
      times: 1_000,
    });
    const args = ["--config", config, "sync", "--stream", "kantata.time_entries"];
    const run = await runPslink([...args, "--batch-rows", "300"], env, {
      when: /"msg":"batch committed"/,
      signal: "SIGTERM",
    });
    faults.clear();
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain("1 stream(s) stopped (run ");
    expect(run.stdout).toContain(
      "kantata.time_entries: stopped before the stream finished (SIGTERM received)",
    );
    const wh = await warehouse.open(target);
    const [row] = await wh.query<{ n: unknown }>(
      "select count(*) as n from src_kantata.time_entries",
    );
    const landed = Number(row?.n);
    expect(landed % 300).toBe(0);
    expect(landed).toBeGreaterThan(0);
    expect(landed).toBeLessThan(fixture.sandbox.world.collection("kantata", "time_entries").size);
    await wh.close();
  });
});

describe("splitting a page between batches", () => {
  const records = [{ id: 1 }, { id: 2 }, { id: 3 }];

  it("splits a page whose records come oldest first at the batch's room", () => {
    expect(splitPage({ records }, 2, 0)).toEqual([
      { records: [{ id: 1 }, { id: 2 }] },
      { records: [{ id: 3 }] },
    ]);
    expect(splitPage({ records }, 3, 0)).toEqual([{ records }, undefined]);
  });

  it("gives the head of a page with its own watermark the watermark reached before the page", () => {
    const page = { records, watermarkMs: 1_700_000_000_000 };
    expect(splitPage(page, 1, 1_600_000_000_000)).toEqual([
      { records: [{ id: 1 }], watermarkMs: 1_600_000_000_000 },
      { records: [{ id: 2 }, { id: 3 }], watermarkMs: 1_700_000_000_000 },
    ]);
  });
});

describe("staging a page", () => {
  const known = ["id"];
  const refuses = JSON_REFUSALS.postgres;
  const at = { array: "items" };
  // As the vendor wrote it: numbers JSON.stringify would write otherwise.
  const body =
    '{"items": [{"id": 1}, {"id": 2.0}, {"id": 3}, {"id": 4.50, "n": 12345678901234567891}]}';
  const received = (JSON.parse(body) as { items: unknown[] }).items;
  const text = { body, records: received };

  /** The page less its first record (delivered already), split between batches after two. */
  const stagePieces = (collector: BatchCollector) => {
    const [head, tail] = splitPage({ records: received.slice(1), text }, 2, 0);
    collector.add(head);
    if (tail) collector.add(tail);
    return collector.take();
  };

  it("stages the response as received, with where the page's records sit in it", () => {
    const group = stagePieces(new BatchCollector({ known, kinds: [], at, refuses }));
    expect(group.pages.map((page) => [page.body, page.positions])).toEqual([
      [body, "[1,2]"],
      [body, "[3]"],
    ]);
    expect(group).toMatchObject({ records: 3, bytes: 2 * body.length });
  });

  it("cuts a small piece of a response larger than `cutAbove` records out of it", () => {
    const group = stagePieces(new BatchCollector({ known, kinds: [], at, cutAbove: 3, refuses }));
    // The piece holding half of its response or more is still staged as the response.
    const piece = '[{"id": 4.50, "n": 12345678901234567891}]';
    expect(group.pages.map((page) => [page.body, page.positions])).toEqual([
      [body, "[1,2]"],
      [piece, null],
    ]);
    expect(group).toMatchObject({ records: 3, bytes: body.length + piece.length });
  });

  it("picks a map's records by their keys", () => {
    const collector = new BatchCollector({ known, kinds: [], at: { map: "entries" }, refuses });
    const mapBody = JSON.stringify({
      results: [],
      entries: { "7": received[0], "8": received[1] },
    });
    const keyed = { body: mapBody, records: received.slice(0, 2), keys: ["7", "8"] };
    collector.add({ records: received.slice(1, 2), text: keyed });
    expect(collector.take().pages[0]?.positions).toBe('["8"]');
  });

  it("serialises the records of a page that are not in its response", () => {
    const collector = new BatchCollector({ known, kinds: [], at, refuses });
    // Records built after the response was read are not among the response's.
    collector.add({ records: [{ id: 4, extra: true }, received[2]], text });
    collector.add({ records: [{ id: 5 }] });
    expect(collector.take().pages).toEqual([
      {
        body: '[{"id":4,"extra":true},{"id": 3}]',
        positions: null,
        watermarkMs: null,
        drifts: true,
        checked: true,
        setAside: null,
        castable: false,
      },
      {
        body: '[{"id":5}]',
        positions: null,
        watermarkMs: null,
        drifts: false,
        checked: true,
        setAside: null,
        castable: false,
      },
    ]);
  });

  it("sets a record the warehouse cannot read aside alone, the rest of its page staged as received", () => {
    const collector = new BatchCollector({ known: ["id", "note"], kinds: [], at, refuses });
    // In JSON: record 1's note is a backslash and "ud83d" (fine), record 2's a lone surrogate.
    const cut = String.raw`{"items":[{"id":1,"note":"ok \\ud83d"},{"id":2,"note":"cut \ud83d"},{"id":3}]}`;
    const records = (JSON.parse(cut) as { items: unknown[] }).items;
    collector.add({ records, text: { body: cut, records } });
    expect(collector.take().pages.map((page) => [page.body, page.setAside])).toEqual([
      [String.raw`[{"id":1,"note":"ok \\ud83d"}]`, null],
      [
        String.raw`[{"id":2,"note":"cut \\ud83d"}]`,
        "note: text holds a lone UTF-16 surrogate (\\ud83d), which the warehouse cannot store: kept here with each such escape written out as text (\\\\u…)",
      ],
      ['[{"id":3}]', null],
    ]);
  });
});
