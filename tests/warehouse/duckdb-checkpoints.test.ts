import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { openDuckdbWarehouse } from "../../warehouse/duckdb-dialect.js";
import type { Warehouse } from "../../warehouse/warehouse.js";

const opened: { wh: Warehouse; dir: string }[] = [];

afterEach(async () => {
  for (const { wh, dir } of opened.splice(0)) {
    await wh.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * Loads 40 transactions of 2,000 rows (≈ 5 MB) two at a time, always overlapping, the way a
 * sync pipelines its batches; returns the WAL's size afterwards.
 */
async function overlappingLoad(
  checkpointWalBytes: number,
): Promise<{ walBytes: number; rows: number }> {
  const dir = await mkdtemp(join(tmpdir(), "pslink-checkpoints-"));
  const path = join(dir, "warehouse.duckdb");
  const wh = await openDuckdbWarehouse({ path, checkpointWalBytes });
  opened.push({ wh, dir });
  await wh.execute("create table loaded (batch integer, note varchar)");
  let running = Promise.resolve();
  for (let batch = 0; batch < 40; batch++) {
    const insert = wh.transaction((tx) =>
      tx.execute("insert into loaded select $1, repeat('x', 100) || i from range(2000) t(i)", [
        batch,
      ]),
    );
    await running;
    running = insert;
  }
  await running;
  const walBytes = await stat(`${path}.wal`).then(
    (stats) => stats.size,
    () => 0,
  );
  const [row] = await wh.query<{ n: unknown }>("select count(*) as n from loaded");
  return { walBytes, rows: Number(row?.n) };
}

describe("DuckDB checkpoints under overlapping transactions", () => {
  it("keeps the WAL near the threshold instead of letting it grow with the load", async () => {
    const bounded = await overlappingLoad(256 * 1024);
    expect(bounded.rows).toBe(80_000);
    expect(bounded.walBytes).toBeLessThan(1024 * 1024);
  });

  it("checkpoints while a scratch transaction stays open, and lets it finish afterwards", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pslink-checkpoints-"));
    const path = join(dir, "warehouse.duckdb");
    const wh = await openDuckdbWarehouse({ path, checkpointWalBytes: 256 * 1024 });
    opened.push({ wh, dir });
    await wh.execute("create table loaded (batch integer, note varchar)");
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const scratch = wh.session((session) =>
      session.scratchTransaction(async (tx) => {
        await tx.execute(
          "create or replace temp table staged as select range as i from range(1000)",
        );
        await held;
        await tx.execute("insert into staged select range from range(10)");
        const [row] = await tx.query<{ n: unknown }>("select count(*) as n from staged");
        return Number(row?.n);
      }),
    );
    const load = async () => {
      for (let batch = 0; batch < 10; batch++) {
        await wh.transaction((tx) =>
          tx.execute("insert into loaded select $1, repeat('x', 100) || i from range(2000) t(i)", [
            batch,
          ]),
        );
      }
      return "loaded";
    };
    // Ten commits of ≈ 250 kB each go by while the scratch transaction is open, and are
    // checkpointed; had the gate waited for it, the second commit would wait for good.
    const outcome = await Promise.race([load(), sleep(10_000).then(() => "stuck")]);
    release();
    expect(outcome).toBe("loaded");
    const walBytes = await stat(`${path}.wal`).then(
      (stats) => stats.size,
      () => 0,
    );
    expect(walBytes).toBeLessThan(1024 * 1024);
    expect(await scratch).toBe(1010);
  });

  it("is what bounds it: without the gate's checkpoints the WAL holds the whole load", async () => {
    const unbounded = await overlappingLoad(Number.MAX_SAFE_INTEGER);
    expect(unbounded.rows).toBe(80_000);
    expect(unbounded.walBytes).toBeGreaterThan(3 * 1024 * 1024);
  });
});
