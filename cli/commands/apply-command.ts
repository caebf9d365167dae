import type { Command } from "commander";
import { configError } from "../../core/errors.js";
import { applyRunFailure, reportApplyRun } from "../../orchestration/events/index.js";
import { addPipesOption, withPipes } from "../../orchestration/pipes/index.js";
import { applyPlan } from "../../reverse-etl/apply-plan.js";
import { operator } from "../../reverse-etl/governed-session.js";
import { withExistingWarehouse } from "../existing-warehouse.js";
import { configFrom, print } from "../program.js";

interface ApplyCommandOptions {
  plan?: string;
  overrideWindow?: boolean;
  as?: string;
  reason?: string;
  pipes?: boolean;
}

/** `pslink apply`: writes approved items to their targets inside their write windows. */
export function registerApplyCommand(program: Command): void {
  addPipesOption(program.command("apply"))
    .description("write approved items to their target systems (only inside each target's window)")
    .option("--plan <id>", "only this plan's items")
    .option("--override-window", "write outside the window (needs --as and --reason; audited)")
    .option("--as <steward>", "the steward overriding the window")
    .option("--reason <text>", "why the window is overridden")
    .action(async (options: ApplyCommandOptions, command: Command) => {
      if (options.overrideWindow && (!options.as || !options.reason)) {
        throw configError("--override-window needs --as STEWARD and --reason TEXT");
      }
      if (options.as && !options.overrideWindow) {
        throw configError(
          "--as names the steward overriding a window: it goes with --override-window",
          {
            hint: "apply writes inside the windows as the operator; drop --as, or add --override-window --reason TEXT",
          },
        );
      }
      if (options.reason && !options.overrideWindow) {
        throw configError("--reason explains a window override: it goes with --override-window", {
          hint: "apply writes inside the windows without one; drop --reason, or add --override-window --as STEWARD",
        });
      }
      await withPipes(
        async ({ emit, session }) => {
          await withExistingWarehouse(configFrom(command), async (warehouse, config) => {
            const started = Date.now();
            const result = await applyPlan({
              warehouse,
              config,
              actor: options.as ?? operator(),
              ...(options.plan ? { planId: options.plan } : {}),
              ...(options.overrideWindow && options.as && options.reason
                ? { overrideWindow: { steward: options.as, reason: options.reason } }
                : {}),
            });
            const targets = Object.entries(result.targets);
            if (targets.length === 0) print("nothing approved to apply");
            for (const [target, report] of targets) {
              const ends = Object.entries(report.ends)
                .map(([end, n]) => `${n} ${end}`)
                .join(", ");
              const window = report.overriddenBy
                ? `window overridden by ${report.overriddenBy}`
                : report.window.summary;
              const withdrawn = report.withdrawn
                ? `, ${report.withdrawn} withdrawn (rejected while the apply ran: not written)`
                : "";
              print(
                `${target}: ${ends || "nothing written"}${report.waiting ? `, ${report.waiting} waiting` : ""}${withdrawn} — ${window}`,
              );
              for (const failure of report.failures)
                print(`  item ${failure.item_key} failed: ${failure.error}`);
              if (report.error) print(`  ${report.error}`);
            }
            const unwritten = targets.filter(([, report]) => report.error).map(([t]) => t);
            if (unwritten.length > 0)
              print(
                `${unwritten.length} target(s) not written in full: ${unwritten.join(", ")} (see above); the other targets were applied`,
              );
            if (session) reportApplyRun(result, emit, Date.now() - started);
            const failure = session ? applyRunFailure(result) : undefined;
            if (failure) throw failure;
            // Items left waiting because a target could not be written (no writer, its daily
            // allowance spent) need an operator's eye as failed ones do.
            if (result.failed > 0 || targets.some(([, report]) => report.error))
              process.exitCode = 1;
          });
        },
        { pipes: options.pipes === true },
      );
    });
}
