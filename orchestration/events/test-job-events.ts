import { fatalError, type PslinkError } from "../../core/errors.js";
import type { TestResult, TransformOptions } from "../../transform/index.js";
import { openProject } from "../../transform/run/open-project.js";
import type { JobEventSink } from "../pipes/pipes-events.js";
import { testSubjects } from "./asset-catalog.js";
import { type AssetKey, testCheckName } from "./asset-keys.js";

export interface TestReportOptions {
  result: TestResult;
  /** The model asset each test checks (`testSubjects(manifest)`). */
  subjects: ReadonlyMap<string, AssetKey>;
  emit: JobEventSink;
}

/** Reports each data test as an asset check on the model it tests (severity from the test). */
export function reportTestRun(options: TestReportOptions): void {
  const { emit } = options;
  for (const test of options.result.tests) {
    const assetKey = options.subjects.get(test.name);
    if (!assetKey) {
      emit({
        kind: "log",
        level: "debug",
        message: `test ${test.name} (${test.status}) checks no single model: not reported as a check`,
      });
      continue;
    }
    emit({
      kind: "check",
      assetKey,
      checkName: testCheckName(test.name),
      passed: test.status === "pass",
      severity: test.severity === "warn" ? "WARN" : "ERROR",
      metadata: {
        status: test.status,
        failures: test.failures,
        duration_ms: test.durationMs,
        error: test.error,
        failing_rows: test.sampleRows.length > 0 ? plainRows(test.sampleRows) : undefined,
      },
    });
  }
}

/** The error a test run with failing error-severity tests ends with, for Dagster's step failure. */
export function testRunFailure(result: TestResult): PslinkError | undefined {
  if (result.ok) return undefined;
  const bad = result.tests.filter((test) => test.status === "fail" || test.status === "error");
  const lines = bad.map(
    (test) => `${test.name}: ${test.error ?? `${test.failures} failing row(s)`}`,
  );
  return fatalError(`${bad.length} data test(s) failed:\n${lines.join("\n")}`);
}

/** Under Dagster: reports each test as a check, then throws when error-severity tests failed. */
export async function reportTestsToPipes(
  options: TransformOptions,
  result: TestResult,
  emit: JobEventSink,
): Promise<void> {
  const subjects = testSubjects(await openProject(options));
  reportTestRun({ result, subjects, emit });
  const failure = testRunFailure(result);
  if (failure) throw failure;
}

/** Warehouse rows as plain JSON (DuckDB counts arrive as bigint, which JSON cannot hold). */
function plainRows(rows: readonly Readonly<Record<string, unknown>>[]): unknown {
  return JSON.parse(
    JSON.stringify(rows, (_key, value: unknown) =>
      typeof value === "bigint" ? Number(value) : value,
    ),
  );
}
