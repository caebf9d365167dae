import { CommanderError } from "commander";
import { describeError, PslinkError } from "../core/errors.js";
import { registerApplyCommand } from "./commands/apply-command.js";
import { registerApproveCommand } from "./commands/approve-command.js";
import { registerAuditCommand } from "./commands/audit-command.js";
import { registerBenchCommand } from "./commands/bench-command.js";
import { registerBuildCommand } from "./commands/build-command.js";
import { registerConfigCommand } from "./commands/config-command.js";
import { registerDemoCommand } from "./commands/demo-command.js";
import { registerPlanCommand } from "./commands/plan-command.js";
import { registerPlansCommand } from "./commands/plans-command.js";
import { registerReconcileCommand } from "./commands/reconcile-command.js";
import { registerRejectCommand } from "./commands/reject-command.js";
import { registerRunsCommand } from "./commands/runs-command.js";
import { registerSandboxCommand } from "./commands/sandbox-command.js";
import { registerScheduleCommand } from "./commands/schedule-command.js";
import { registerSyncCommand } from "./commands/sync-command.js";
import { registerTestCommand } from "./commands/test-command.js";
import { createProgram } from "./program.js";

/** Exit codes: 0 ok, 1 a run finished with failures, 2 usage or config error, 3 a lock is held. */
export const EXIT = { ok: 0, failed: 1, usage: 2, locked: 3 } as const;

/** Runs the CLI with `argv` (as process.argv) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  registerConfigCommand(program);
  registerBuildCommand(program);
  registerTestCommand(program);
  registerSandboxCommand(program);
  registerPlanCommand(program);
  registerPlansCommand(program);
  registerApproveCommand(program);
  registerRejectCommand(program);
  registerApplyCommand(program);
  registerAuditCommand(program);
  registerReconcileCommand(program);
  registerRunsCommand(program);
  registerDemoCommand(program);
  registerScheduleCommand(program);
  registerSyncCommand(program);
  registerBenchCommand(program);
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
