import { describeError } from "../../core/errors.js";
import type { Row } from "../../warehouse/warehouse.js";
import type { TestNode } from "../graph/manifest-types.js";
import { checkSelects, refuseEmptyRun, selectTests } from "../graph/selector.js";
import { compileTest, type ExecuteContext } from "./node-compiler.js";
import { openProject, quoteFor } from "./open-project.js";
import { endHooks, runProjectHooks } from "./project-hooks.js";
import type { TestOutcome, TestResult, TransformOptions } from "./run-types.js";

const SAMPLE_ROWS = 5;

/**
 * Runs the selected data tests between the project's on-run-start and on-run-end hooks; each
 * reports its failing-row count and a few failing rows.
 */
export async function testModels(options: TransformOptions): Promise<TestResult> {
  const started = Date.now();
  const manifest = await openProject(options);
  checkSelects(manifest, options.select, { tests: true });
  const tests = selectTests(manifest, options).sort((a, b) => a.name.localeCompare(b.name));
  refuseEmptyRun(options, { what: "test", chosen: tests.length, runnable: tests.length });
  options.onEvent?.({
    kind: "parsed",
    models: manifest.models.size,
    tests: manifest.tests.length,
    selected: tests.length,
  });
  const context: ExecuteContext = {
    manifest,
    quote: quoteFor(options.warehouse),
    fullRefresh: false,
  };
  await runProjectHooks(context, options.warehouse, "on-run-start");
  const outcomes: TestOutcome[] = [];
  for (const [index, test] of tests.entries()) {
    const event = { index: index + 1, total: tests.length };
    options.onEvent?.({ kind: "test-started", name: test.name, ...event });
    const result = await runTest(options, context, test);
    outcomes.push(result);
    options.onEvent?.({ kind: "test-finished", result, ...event });
  }
  const hookError = await endHooks(context, options.warehouse);
  const ok = outcomes.every((outcome) => outcome.status === "pass" || outcome.status === "warn");
  return {
    ok: ok && hookError === undefined,
    tests: outcomes,
    durationMs: Date.now() - started,
    ...(hookError === undefined ? {} : { hookError }),
  };
}

async function runTest(
  options: TransformOptions,
  context: ExecuteContext,
  test: TestNode,
): Promise<TestOutcome> {
  const started = Date.now();
  const severity = test.config.severity;
  let compiledSql: string | undefined;
  try {
    compiledSql = compileTest(context, test);
    const counted = await options.warehouse.query<{ failures: unknown }>(
      `select count(*) as failures from (\n${compiledSql}\n) dbt_internal_test`,
    );
    const failures = Number(counted[0]?.failures ?? 0);
    const sampleRows: Row[] =
      failures === 0
        ? []
        : await options.warehouse.query(
            `select * from (\n${compiledSql}\n) dbt_internal_test limit ${SAMPLE_ROWS}`,
          );
    const status = failures === 0 ? "pass" : severity === "warn" ? "warn" : "fail";
    return {
      name: test.name,
      status,
      severity,
      failures,
      sampleRows,
      durationMs: Date.now() - started,
      compiledSql,
    };
  } catch (error) {
    return {
      name: test.name,
      status: "error",
      severity,
      failures: 0,
      sampleRows: [],
      durationMs: Date.now() - started,
      error: describeError(error),
      compiledSql,
    };
  }
}
