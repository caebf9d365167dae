import { CommanderError } from "commander";
import { describeError, PslinkError } from "../core/errors.js";
import { registerConfigCommand } from "./commands/config-command.js";
import { createProgram } from "./program.js";

/** Exit codes: 0 ok, 1 a run finished with failures, 2 usage or config error, 3 a lock is held. */
export const EXIT = { ok: 0, failed: 1, usage: 2, locked: 3 } as const;

/** Runs the CLI with `argv` (as process.argv) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  registerConfigCommand(program);
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write(`pslink: ${describeError(error)}\n`);
    if (error instanceof PslinkError) {
      if (error.kind === "config") return EXIT.usage;
      if (error.kind === "transient" && error.details?.lock) return EXIT.locked;
    }
    return EXIT.failed;
  }
}
