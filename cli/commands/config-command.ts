import type { Command } from "commander";
import { configFrom, print } from "../program.js";

/** `pslink config check`: validates a config (and its environment) without running anything. */
export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("inspect and validate pslink.yml");
  config
    .command("check")
    .description("validate the config file and the environment variables it references")
    .action((_options, command: Command) => {
      const loaded = configFrom(command);
      const sources = Object.keys(loaded.sources);
      print(`${loaded.file}: ok`);
      print(
        `  warehouse: ${loaded.warehouse.kind}${loaded.warehouse.kind === "duckdb" ? ` (${loaded.warehouse.path})` : ""}`,
      );
      print(`  sources:   ${sources.length > 0 ? sources.join(", ") : "(none configured)"}`);
    });
}
