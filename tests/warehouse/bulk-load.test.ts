import { mkdtemp, rm } from "node:fs/promises";
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

async function open(threads?: number): Promise<Warehouse> {
  const dir = await mkdtemp(join(tmpdir(), "pslink-bulk-load-"));
  const wh = await openDuckdbWarehouse({ path: join(dir, "warehouse.duckdb"), threads });
  opened.push({ wh, dir });
  return wh;
}

async function threads(wh: Warehouse): Promise<number> {
  const [row] = await wh.query<{ threads: unknown }>(
    "select current_setting('threads') as threads",
  );
  return Number(row?.threads);
}

describe("bulk loads on DuckDB", () => {
  it("run statements on one thread until the last overlapping load ends, then restore the default", async () => {
    const wh = await open();
    const before = await threads(wh);
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const first = wh.bulkLoad(async () => {
      await firstHeld;
      return threads(wh);
    });
    const second = await wh.bulkLoad(() => threads(wh));
    expect(second).toBe(1);
    // The second load has ended; the first still runs.
    expect(await threads(wh)).toBe(1);
    releaseFirst();
    expect(await first).toBe(1);
    expect(await threads(wh)).toBe(before);
  });

  it("keep the configured thread count, and restore the default after a failing load", async () => {
    const configured = await open(3);
    expect(await configured.bulkLoad(() => threads(configured))).toBe(3);

    const wh = await open();
    const before = await threads(wh);
    await expect(
      wh.bulkLoad(async () => {
        await wh.query("select 1");
        throw new Error("stream failed");
      }),
    ).rejects.toThrow("stream failed");
    expect(await threads(wh)).toBe(before);
  });
});
