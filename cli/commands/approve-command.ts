import type { Command } from "commander";
import { decideItems } from "../../reverse-etl/decide-items.js";
import { collect } from "../../reverse-etl/governed-session.js";
import { withExistingWarehouse } from "../existing-warehouse.js";
import { splitList } from "../list-option.js";
import { configFrom, print } from "../program.js";

interface DecisionOptions {
  plan: string;
  item?: string[];
  rule?: string[];
  as: string;
  reason?: string;
  confirmBlastRadius?: boolean;
}

/** `pslink approve`: a steward approves a plan or some of its items. */
export function registerApproveCommand(program: Command): void {
  registerDecisionCommand(program, "approve");
}

/** Registers `approve` or `reject` (the same options; only approve confirms a held plan). */
export function registerDecisionCommand(program: Command, decision: "approve" | "reject"): void {
  {
    const command = program
      .command(decision)
      .description(
        `${decision} a plan's items as a steward of their domain (recorded with the reason)`,
      )
      .requiredOption("--plan <id>", "the plan")
      .option(
        "--item <key>",
        decision === "reject"
          ? "only this item (repeat, or separate with commas); default: every undecided item (an approved item is rejected only when named here)"
          : "only this item (repeat, or separate with commas); default: every undecided item",
        collect,
      )
      .option("--rule <ids...>", "only items of these rules (R01 …; separate with commas)")
      .requiredOption("--as <steward>", "your steward name (governance.stewards)")
      // Not a commander requirement: a decision without a reason is refused by decideItems,
      // which audits the refusal as it does an empty one.
      .option("--reason <text>", "why (required; kept in the audit log)");
    if (decision === "approve") {
      command.option("--confirm-blast-radius", "approve a plan the blast-radius guard held");
    }
    command.action(async (options: DecisionOptions, cmd: Command) => {
      await withExistingWarehouse(configFrom(cmd), async (warehouse, config) => {
        const decided = await decideItems({
          warehouse,
          config,
          planId: options.plan,
          decision,
          steward: options.as,
          reason: options.reason ?? "",
          ...(options.item ? { itemKeys: splitList(options.item, "--item") } : {}),
          ...(options.rule ? { rules: splitList(options.rule, "--rule") } : {}),
          confirmBlastRadius: options.confirmBlastRadius === true,
        });
        print(
          `${decision === "approve" ? "approved" : "rejected"} ${decided.length} item(s) of ${options.plan} as ${options.as}`,
        );
        for (const item of decided)
          print(
            `  ${item.item_key}  ${item.target_system} ${item.object} ${item.target_id ?? "(new)"}`,
          );
      });
    });
  }
}
