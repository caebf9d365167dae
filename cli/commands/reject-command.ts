import type { Command } from "commander";
import { registerDecisionCommand } from "./approve-command.js";

/** `pslink reject`: a steward rejects a plan or some of its items; they are never written. */
export function registerRejectCommand(program: Command): void {
  registerDecisionCommand(program, "reject");
}
