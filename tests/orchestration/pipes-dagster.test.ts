import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preparePipes, runPython } from "../fixtures/dagster-pipes/pipes-harness.js";

/** What materialize_report.py reads back from Dagster's event log for one run. */
interface RecordedError {
  cls_name: string | null;
  message: string;
  stack: string[];
  cause: RecordedError | null;
}
interface RecordedRun {
  success: boolean;
  materializations: {
    asset_key: string[];
    partition: string | null;
    data_version: string | null;
    metadata: Record<string, { type: string; value: unknown }>;
  }[];
  checks: {
    asset_key: string[];
    check_name: string;
    passed: boolean;
    severity: string;
    metadata: Record<string, { type: string; value: unknown }>;
  }[];
  logs: { level: string; message: string }[];
  engine_errors: { message: string; error: RecordedError }[];
  step_failures: RecordedError[];
}

let runs: Record<"sync" | "check" | "partitioned" | "fail", RecordedRun>;
let dir: string;

beforeAll(async () => {
  await preparePipes();
  dir = mkdtempSync(join(tmpdir(), "pslink-pipes-dagster-"));
  const out = join(dir, "report.json");
  runPython("materialize_report.py", [out]);
  runs = JSON.parse(readFileSync(out, "utf8"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXPECTED_METADATA = {
  "dagster/row_count": { type: "IntMetadataValue", value: 100 },
  cursor: { type: "TextMetadataValue", value: "2024-06-01T00:00:00Z" },
  duration_ms: { type: "IntMetadataValue", value: 1500 },
  source: { type: "TextMetadataValue", value: "salesforce" },
  lag_hours: { type: "FloatMetadataValue", value: 0.25 },
  full_refresh: { type: "BoolMetadataValue", value: false },
  streams: { type: "JsonMetadataValue", value: ["accounts", "opportunities"] },
  detail: { type: "JsonMetadataValue", value: { pages: 3, retried: [429] } },
  extracted_at: {
    type: "TimestampMetadataValue",
    value: Date.parse("2024-06-01T12:30:00Z") / 1000,
  },
  api_docs: { type: "UrlMetadataValue", value: "https://developer.salesforce.com/docs/apis" },
  summary: { type: "MarkdownMetadataValue", value: "**3** pages" },
  upstream: { type: "DagsterAssetMetadataValue", value: ["crm", "salesforce"] },
  last_error: { type: "NullMetadataValue", value: null },
};

describe("pslink under real Dagster (PipesSubprocessClient)", () => {
  it("materializes both assets of a multi-asset with the metadata and types the TS side sent", () => {
    const { success, materializations } = runs.sync;
    expect(success).toBe(true);
    expect(materializations.map((m) => m.asset_key)).toEqual([
      ["raw_salesforce", "accounts"],
      ["raw_salesforce", "opportunities"],
    ]);
    const [accounts, opportunities] = materializations;
    expect(accounts?.metadata).toEqual(EXPECTED_METADATA);
    expect(accounts?.data_version).toBe("v-raw_salesforce.accounts");
    expect(opportunities?.metadata["dagster/row_count"]).toEqual({
      type: "IntMetadataValue",
      value: 101,
    });
    expect(opportunities?.data_version).toBe("v-raw_salesforce.opportunities");
  });

  it("records check evaluations, passed and failed, with their severity and metadata", () => {
    expect(runs.sync.checks).toEqual([
      {
        asset_key: ["raw_salesforce", "accounts"],
        check_name: "no_quarantined_rows",
        passed: false,
        severity: "WARN",
        metadata: {
          quarantined: { type: "IntMetadataValue", value: 3 },
          reasons: {
            type: "JsonMetadataValue",
            value: ["Name: required", "CurrencyIsoCode: invalid"],
          },
        },
      },
      // The selection includes the opportunities check, which runs as its own Pipes process.
      {
        asset_key: ["raw_salesforce", "opportunities"],
        check_name: "reconciliation_threshold",
        passed: true,
        severity: "ERROR",
        metadata: {
          open_exceptions: { type: "IntMetadataValue", value: 4 },
          threshold: { type: "IntMetadataValue", value: 10 },
        },
      },
    ]);
    expect(runs.check.success).toBe(true);
    expect(runs.check.materializations).toEqual([]);
    expect(runs.check.checks.map((c) => [c.check_name, c.passed])).toEqual([
      ["reconciliation_threshold", true],
    ]);
  });

  it("shows the TS logs at their levels, and hands custom messages to the asset body", () => {
    const messages = runs.sync.logs.map((log) => `${log.level} ${log.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        "INFO sync started",
        "WARNING 3 records quarantined",
        "DEBUG asset_written for raw_salesforce/contacts not reported: outside this Dagster step",
        'INFO custom messages: [{"scenario": "sync", "result": {"streams": 2}}]',
      ]),
    );
    expect(messages.indexOf("INFO sync started")).toBeLessThan(
      messages.indexOf("WARNING 3 records quarantined"),
    );
  });

  it("passes the partition key to the TS side and records it on the materialization", () => {
    const [materialization] = runs.partitioned.materializations;
    expect(runs.partitioned.success).toBe(true);
    expect(materialization?.asset_key).toEqual(["pslink", "source_sync"]);
    expect(materialization?.partition).toBe("netsuite");
    expect(materialization?.metadata.source).toEqual({
      type: "TextMetadataValue",
      value: "netsuite",
    });
  });

  it("fails the Dagster step when the TS command throws, with its error, hint and cause", () => {
    const { success, materializations, logs, engine_errors, step_failures } = runs.fail;
    expect(success).toBe(false);
    expect(materializations).toEqual([]);
    expect(logs.map((log) => `${log.level} ${log.message}`)).toContain("ERROR about to fail");

    const [failure] = step_failures;
    expect(failure?.cause?.cls_name).toBe("DagsterPipesExecutionError");
    expect(failure?.cause?.message).toContain("External execution process failed with code 1");

    const [closed] = engine_errors;
    expect(closed?.message).toBe("[pipes] external process pipes closed with exception");
    expect(closed?.error.cls_name).toBe("PslinkError");
    expect(closed?.error.message).toBe(
      "PslinkError: Kantata OX sync failed: time_entries page 3 could not be fetched\n" +
        "fix: check the Kantata base URL and credentials\n",
    );
    expect(closed?.error.stack.some((frame) => frame.includes("pslink-pipes-job.mjs"))).toBe(true);
    expect(closed?.error.cause?.message).toBe(
      "Error: connect ECONNREFUSED for https://api.example.test?token=*** (***)\n",
    );
  });
});
