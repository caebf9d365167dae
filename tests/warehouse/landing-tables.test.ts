import { describe, expect, it } from "vitest";
import { ensureLandingTables } from "../../loaders/ensure-landing-tables.js";
import { landingLayout } from "../../loaders/landing-layout.js";
import { migrate } from "../../warehouse/migrate.js";
import { allStreams } from "../extract/support/world-compare.js";
import { warehouseCases } from "../support/warehouses.js";

describe.each(warehouseCases())("landing tables on '$kind'", (wh) => {
  it("are created for every stream at once, streams of one system sharing its schemas", async () => {
    const warehouse = await wh.open();
    await migrate(warehouse);
    const layouts = allStreams().map(({ system, stream }) => landingLayout(system, stream));
    // A sync runs streams of each system side by side, and every stream's first run creates
    // its system's raw_ and src_ schemas and the staging schema if they are missing.
    const results = await Promise.allSettled(
      layouts.map((layout) => ensureLandingTables(warehouse, layout)),
    );
    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    const tables = await warehouse.query<{ name: string }>(
      `select table_schema || '.' || table_name as name from information_schema.tables
       where table_schema like 'raw!_%' escape '!' or table_schema like 'src!_%' escape '!'`,
    );
    const expected = layouts.flatMap((layout) => [layout.raw, layout.src]);
    expect(tables.map((table) => table.name).sort()).toEqual(
      expected.map((table) => `${table.schema}.${table.table}`).sort(),
    );
  });
});
