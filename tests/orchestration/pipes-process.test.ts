import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePipesParam, type PipesException } from "../../orchestration/pipes/index.js";
import {
  JOB_SCRIPT,
  parseMessages,
  preparePipes,
} from "../fixtures/dagster-pipes/pipes-harness.js";

let dir: string;

beforeAll(async () => {
  await preparePipes();
  dir = mkdtempSync(join(tmpdir(), "pslink-pipes-process-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Launches the fixture job the way PipesSubprocessClient does: bootstrap params in env vars. */
function launch(scenario: string, messages: object) {
  const context = {
    asset_keys: ["raw_salesforce/accounts", "raw_salesforce/opportunities"],
    run_id: `run-${scenario}`,
    extras: { scenario },
  };
  const child = spawn(process.execPath, [JOB_SCRIPT], {
    env: {
      ...process.env,
      DAGSTER_PIPES_CONTEXT: encodePipesParam({ data: context }),
      DAGSTER_PIPES_MESSAGES: encodePipesParam(messages),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  // A fixture that hangs must not outlive the test.
  const guard = setTimeout(() => child.kill("SIGKILL"), 30_000);
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const exited = new Promise<Exit>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stderr });
    });
  });
  return { child, exited };
}

async function waitForText(path: string, text: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (existsSync(path) && readFileSync(path, "utf8").includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${path} never contained ${text}`);
}

function closedException(path: string): PipesException | undefined {
  const closed = parseMessages(readFileSync(path, "utf8")).at(-1);
  expect(closed?.method).toBe("closed");
  return closed?.params?.exception as PipesException | undefined;
}

describe("the TS side as a process launched by Pipes", () => {
  it("streams every message in order to stderr with the stdio writer", async () => {
    const exit = await launch("sync", { stdio: "stderr" }).exited;
    expect(exit.code).toBe(0);
    const messages = parseMessages(exit.stderr);
    expect(messages.map((m) => m.method)).toEqual([
      "opened",
      "log",
      "report_asset_materialization",
      "report_asset_materialization",
      "log",
      "report_asset_check",
      "log",
      "report_custom_message",
      "closed",
    ]);
    expect(messages.map((m) => m.params?.asset_key).filter(Boolean)).toEqual([
      "raw_salesforce/accounts",
      "raw_salesforce/opportunities",
      "raw_salesforce/accounts",
    ]);
    expect(messages.at(-1)?.params).toEqual({});
  });

  it("holds messages back with buffered_stdio and writes them all on close", async () => {
    const exit = await launch("check", { buffered_stdio: "stderr" }).exited;
    expect(exit.code).toBe(0);
    expect(parseMessages(exit.stderr).map((m) => m.method)).toEqual([
      "opened",
      "report_asset_check",
      "report_custom_message",
      "closed",
    ]);
  });

  it("still writes closed with the exception when an error escapes every handler", async () => {
    const path = join(dir, "crash.jsonl");
    const exit = await launch("crash", { path }).exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain("uncaught failure outside any command");
    const exception = closedException(path);
    expect(exception?.name).toBe("TypeError");
    expect(exception?.message).toBe("TypeError: uncaught failure outside any command\n");
    expect(exception?.stack.some((frame) => frame.includes("pslink-pipes-job.mjs"))).toBe(true);
  });

  it("closes with the exit code when the process exits before closing", async () => {
    const path = join(dir, "early-exit.jsonl");
    const exit = await launch("early-exit", { path }).exited;
    expect(exit.code).toBe(3);
    expect(closedException(path)?.message).toBe(
      "Error: pslink exited with code 3 before closing the Dagster Pipes session\n",
    );
  });

  it("closes and dies by the signal when Dagster interrupts the run with SIGINT", async () => {
    const path = join(dir, "sigint.jsonl");
    const { child, exited } = launch("hang", { path });
    await waitForText(path, "waiting for a signal");
    child.kill("SIGINT");
    const exit = await exited;
    expect(exit.signal).toBe("SIGINT");
    expect(closedException(path)?.message).toBe("Error: pslink was interrupted by SIGINT\n");
  });

  it("closes with the command's error and exits non-zero when the command throws", async () => {
    const path = join(dir, "fail.jsonl");
    const exit = await launch("fail", { path }).exited;
    expect(exit.code).toBe(1);
    const exception = closedException(path);
    expect(exception?.message).toContain("Kantata OX sync failed");
    expect(exception?.cause?.message).not.toContain("hunter2-very-secret");
  });
});
