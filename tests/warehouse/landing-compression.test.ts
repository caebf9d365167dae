import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineStream } from "../../extractors/engine/define-stream.js";
import { int, text, timestamp } from "../../extractors/engine/fields.js";
import { ensureLandingTables } from "../../loaders/ensure-landing-tables.js";
import { landingLayout } from "../../loaders/landing-layout.js";
import { migrate } from "../../warehouse/migrate.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { type WarehouseCase, warehouseCases } from "../support/warehouses.js";

const duckdb = warehouseCases().find((c) => c.kind === "duckdb") as WarehouseCase;

const single = defineStream({
  name: "single",
  primaryKey: "id",
  cursor: "updated_at",
  schema: z.looseObject({ id: text(), status: text(), updated_at: timestamp() }),
  request: {},
  docs: "test",
});

const composite = defineStream({
  name: "composite",
  primaryKey: ["id", "line"],
  cursor: "updated_at",
  schema: z.looseObject({ id: text(), line: int(), updated_at: timestamp() }),
  request: {},
  docs: "test",
});

/** Each text column's compressions in the checkpointed table, by column. */
async function compressions(wh: Warehouse, table: string): Promise<Record<string, string>> {
  const rows = await wh.query<{ column_name: string; methods: string }>(
    `select column_name, string_agg(distinct compression, ',' order by compression) as methods
     from pragma_storage_info('${table}') where segment_type <> 'VALIDITY' group by column_name`,
  );
  return Object.fromEntries(rows.map((row) => [row.column_name, row.methods]));
}

describe("landing tables on DuckDB", () => {
  it("store keys, hashes and records with FSST, other text as DuckDB chooses", async () => {
    const wh = await duckdb.open();
    await migrate(wh);
    for (const stream of [single, composite])
      await ensureLandingTables(wh, landingLayout("kantata", stream));
    // Values that repeat, where DuckDB alone would choose a dictionary or a constant.
    const rows = "range(5000) t(i)";
    await wh.execute(
      `insert into raw_kantata.single select 'r', now(), cast(i % 3 as varchar), 'h', '{"a":1}' from ${rows}`,
    );
    await wh.execute(
      `insert into src_kantata.single (id, status, _pslink_hash, _pslink_updated_at, _pslink_run_id)
       select cast(i % 3 as varchar), 'open', 'h', now(), 'r' from ${rows}`,
    );
    await wh.execute(
      `insert into src_kantata.composite (id, line, _pslink_hash, _pslink_updated_at, _pslink_run_id)
       select cast(i % 3 as varchar), i, 'h', now(), 'r' from ${rows}`,
    );
    await wh.execute("checkpoint");

    const raw = await compressions(wh, "raw_kantata.single");
    expect([raw.id, raw._pslink_hash, raw._pslink_record]).toEqual(["FSST", "FSST", "FSST"]);
    expect(raw._pslink_run_id).not.toBe("FSST");
    const src = await compressions(wh, "src_kantata.single");
    expect([src.id, src._pslink_hash]).toEqual(["FSST", "FSST"]);
    expect([src.status, src._pslink_run_id]).not.toContain("FSST");
    // A part of a composite key may repeat: DuckDB keeps choosing for it.
    const parts = await compressions(wh, "src_kantata.composite");
    expect(parts._pslink_hash).toBe("FSST");
    expect(parts.id).not.toBe("FSST");
  });
});
