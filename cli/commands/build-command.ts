import type { Command } from "commander";
import { listModelAssets, reportBuildToPipes } from "../../orchestration/events/index.js";
import { addPipesOption, withPipes } from "../../orchestration/pipes/index.js";
import { buildModels } from "../../transform/index.js";
import { defaultProjectDir } from "../../transform/project/default-project-dir.js";
import { buildSummary, formatEvent } from "../../transform/run/run-log.js";
import {
  type TransformCliOptions,
  transformOptions,
  withWarehouse,
} from "../../transform/run/transform-cli-options.js";
import { configFrom, NO_SOURCES, print } from "../program.js";

type BuildCommandOptions = TransformCliOptions & {
  fullRefresh?: boolean;
  pipes?: boolean;
  listAssets?: boolean;
};

/** `pslink build`: builds the dbt models in the configured warehouse. */
export function registerBuildCommand(program: Command): void {
  transformOptions(
    addPipesOption(program.command("build"))
      .description(
        "build the dbt models (models/ beside pslink, or --project-dir) in the warehouse",
      )
      .option("--full-refresh", "rebuild incremental models from scratch")
      .option("--list-assets", "print the models build writes and their checks as JSON, and exit"),
  ).action(async (options: BuildCommandOptions, command: Command) => {
    if (options.listAssets) {
      const projectDir = options.projectDir ?? defaultProjectDir();
      const kind = configFrom(command, NO_SOURCES).warehouse.kind;
      return print(JSON.stringify({ assets: await listModelAssets({ projectDir, kind }) }));
    }
    await withPipes(
      async ({ emit, session }) => {
        await withWarehouse(configFrom(command, NO_SOURCES), options, async (warehouse, shared) => {
          const result = await buildModels({
            ...shared,
            warehouse,
            fullRefresh: options.fullRefresh === true,
            onEvent: (event) => {
              const line = formatEvent(event);
              if (line) print(line);
            },
          });
          for (const line of buildSummary(result)) print(line);
          // Under Dagster: one materialization per model, the reconciliation check, failures as the error.
          if (session) await reportBuildToPipes(warehouse, result, emit, session.extras);
          if (!result.ok) process.exitCode = 1;
        });
      },
      { pipes: options.pipes === true },
    );
  });
}
