import type { Row } from "../../warehouse/warehouse.js";
import type {
  BuildResult,
  NodeResult,
  TestOutcome,
  TestResult,
  TransformEvent,
} from "./run-types.js";

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;
const counter = (index: number, total: number) =>
  `${String(index).padStart(String(total).length)} of ${total}`;
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const dotted = (text: string, width = 64) =>
  `${text} ${".".repeat(Math.max(3, width - text.length))}`;

/** One log line per finished node or test (dbt's layout), or undefined for other events. */
export function formatEvent(event: TransformEvent): string | undefined {
  switch (event.kind) {
    case "node-finished":
      return `${counter(event.index, event.total)} ${nodeLine(event.result)}`;
    case "test-finished":
      return `${counter(event.index, event.total)} ${testLine(event.result)}`;
    default:
      return undefined;
  }
}

function nodeLine(result: NodeResult): string {
  const label = dotted(`${result.materialized} ${result.relation}`);
  switch (result.status) {
    case "success": {
      const rows = result.rows === undefined ? "" : `${result.rows} rows in `;
      const warned = result.warnings ? `, ${plural(result.warnings.length, "warning")}` : "";
      return `OK    ${label} [${rows}${seconds(result.durationMs)}${warned}]`;
    }
    case "error":
      return `ERROR ${label} [${seconds(result.durationMs)}]`;
    case "skipped":
      return `SKIP  ${label} [${result.error ?? "skipped"}]`;
  }
}

function testLine(result: TestOutcome): string {
  const tag = { pass: "PASS ", fail: "FAIL ", warn: "WARN ", error: "ERROR" }[result.status];
  const failures = result.failures > 0 ? `${result.failures} failing rows, ` : "";
  return `${tag} ${dotted(result.name)} [${failures}${seconds(result.durationMs)}]`;
}

/** The closing lines of `pslink build`: counts, then each error in full. */
export function buildSummary(result: BuildResult): string[] {
  const count = (status: NodeResult["status"]) =>
    result.nodes.filter((node) => node.status === status).length;
  const warnings = result.nodes.reduce((sum, node) => sum + (node.warnings?.length ?? 0), 0);
  const warned = warnings > 0 ? `, ${plural(warnings, "warning")}` : "";
  const lines = [
    `Done in ${seconds(result.durationMs)}: ${count("success")} ok, ${count("error")} error, ${count("skipped")} skipped${warned}.`,
  ];
  for (const node of result.nodes.filter((item) => item.status === "error")) {
    lines.push("", `Error in model ${node.name} (${node.relation}):`, indent(node.error ?? ""));
  }
  for (const node of result.nodes) {
    for (const warning of node.warnings ?? [])
      lines.push("", `Warning in model ${node.name} (${node.relation}):`, indent(warning));
  }
  if (result.hookError) lines.push("", indent(result.hookError));
  return lines;
}

/** The closing lines of `pslink test`: counts, then each failure with its sample rows. */
export function testSummary(result: TestResult): string[] {
  const count = (status: TestOutcome["status"]) =>
    result.tests.filter((test) => test.status === status).length;
  const lines = [
    `Done in ${seconds(result.durationMs)}: ${count("pass")} pass, ${count("warn")} warn, ${count("fail")} fail, ${count("error")} error.`,
  ];
  for (const test of result.tests.filter((item) => item.status !== "pass")) {
    const what = test.status === "error" ? "could not run" : `${test.failures} failing rows`;
    lines.push("", `${test.status.toUpperCase()} ${test.name}: ${what}`);
    if (test.error) lines.push(indent(test.error));
    for (const row of test.sampleRows) lines.push(`    ${rowText(row)}`);
  }
  if (result.hookError) lines.push("", indent(result.hookError));
  return lines;
}

function rowText(row: Row): string {
  return Object.entries(row)
    .map(
      ([key, value]) =>
        `${key}=${typeof value === "bigint" ? value.toString() : JSON.stringify(value)}`,
    )
    .join("  ");
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
