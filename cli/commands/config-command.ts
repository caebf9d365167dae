import type { Command } from "commander";
import { checkSyncConfig } from "../../extractors/stream-selection.js";
import { configFrom, print } from "../program.js";

/** `pslink config check`: validates a config (and its environment) without running anything. */
export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("inspect and validate pslink.yml");
  config
    .command("check")
    .description("validate the config file and the environment variables it references")
    .action((_options, command: Command) => {
      const loaded = configFrom(command);
      // What a sync would refuse: no sources, stream settings naming no declared stream.
      checkSyncConfig(loaded);
      print(`${loaded.file}: ok`);
      print(
        `  warehouse: ${loaded.warehouse.kind}${loaded.warehouse.kind === "duckdb" ? ` (${loaded.warehouse.path})` : ""}`,
      );
      print(`  sources:   ${Object.keys(loaded.sources).join(", ")}`);
    });
}
