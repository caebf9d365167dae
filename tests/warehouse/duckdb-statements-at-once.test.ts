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

/** A page-sized JSON array (≈ 5 MB): DuckDB's parse of it is memory it cannot spill to disk. */
const PAGE = JSON.stringify(
  Array.from({ length: 40_000 }, (_, i) => ({ id: String(i), note: "x".repeat(100), n: i })),
);

/**
 * Runs `sessions` sessions at once, each parsing `PAGE` in DuckDB under a 96MB memory_limit that
 * one such statement fits and two do not; returns how many failed.
 */
async function parseAtOnce(sessions: number, statementsAtOnce: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "pslink-statements-"));
  const wh = await openDuckdbWarehouse({
    path: join(dir, "warehouse.duckdb"),
    memoryLimit: "96MB",
    threads: 1,
    statementsAtOnce,
  });
  opened.push({ wh, dir });
  const parses = Array.from({ length: sessions }, () =>
    wh.session((session) =>
      session.scratchTransaction((tx) =>
        tx.query<{ length: unknown }>(
          `select sum(length(rec)) as length
           from (select unnest(json_extract(cast($1 as varchar), '$[*]')) as rec)`,
          [PAGE],
        ),
      ),
    ),
  );
  const outcomes = await Promise.allSettled(parses);
  for (const outcome of outcomes) {
    if (outcome.status === "rejected") expect(String(outcome.reason)).toMatch(/Out of Memory/);
  }
  return outcomes.filter((outcome) => outcome.status === "rejected").length;
}

describe("statements a DuckDB warehouse runs at once", () => {
  it("wait their turn past the limit, so together they stay within memory_limit", async () => {
    expect(await parseAtOnce(4, 1)).toBe(0);
  });

  it("run side by side up to the limit, each holding its own memory", async () => {
    // The same four sessions allowed to run together run out of memory: the limit is what
    // kept them apart above.
    expect(await parseAtOnce(4, 4)).toBeGreaterThan(0);
  });
});
