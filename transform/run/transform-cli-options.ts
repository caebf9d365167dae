import { resolve } from "node:path";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { PslinkConfig } from "../../core/config/index.js";
import { configError } from "../../core/errors.js";
import { logger } from "../../core/logger.js";
import { openExistingWarehouse } from "../../warehouse/open-warehouse.js";
import { postgresTextCaveat } from "../../warehouse/postgres-text-caveat.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { defaultProjectDir } from "../project/default-project-dir.js";

/** Options `pslink build` and `pslink test` share. */
export interface TransformCliOptions {
  select?: string[];
  exclude?: string[];
  vars?: string;
  projectDir?: string;
}

/** Adds the shared options to a command. */
export function transformOptions(command: Command): Command {
  return command
    .option("-s, --select <selector...>", "models to run: name, +name, name+, path:…, tag:…")
    .option("--exclude <selector...>", "models to leave out (same syntax as --select)")
    .option("--vars <yaml>", "override project vars, as YAML or JSON: '{rate: 150}'")
    .option("--project-dir <dir>", "the dbt project folder (default: models/ beside pslink)");
}

type SharedOptions = {
  projectDir: string;
  select?: string[];
  exclude?: string[];
  vars: Record<string, unknown>;
};

/**
 * Opens the configured warehouse for `task` and always closes it. The options are read first, so
 * a bad one is reported before anything opens; a DuckDB file no sync has created yet is refused,
 * not created: there is nothing to build on.
 */
export async function withWarehouse(
  config: PslinkConfig,
  options: TransformCliOptions,
  task: (warehouse: Warehouse, shared: SharedOptions) => Promise<void>,
): Promise<void> {
  const shared: SharedOptions = {
    projectDir: options.projectDir ? resolve(options.projectDir) : defaultProjectDir(),
    ...(options.select ? { select: selectors("--select", options.select) } : {}),
    ...(options.exclude ? { exclude: selectors("--exclude", options.exclude) } : {}),
    vars: parseVars(options.vars),
  };
  const warehouse = await openExistingWarehouse(config.warehouse, config.baseDir);
  try {
    const caveat = await postgresTextCaveat(warehouse);
    if (caveat) logger.warn({ warehouse: warehouse.kind }, `name matching: ${caveat}`);
    await task(warehouse, shared);
  } finally {
    await warehouse.close();
  }
}

function parseVars(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw configError("--vars is not valid YAML or JSON", {
      cause: error,
      hint: `write it like '{"rate": 150}'`,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw configError("--vars must be a mapping of names to values", {
      hint: `write it like '{"rate": 150}'`,
    });
  }
  return value as Record<string, unknown>;
}

/** The selectors given (blank ones dropped); only blank ones (`--select ""`) are an error. */
function selectors(option: string, values: readonly string[]): string[] {
  const given = values.filter((value) => value.trim() !== "");
  if (given.length === 0)
    throw configError(`${option} was given no value`, {
      hint: `name at least one model or selector, or leave ${option} out`,
    });
  return given;
}
