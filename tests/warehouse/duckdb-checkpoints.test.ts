import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("is what bounds it: without the gate's checkpoints the WAL holds the whole load", async () => {
    const unbounded = await overlappingLoad(Number.MAX_SAFE_INTEGER);
    expect(unbounded.rows).toBe(80_000);
    expect(unbounded.walBytes).toBeGreaterThan(3 * 1024 * 1024);
  });
});
