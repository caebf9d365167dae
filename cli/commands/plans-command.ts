import type { Command } from "commander";
import { listPlans, loadItems } from "../../reverse-etl/plan-store.js";
import { statusCounts } from "../../reverse-etl/render-plan.js";
import { withExistingWarehouse } from "../existing-warehouse.js";
import { configFrom, print } from "../program.js";
import { textTable } from "../text-table.js";

/** `pslink plans`: lists write plans, newest first, with their items' states. */
export function registerPlansCommand(program: Command): void {
  program
    .command("plans")
    .description("list write plans, newest first")
    .action(async (_options, command: Command) => {
      await withExistingWarehouse(configFrom(command), async (warehouse) => {
        const plans = await listPlans(warehouse);
        if (plans.length === 0) {
          print("no plans yet: run `pslink plan`");
          return;
        }
        const rows = [];
        for (const plan of plans) {
          const items = await loadItems(warehouse, { planId: plan.plan_id });
          rows.push({ plan, items: statusCounts(items) });
        }
        print(
          textTable(rows, [
            { header: "plan", value: (row) => row.plan.plan_id },
            {
              header: "created (UTC)",
              value: (row) => row.plan.created_at.toISOString().slice(0, 19),
            },
            { header: "by", value: (row) => row.plan.created_by },
            {
              header: "status",
              value: (row) =>
                row.plan.status === "held" && row.plan.confirmed_by === null ? "HELD" : "open",
            },
            { header: "items", value: (row) => row.items },
          ]),
        );
      });
    });
}
