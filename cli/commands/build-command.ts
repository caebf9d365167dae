import type { Command } from "commander";
import { buildModels } from "../../transform/index.js";
import { buildSummary, formatEvent } from "../../transform/run/run-log.js";
import {
  type TransformCliOptions,
  transformOptions,
  withWarehouse,
} from "../../transform/run/transform-cli-options.js";
import { configFrom, print } from "../program.js";

/** `pslink build`: builds the dbt models in the configured warehouse. */
export function registerBuildCommand(program: Command): void {
  transformOptions(
    program
      .command("build")
      .description(
        "build the dbt models (models/ beside pslink, or --project-dir) in the warehouse",
      )
      .option("--full-refresh", "rebuild incremental models from scratch"),
  ).action(async (options: TransformCliOptions & { fullRefresh?: boolean }, command: Command) => {
    const config = configFrom(command);
    await withWarehouse(config, async (warehouse, shared) => {
      const result = await buildModels({
        ...shared(options),
        warehouse,
        fullRefresh: options.fullRefresh === true,
        onEvent: (event) => {
          const line = formatEvent(event);
          if (line) print(line);
        },
      });
      for (const line of buildSummary(result)) print(line);
      if (!result.ok) process.exitCode = 1;
    });
  });
}
