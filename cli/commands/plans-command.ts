import type { Command } from "commander";
import { withGovernedWarehouse } from "../../reverse-etl/governed-session.js";
import { listPlans, loadItems } from "../../reverse-etl/plan-store.js";
import { statusCounts } from "../../reverse-etl/render-plan.js";
import { configFrom, print } from "../program.js";

/** `pslink plans`: lists write plans, newest first, with their items' states. */
export function registerPlansCommand(program: Command): void {
  program
    .command("plans")
    .description("list write plans, newest first")
    .action(async (_options, command: Command) => {
      await withGovernedWarehouse(configFrom(command), async (warehouse) => {
        const plans = await listPlans(warehouse);
        if (plans.length === 0) print("no plans yet: run `pslink plan`");
        for (const plan of plans) {
          const items = await loadItems(warehouse, { planId: plan.plan_id });
          const held = plan.status === "held" && plan.confirmed_by === null ? "  HELD" : "";
          print(`${plan.plan_id}  ${plan.created_at.toISOString()}  ${statusCounts(items)}${held}`);
        }
      });
    });
}
