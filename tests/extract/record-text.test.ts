import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncSources } from "../../extractors/sync-sources.js";
import { NumberText } from "../../sandbox/world/number-text.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";

let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(23);
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();

const STREAMS = ["netsuite.timebill", "kantata.time_entries"];

/** Gives the `index`th record of a collection `changes`, stamped now; returns its id. */
function edit(system: "netsuite" | "kantata", name: string, index: number, changes: object) {
  const collection = fixture.sandbox.world.collection(system, name);
  const record = [...collection.scanByKey()][index] as Record<string, unknown>;
  collection.upsert({ ...record, ...changes }, Date.now());
  return String(record.id);
}

async function rawRows(wh: Warehouse, table: string) {
  const rows = await wh.query<{ id: string; hash: string; record: string }>(
    `select id, _pslink_hash as hash, cast(_pslink_record as ${wh.sqlType("text")}) as record
     from ${table} order by id, _pslink_hash`,
  );
  return rows.map((row) => ({ ...row, id: String(row.id) }));
}

describe.each(warehouseCases())("record text on $kind", (warehouse) => {
  it("is the same whatever the batch boundaries: vendor number text kept, hashes equal, a rerun changes nothing", async () => {
    // Whole pages of 100 records are staged as their responses. Batches of 30 cut each page into
    // pieces, each staged as the response (100 records, up to four batches); batches of 20 cut
    // pieces of under half of it (past four batches) out of its text.
    const timebill = edit("netsuite", "timebill", 10, {
      hours: new NumberText("1500.0"),
      rate: new NumberText("12345678901234567891"),
    });
    const entry = edit("kantata", "time_entries", 10, {
      time_in_minutes: new NumberText("1500.0"),
      legacy_id: new NumberText("12345678901234567891"),
    });
    await sleep(3_100);
    const whole = await freshTarget(warehouse);
    const pieces = await freshTarget(warehouse);
    const cutOut = await freshTarget(warehouse);
    const first = await syncSources(fixture.configFor(whole), { streams: STREAMS });
    const split = await syncSources(fixture.configFor(pieces), { streams: STREAMS, batchRows: 30 });
    const cut = await syncSources(fixture.configFor(cutOut), { streams: STREAMS, batchRows: 20 });
    expect([first.status, split.status, cut.status]).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
    for (const other of [split, cut])
      expect(other.streams.map((s) => s.newRows)).toEqual(first.streams.map((s) => s.newRows));

    const [a, b, c] = await Promise.all([whole, pieces, cutOut].map((t) => warehouse.open(t)));
    for (const table of ["raw_netsuite.timebill", "raw_kantata.time_entries"]) {
      const rows = await rawRows(a, table);
      expect(rows.length).toBeGreaterThan(1000);
      expect(await rawRows(b, table)).toEqual(rows);
      expect(await rawRows(c, table)).toEqual(rows);
    }
    const [bill] = (await rawRows(a, "raw_netsuite.timebill")).filter((r) => r.id === timebill);
    expect(bill?.record).toMatch(/"hours": ?1500\.0\b/);
    expect(bill?.record).toMatch(/"rate": ?12345678901234567891\b/);
    const [time] = (await rawRows(a, "raw_kantata.time_entries")).filter((r) => r.id === entry);
    expect(time?.record).toMatch(/"time_in_minutes": ?1500\.0\b/);
    expect(time?.record).toMatch(/"legacy_id": ?12345678901234567891\b/);

    // The cut pieces read again, whole pages this time: nothing changed, raw gains no version.
    const before = await rawRows(c, "raw_kantata.time_entries");
    const rerun = await syncSources(fixture.configFor(cutOut), {
      streams: STREAMS,
      fullRefresh: true,
    });
    expect(rerun.status).toBe("succeeded");
    expect(rerun.streams.map((s) => [s.newRows, s.changedRows])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(await rawRows(c, "raw_kantata.time_entries")).toEqual(before);
  });

  it("quarantines exactly the records the warehouse cannot read, with the reason, and lands the rest of their pages", async () => {
    const everywhere = {
      surrogate: edit("netsuite", "timebill", 20, { memo: "cut in an emoji \ud83d" }),
      doubleRange: edit("netsuite", "timebill", 21, { hours: new NumberText("1e400") }),
      bigintRange: edit("kantata", "time_entries", 21, { time_in_minutes: new NumberText("1e20") }),
    };
    // PostgreSQL's jsonb refuses these two; DuckDB stores them as sent.
    const postgresOnly = {
      nul: edit("kantata", "time_entries", 20, { notes: "a NUL \u0000 inside" }),
      exponent: edit("kantata", "time_entries", 22, { legacy: new NumberText("1e200000") }),
    };
    const refused = warehouse.kind === "postgres";
    const bad = refused ? { ...everywhere, ...postgresOnly } : everywhere;
    // A whole surrogate pair is fine.
    const emoji = edit("kantata", "time_entries", 23, { notes: "done \ud83d\ude00" });
    await sleep(3_100);
    const target = await freshTarget(warehouse);
    const summary = await syncSources(fixture.configFor(target), { streams: STREAMS });
    expect(summary.status).toBe("succeeded");
    const badHere = { netsuite: 2, kantata: refused ? 3 : 1 };
    expect(summary.streams.map((s) => s.quarantinedRows)).toEqual([
      badHere.netsuite,
      badHere.kantata,
    ]);

    const wh = await warehouse.open(target);
    const quarantined = await wh.query<{ key: string; reason: string; raw: unknown }>(
      `select record_key as key, reason, cast(raw as ${wh.sqlType("text")}) as raw
       from pslink.quarantine where resolved_at is null order by record_key`,
    );
    const byKey = new Map(quarantined.map((row) => [row.key, row]));
    expect([...byKey.keys()].sort()).toEqual(Object.values(bad).sort());
    expect(byKey.get(bad.surrogate)?.reason).toBe(
      "memo: text holds a lone UTF-16 surrogate (\\ud83d), which the warehouse cannot store: kept here with each such escape written out as text (\\\\u…)",
    );
    // Nothing lost: the escape is kept as text.
    const raw = (key: string) => JSON.parse(String(byKey.get(key)?.raw)) as Record<string, unknown>;
    expect(raw(bad.surrogate).memo).toBe("cut in an emoji \\ud83d");
    expect(byKey.get(bad.doubleRange)?.reason).toMatch(/^hours: .*Infinity/);
    expect(byKey.get(bad.bigintRange)?.reason).toMatch(
      /^time_in_minutes: must be at most 9007199254740991, got \d/,
    );
    if (refused) {
      expect(byKey.get(postgresOnly.nul)?.reason).toMatch(
        /^notes: text holds a NUL character \(\\u0000\)/,
      );
      expect(raw(postgresOnly.nul).notes).toBe("a NUL \\u0000 inside");
      expect(byKey.get(postgresOnly.exponent)?.reason).toMatch(
        /^legacy: text holds a number \(1e200000\) past the range PostgreSQL's numeric holds/,
      );
      expect(raw(postgresOnly.exponent).legacy).toBe("1e200000");
    } else {
      const [nul] = await wh.query<{ notes: string }>(
        "select notes from src_kantata.time_entries where id = $1",
        [postgresOnly.nul],
      );
      expect(nul?.notes).toBe("a NUL \u0000 inside");
      const [exponent] = await wh.query<{ record: string }>(
        `select cast(_pslink_record as varchar) as record from raw_kantata.time_entries where id = $1`,
        [postgresOnly.exponent],
      );
      expect(exponent?.record).toMatch(/"legacy": ?1e200000\b/);
    }

    // Every other record landed, the pair of surrogates too.
    for (const [system, name, table] of [
      ["netsuite", "timebill", "src_netsuite.timebill"],
      ["kantata", "time_entries", "src_kantata.time_entries"],
    ] as const) {
      const [row] = await wh.query<{ n: unknown }>(`select count(*) as n from ${table}`);
      const size = fixture.sandbox.world.collection(system, name).size;
      expect(Number(row?.n)).toBe(size - badHere[system]);
    }
    const [done] = await wh.query<{ notes: string }>(
      "select notes from src_kantata.time_entries where id = $1",
      [emoji],
    );
    expect(done?.notes).toBe("done \ud83d\ude00");

    // A rerun reads them again: the same rows stay open, nothing fails.
    const again = await syncSources(fixture.configFor(target), {
      streams: STREAMS,
      fullRefresh: true,
    });
    expect(again.status).toBe("succeeded");
    const [open] = await wh.query<{ n: unknown }>(
      "select count(*) as n from pslink.quarantine where resolved_at is null",
    );
    expect(Number(open?.n)).toBe(Object.keys(bad).length);
  });
});
