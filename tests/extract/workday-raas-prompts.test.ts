import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncSources } from "../../extractors/sync-sources.js";
import { workersStream } from "../../extractors/workday/streams/workers-stream.js";
import { warehouseCases } from "../support/warehouses.js";
import { freshTargets } from "./support/fresh-target.js";
import { type SandboxSync, startSandboxSync } from "./support/sandbox-sync.js";
import { landedDifferences } from "./support/world-compare.js";

/**
 * A report's prompts are typed by its author: here they are dates, which refuse a date and time.
 * `report.prompt_format` says how pslink writes them; ranges are then whole days.
 */
let fixture: SandboxSync;
beforeAll(async () => {
  fixture = await startSandboxSync(37, { limits: { workdayPromptType: "date" } });
});
afterAll(() => fixture.close());
const freshTarget = freshTargets();
const duckdb = () => {
  const found = warehouseCases().find((w) => w.kind === "duckdb");
  if (!found) throw new Error("no duckdb case");
  return found;
};

/** The sandbox's config with the report's prompt format (and name) replaced. */
function withReport(target: Parameters<SandboxSync["configFor"]>[0], report: object) {
  const config = fixture.configFor(target);
  const workday = config.sources.workday;
  if (!workday?.report) throw new Error("the sandbox config has no workday report");
  return {
    ...config,
    sources: {
      ...config.sources,
      workday: { ...workday, report: { ...workday.report, ...report } },
    },
  };
}

describe("workday RaaS date prompts", () => {
  it.each(["date", "date_with_zone"] as const)(
    "lands every worker with prompt_format %s",
    async (format) => {
      const warehouse = duckdb();
      const target = await freshTarget(warehouse);
      const run = await syncSources(withReport(target, { prompt_format: format }), {
        streams: ["workday.workers"],
      });
      expect(run.streams[0]).toMatchObject({ status: "succeeded", quarantinedRows: 0 });
      const wh = await warehouse.open(target);
      expect(await landedDifferences(fixture.sandbox.world, wh, "workday", workersStream)).toEqual(
        [],
      );
    },
  );

  it("fails with the report's own complaint when the format does not match the prompts", async () => {
    const target = await freshTarget(duckdb());
    const run = await syncSources(withReport(target, { prompt_format: "date_time" }), {
      streams: ["workday.workers"],
    });
    expect(run.streams[0]?.status).toBe("failed");
    expect(run.streams[0]?.error?.message).toContain("is not a date");
  });
});

describe("workday RaaS report path", () => {
  it("encodes the report's owner and name as path segments", async () => {
    // Unencoded, the "?" would end the path and the sandbox would serve PSLINK_Workers.
    const target = await freshTarget(duckdb());
    const run = await syncSources(
      withReport(target, { name: "PSLINK_Workers?x=", prompt_format: "date" }),
      { streams: ["workday.workers"] },
    );
    expect(run.streams[0]?.status).toBe("failed");
    expect(run.streams[0]?.error?.message).toContain("PSLINK_Workers?x= not found");
  });
});
