import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GroundTruth } from "../../sandbox/world/types.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { warehouseCases } from "../support/warehouses.js";
import { expectedExceptions, warehouseExceptions } from "./ground-truth.js";
import { build, type LandedSandbox, landSandbox } from "./model-harness.js";

const duckdb = warehouseCases().find((wc) => wc.kind === "duckdb");

describe("models on duckdb (sandbox medium)", () => {
  let landed: LandedSandbox;
  let wh: Warehouse;
  let truth: GroundTruth;

  beforeAll(async () => {
    if (!duckdb) throw new Error("no DuckDB warehouse case");
    const target = await duckdb.target();
    landed = await landSandbox("medium", target);
    truth = landed.sandbox.world.groundTruth();
    wh = await duckdb.open(target);
    await build(wh, { as_of_date: truth.as_of });
  }, 900_000);

  afterAll(async () => {
    await landed?.sandbox.close();
  });

  it("finds exactly the ground truth's exceptions at medium scale, and again on a second run", async () => {
    const expected = expectedExceptions(truth);
    expect(expected.length).toBeGreaterThan(100);
    expect(await warehouseExceptions(wh, "open")).toEqual(expected);
    await build(wh, { as_of_date: truth.as_of });
    expect(await warehouseExceptions(wh, "open")).toEqual(expected);
    expect(await warehouseExceptions(wh, "resolved")).toEqual([]);
  });
});
