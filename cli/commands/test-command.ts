import type { Command } from "commander";
import { reportTestsToPipes } from "../../orchestration/events/index.js";
import { addPipesOption, withPipes } from "../../orchestration/pipes/index.js";
import { testModels } from "../../transform/index.js";
import { formatEvent, testSummary } from "../../transform/run/run-log.js";
import {
  type TransformCliOptions,
  transformOptions,
  withWarehouse,
} from "../../transform/run/transform-cli-options.js";
import { configFrom, NO_SOURCES, print } from "../program.js";

/** `pslink test`: runs the dbt project's data tests against the configured warehouse. */
export function registerTestCommand(program: Command): void {
  transformOptions(
    addPipesOption(program.command("test")).description(
      "run the data tests of the dbt models (failing rows are shown, exit 1 on failure)",
    ),
  ).action(async (options: TransformCliOptions & { pipes?: boolean }, command: Command) => {
    await withPipes(
      async ({ emit, session }) => {
        await withWarehouse(configFrom(command, NO_SOURCES), options, async (warehouse, shared) => {
          const result = await testModels({
            ...shared,
            warehouse,
            onEvent: (event) => {
              const line = formatEvent(event);
              if (line) print(line);
            },
          });
          for (const line of testSummary(result)) print(line);
          // Under Dagster: each data test as a check on its model, failing tests as the error.
          if (session) await reportTestsToPipes({ ...shared, warehouse }, result, emit);
          if (!result.ok) process.exitCode = 1;
        });
      },
      { pipes: options.pipes === true },
    );
  });
}
