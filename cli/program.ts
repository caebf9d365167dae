import { Command } from "commander";
import {
  type ConfigScope,
  loadConfig,
  type PslinkConfig,
  resolveConfigPath,
} from "../core/config/index.js";
import { pslinkPackage } from "../core/package-info.js";

/** Options every command accepts. */
export interface GlobalOptions {
  config?: string;
}

/**
 * Loads the config named by `--config`, `PSLINK_CONFIG` or `./pslink.yml`, for a command that
 * calls the sources in `scope` (all of them unless it says).
 */
export function configFrom(command: Command, scope?: ConfigScope): PslinkConfig {
  const options = command.optsWithGlobals<GlobalOptions>();
  return loadConfig(resolveConfigPath(options.config), undefined, scope);
}

/** The scope of a command that reads the warehouse and calls no source. */
export const NO_SOURCES: ConfigScope = { sources: [] };

/** Writes one line of command output to stdout. */
export function print(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** The root command, with the global options; subcommands are registered in main.ts. */
export function createProgram(): Command {
  return new Command("pslink")
    .description(
      "Sync Salesforce, NetSuite, Kantata OX and Workday into a warehouse, reconcile them, and write governed corrections back.",
    )
    .version(pslinkPackage()?.version ?? "unknown", "-V, --version", "print pslink's version")
    .option("-c, --config <path>", "config file (default: $PSLINK_CONFIG or ./pslink.yml)")
    .showHelpAfterError()
    .exitOverride();
}
