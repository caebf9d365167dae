import { type Command, CommanderError } from "commander";
import { configError, describeError, PslinkError } from "../core/errors.js";
import { logLevel } from "../core/logger.js";
import { EXIT } from "./exit-codes.js";
import { jsonError } from "./json-error.js";
import { createProgram } from "./program.js";

export { EXIT };

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when that command runs: a command loads its own
 * dependencies and not the others' (the sandbox's data generator, dbt, Dagster, write-back).
 * `pslink --help` lists them in this order, the order of the work.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  config: async () => (await import("./commands/config-command.js")).registerConfigCommand,
  sync: async () => (await import("./commands/sync-command.js")).registerSyncCommand,
  build: async () => (await import("./commands/build-command.js")).registerBuildCommand,
  test: async () => (await import("./commands/test-command.js")).registerTestCommand,
  reconcile: async () => (await import("./commands/reconcile-command.js")).registerReconcileCommand,
  identity: async () => (await import("./commands/identity-command.js")).registerIdentityCommand,
  plan: async () => (await import("./commands/plan-command.js")).registerPlanCommand,
  plans: async () => (await import("./commands/plans-command.js")).registerPlansCommand,
  approve: async () => (await import("./commands/approve-command.js")).registerApproveCommand,
  reject: async () => (await import("./commands/reject-command.js")).registerRejectCommand,
  apply: async () => (await import("./commands/apply-command.js")).registerApplyCommand,
  adjustments: async () =>
    (await import("./commands/adjustments-command.js")).registerAdjustmentsCommand,
  audit: async () => (await import("./commands/audit-command.js")).registerAuditCommand,
  status: async () => (await import("./commands/status-command.js")).registerStatusCommand,
  runs: async () => (await import("./commands/runs-command.js")).registerRunsCommand,
  quarantine: async () =>
    (await import("./commands/quarantine-command.js")).registerQuarantineCommand,
  schedule: async () => (await import("./commands/schedule-command.js")).registerScheduleCommand,
  sandbox: async () => (await import("./commands/sandbox-command.js")).registerSandboxCommand,
  demo: async () => (await import("./commands/demo-command.js")).registerDemoCommand,
  bench: async () => (await import("./commands/bench-command.js")).registerBenchCommand,
};

/** The command `argv` names (its first word past the global options), if any. */
function commandName(argv: readonly string[]): string | undefined {
  const words = argv.slice(2);
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (word === "-c" || word === "--config") i += 1;
    else if (!word.startsWith("-")) return word;
  }
  return undefined;
}

/** Runs the CLI with `argv` (as process.argv) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  const named = COMMANDS[commandName(argv) ?? ""];
  // A command run with --json reports its failure as JSON too (`runs show ID --json`: the flag
  // is the parent's option).
  let json = false;
  // A usage error (an unknown option, a missing value) comes before any action knows its
  // options: asked for JSON anywhere on the line, commander's text is kept back for JSON.
  const jsonAsked = argv.includes("--json");
  if (jsonAsked) program.configureOutput({ writeErr: () => {} });
  program.hook("preAction", (_program, action) => {
    json = action.opts().json === true || action.parent?.opts().json === true;
    // Checked before a command runs, not before --help or --version, which log nothing.
    logLevel();
  });
  try {
    // Help, no command or an unknown one: every command, for the listing and the suggestions.
    for (const load of named ? [named] : Object.values(COMMANDS)) (await load())(program);
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.ok;
      if (jsonAsked) process.stderr.write(`${jsonError(usageError(error, argv), EXIT.usage)}\n`);
      return EXIT.usage;
    }
    const code = exitCode(error);
    process.stderr.write(
      json ? `${jsonError(error, code)}\n` : `pslink: ${describeError(error)}\n`,
    );
    return code;
  }
}

/** Commander's usage error as pslink's, with where to read the command's options. */
function usageError(error: CommanderError, argv: readonly string[]): PslinkError {
  const command = commandName(argv);
  return configError(error.message.replace(/^error: /, ""), {
    hint: `see \`pslink ${command ? `${command} ` : ""}--help\``,
  });
}

function exitCode(error: unknown): number {
  if (!(error instanceof PslinkError)) return EXIT.failed;
  if (error.details?.noWarehouse) return EXIT.noWarehouse;
  if (error.kind === "config") return EXIT.usage;
  if (error.kind === "transient" && error.details?.lock) return EXIT.locked;
  return EXIT.failed;
}
