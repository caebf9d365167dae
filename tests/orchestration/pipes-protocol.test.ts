import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fatalError } from "../../core/errors.js";
import {
  addPipesOption,
  decodePipesParam,
  encodePipesParam,
  fromPipesAssetKey,
  openPipesSession,
  type PipesSession,
  pipesMetadata,
  toPipesAssetKey,
  withPipes,
} from "../../orchestration/pipes/index.js";
import { parseMessages, preparePipes, runPython } from "../fixtures/dagster-pipes/pipes-harness.js";

let dir: string;

beforeAll(async () => {
  await preparePipes();
  dir = mkdtempSync(join(tmpdir(), "pslink-pipes-protocol-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

const CONTEXT = {
  asset_keys: [
    "raw_salesforce/accounts",
    "raw_salesforce/opportunities",
    "raw_workday/workers\\/v2",
  ],
  code_version_by_asset_key: { "raw_salesforce/accounts": "7" },
  provenance_by_asset_key: {
    "raw_salesforce/accounts": {
      code_version: "7",
      input_data_versions: { "crm/salesforce": "abc" },
      is_user_provided: true,
    },
  },
  partition_key: "salesforce",
  partition_key_range: { start: "salesforce", end: "salesforce" },
  partition_time_window: null,
  run_id: "run-123",
  job_name: "sync_job",
  retry_number: 1,
  extras: { scenario: "unit", window: { days: 2 } },
};

type Op =
  | { op: "log"; level: "debug" | "info" | "warn" | "error"; message: string }
  | {
      op: "materialize";
      asset_key?: string;
      metadata?: Record<string, unknown>;
      data_version?: string;
    }
  | {
      op: "check";
      asset_key: string;
      check_name: string;
      passed: boolean;
      severity: "WARN" | "ERROR";
      metadata?: Record<string, unknown>;
    }
  | { op: "custom"; payload: unknown }
  | { op: "stream"; stream: "stdout" | "stderr"; text: string };

const OPS: Op[] = [
  { op: "log", level: "info", message: "sync started" },
  { op: "log", level: "warn", message: "lookback widened" },
  { op: "log", level: "debug", message: "page 1" },
  {
    op: "materialize",
    asset_key: "raw_salesforce/accounts",
    data_version: "cursor-2024-06-01",
    metadata: {
      "dagster/row_count": 120,
      lag_hours: 0.5,
      cursor: "2024-06-01T00:00:00Z",
      full_refresh: false,
      streams: ["accounts", "contacts"],
      detail: { raw_value: { pages: 3, retries: [429, 503], nested: { ok: true } }, type: "json" },
      nothing: null,
      negative: -42,
      docs: { raw_value: "https://developer.salesforce.com", type: "url" },
      notes: { raw_value: "**ok**", type: "md" },
      file: { raw_value: "/tmp/x.duckdb", type: "path" },
    },
  },
  { op: "materialize", asset_key: "raw_workday/workers\\/v2" },
  {
    op: "check",
    asset_key: "raw_salesforce/accounts",
    check_name: "no_quarantined_rows",
    passed: false,
    severity: "WARN",
    metadata: { quarantined: 3 },
  },
  {
    op: "check",
    asset_key: "raw_salesforce/opportunities",
    check_name: "fresh",
    passed: true,
    severity: "ERROR",
  },
  { op: "custom", payload: { summary: { rows: 120 }, list: [1, "two", null] } },
  { op: "stream", stream: "stderr", text: "raw line\n" },
  { op: "log", level: "error", message: "done with 1 warning" },
];

function replay(session: PipesSession, ops: readonly Op[]): void {
  for (const op of ops) {
    switch (op.op) {
      case "log":
        session.log(op.message, op.level);
        break;
      case "materialize":
        session.reportMaterialization(
          op.asset_key === undefined ? undefined : fromPipesAssetKey(op.asset_key),
          op.metadata,
          op.data_version,
        );
        break;
      case "check":
        session.reportAssetCheck({
          assetKey: fromPipesAssetKey(op.asset_key),
          checkName: op.check_name,
          passed: op.passed,
          severity: op.severity,
          metadata: op.metadata,
        });
        break;
      case "custom":
        session.reportCustomMessage(op.payload);
        break;
      case "stream":
        session.logExternalStream(op.stream, op.text);
        break;
    }
  }
}

interface Comparison {
  diffs: unknown[];
  python_messages: unknown[];
  closed_errors: string[];
}

/** Opens a session from env vars encoded by dagster_pipes itself; messages go to `messages`. */
function openFromPythonEnv(contextParams: unknown, messages: string): PipesSession {
  const env = {
    DAGSTER_PIPES_CONTEXT: runPython("pipes_reference.py", [
      "encode",
      writeJson("ctx-params.json", contextParams),
    ]).trim(),
    DAGSTER_PIPES_MESSAGES: encodePipesParam({ path: messages }),
  };
  const session = openPipesSession(env, { exitHooks: false });
  if (!session) throw new Error("expected a Pipes session");
  return session;
}

describe("Pipes bootstrap params", () => {
  it("encodes and decodes exactly like dagster_pipes (base64 of zlib JSON)", () => {
    const value = { path: "/tmp/ä/messages.jsonl", nested: { n: 1.5, list: [true, null, "ü"] } };
    const ours = encodePipesParam(value);
    expect(JSON.parse(runPython("pipes_reference.py", ["decode", ours]))).toEqual(value);
    const theirs = runPython("pipes_reference.py", [
      "encode",
      writeJson("value.json", value),
    ]).trim();
    expect(decodePipesParam(theirs)).toEqual(value);
  });

  it("escapes asset keys the way Dagster parses and prints them", () => {
    const paths = [
      ["raw_salesforce", "accounts"],
      ["raw_workday", "workers/v2"],
      ["back\\slash"],
      ["single"],
    ];
    const escaped = paths.map(toPipesAssetKey);
    const dagster = JSON.parse(
      runPython("pipes_reference.py", ["asset-keys", writeJson("keys.json", { escaped, paths })]),
    ) as { parsed: string[][]; escaped: string[] };
    expect(dagster.parsed).toEqual(paths);
    expect(escaped).toEqual(dagster.escaped);
    expect(escaped.map(fromPipesAssetKey)).toEqual(paths);
  });

  it("returns no session when the process was not launched by Dagster", () => {
    expect(openPipesSession({})).toBeUndefined();
  });
});

describe("PipesSession against dagster_pipes", () => {
  it("writes the same messages dagster_pipes writes for the same calls (context from a file)", () => {
    const messages = join(dir, "ts-messages.jsonl");
    const session = openFromPythonEnv({ path: writeJson("context.json", CONTEXT) }, messages);
    expect(session.assetKeys).toEqual([
      ["raw_salesforce", "accounts"],
      ["raw_salesforce", "opportunities"],
      ["raw_workday", "workers/v2"],
    ]);
    expect(session.partitionKey).toBe("salesforce");
    expect(session.runId).toBe("run-123");
    expect(session.extras).toEqual({ scenario: "unit", window: { days: 2 } });
    expect(session.provenance(["raw_salesforce", "accounts"])?.input_data_versions).toEqual({
      "crm/salesforce": "abc",
    });
    replay(session, OPS);
    session.close();

    const comparison = JSON.parse(
      runPython("pipes_reference.py", [
        "compare",
        writeJson("spec.json", { context: CONTEXT, ops: OPS }),
        messages,
      ]),
    ) as Comparison;
    expect(comparison.diffs).toEqual([]);
    expect(comparison.python_messages).toHaveLength(OPS.length + 2);

    const written = parseMessages(readFileSync(messages, "utf8"));
    expect(written[0]).toEqual({
      __dagster_pipes_version: "0.1",
      method: "opened",
      params: { extras: {} },
    });
    expect(written.at(-1)).toEqual({
      __dagster_pipes_version: "0.1",
      method: "closed",
      params: {},
    });
    const materialization = written.find((m) => m.method === "report_asset_materialization");
    expect(materialization?.params).toMatchObject({
      asset_key: "raw_salesforce/accounts",
      data_version: "cursor-2024-06-01",
      metadata: {
        "dagster/row_count": { raw_value: 120, type: "int" },
        lag_hours: { raw_value: 0.5, type: "float" },
        cursor: { raw_value: "2024-06-01T00:00:00Z", type: "text" },
        full_refresh: { raw_value: false, type: "bool" },
        streams: { raw_value: ["accounts", "contacts"], type: "json" },
        nothing: { raw_value: null, type: "null" },
        docs: { raw_value: "https://developer.salesforce.com", type: "url" },
      },
    });
  });

  it("loads inline context data and closes with a Dagster-readable exception chain", () => {
    const messages = join(dir, "ts-error.jsonl");
    const session = openFromPythonEnv({ data: CONTEXT }, messages);
    session.log("about to fail", "error");
    const cause = new Error("socket hang up at https://user:pw@example.test/?password=s3cret");
    session.close(
      fatalError("NetSuite sync failed", { cause, hint: "check the NetSuite account id" }),
    );
    session.close(new Error("a second close is ignored"));

    const comparison = JSON.parse(
      runPython("pipes_reference.py", [
        "compare",
        writeJson("spec-error.json", {
          context: CONTEXT,
          ops: [{ op: "log", level: "error", message: "about to fail" }],
        }),
        messages,
      ]),
    ) as Comparison;
    expect(comparison.diffs).toEqual([]);
    const [rendered] = comparison.closed_errors;
    expect(rendered).toContain("PslinkError: NetSuite sync failed");
    expect(rendered).toContain("fix: check the NetSuite account id");
    expect(rendered).toContain("The above exception was caused by the following exception:");
    expect(rendered).toContain(
      "Error: socket hang up at https://***:***@example.test/?password=***",
    );
    expect(rendered).not.toContain("s3cret");
    expect(rendered).toMatch(/at .*pipes-protocol\.test\.ts/);

    const closed = parseMessages(readFileSync(messages, "utf8")).at(-1);
    expect(Object.keys(closed?.params ?? {})).toEqual(["exception"]);
    expect(Object.keys((closed?.params?.exception as object) ?? {}).sort()).toEqual([
      "cause",
      "context",
      "message",
      "name",
      "stack",
    ]);
  });

  it("refuses what dagster_pipes refuses", () => {
    const session = openFromPythonEnv({ data: CONTEXT }, join(dir, "ts-refusals.jsonl"));
    expect(() => session.reportMaterialization(["raw_netsuite", "customers"])).toThrow(
      /not in this step/,
    );
    expect(() => session.reportMaterialization(undefined)).toThrow(/needs an asset key/);
    session.reportMaterialization(["raw_salesforce", "accounts"], { rows: 1 });
    expect(() => session.reportMaterialization(["raw_salesforce", "accounts"])).toThrow(
      /already reported/,
    );
    expect(() =>
      session.reportMaterialization(["raw_salesforce", "opportunities"], {
        bad: { raw_value: 1, type: "integer" },
      }),
    ).toThrow(/unknown Pipes type/);
    session.close();
    expect(() => session.log("late")).toThrow(/session is closed/);
  });

  it("types JS values the way Dagster stores them", () => {
    const messages = join(dir, "ts-types.jsonl");
    const session = openFromPythonEnv({ data: { ...CONTEXT, asset_keys: ["one"] } }, messages);
    session.reportMaterialization(undefined, {
      at: new Date("2024-01-02T03:04:05.500Z"),
      link: new URL("https://example.test/a?b=1"),
      big: 12345678901234567890n,
      small: 7n,
      huge: 2 ** 60,
      ratio: Number.NaN,
      run: pipesMetadata.dagsterRun("run-9"),
      skipped: undefined,
    });
    session.close();
    const [, materialization] = parseMessages(readFileSync(messages, "utf8"));
    expect(materialization?.params).toEqual({
      asset_key: "one",
      data_version: null,
      metadata: {
        at: { raw_value: 1704164645.5, type: "timestamp" },
        link: { raw_value: "https://example.test/a?b=1", type: "url" },
        big: { raw_value: "12345678901234567890", type: "text" },
        small: { raw_value: 7, type: "int" },
        huge: { raw_value: 2 ** 60, type: "float" },
        ratio: { raw_value: null, type: "float" },
        run: { raw_value: "run-9", type: "dagster_run" },
      },
    });
  });
});

describe("withPipes", () => {
  it("runs the command as is without --pipes and forwards events to onEvent", async () => {
    const seen: string[] = [];
    const result = await withPipes(
      async ({ emit, session }) => {
        emit({ kind: "log", level: "info", message: "hello" });
        return session === undefined ? "no session" : "session";
      },
      { pipes: false, onEvent: (event) => seen.push(event.kind), env: {} },
    );
    expect(result).toBe("no session");
    expect(seen).toEqual(["log"]);
  });

  it("fails with a config error when --pipes is given outside Dagster", async () => {
    await expect(withPipes(async () => "ran", { pipes: true, env: {} })).rejects.toMatchObject({
      kind: "config",
      message: expect.stringMatching(/not launched by Dagster/),
    });
  });

  it("wires a command's --pipes flag: events become Pipes messages, a throw closes with it", async () => {
    const messages = join(dir, "command.jsonl");
    const env = {
      DAGSTER_PIPES_CONTEXT: encodePipesParam({
        data: { ...CONTEXT, asset_keys: ["raw_netsuite/customers"] },
      }),
      DAGSTER_PIPES_MESSAGES: encodePipesParam({ path: messages }),
    };
    const program = new Command("pslink").exitOverride();
    addPipesOption(program.command("sync")).action(async (options: { pipes: boolean }) => {
      await withPipes(
        async ({ emit }) => {
          emit({
            kind: "asset_written",
            assetKey: ["raw_netsuite", "customers"],
            rows: 7,
            durationMs: 12.5,
          });
          emit({ kind: "log", level: "warn", message: "slow page" });
          throw new Error("NetSuite returned 500 three times");
        },
        { pipes: options.pipes, env },
      );
    });
    await expect(program.parseAsync(["node", "pslink", "sync", "--pipes"])).rejects.toThrow(
      /500 three times/,
    );
    const written = parseMessages(readFileSync(messages, "utf8"));
    expect(written.map((m) => m.method)).toEqual([
      "opened",
      "report_asset_materialization",
      "log",
      "closed",
    ]);
    expect(written[1]?.params).toEqual({
      asset_key: "raw_netsuite/customers",
      data_version: null,
      metadata: {
        "dagster/row_count": { raw_value: 7, type: "int" },
        duration_ms: { raw_value: 12.5, type: "float" },
      },
    });
    expect(written[2]?.params).toEqual({ message: "slow page", level: "WARNING" });
    expect(written[3]?.params?.exception).toMatchObject({
      name: "Error",
      message: "Error: NetSuite returned 500 three times\n",
    });
  });
});
