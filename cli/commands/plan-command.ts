import type { Command } from "commander";
import type { Domain } from "../../core/config/governance-schema.js";
import type { PslinkConfig } from "../../core/config/index.js";
import { configError } from "../../core/errors.js";
import { reportPlanRun } from "../../orchestration/events/index.js";
import { addPipesOption, withPipes } from "../../orchestration/pipes/index.js";
import {
  awaitsConfirmation,
  confirmingStewards,
  heldDomains,
} from "../../reverse-etl/blast-radius.js";
import { collect, operator } from "../../reverse-etl/governed-session.js";
import { ofRules, unknownItems, unknownRules } from "../../reverse-etl/item-selection.js";
import { loadItems, loadPlan } from "../../reverse-etl/plan-store.js";
import { ITEM_STATUSES } from "../../reverse-etl/plan-types.js";
import { planWritebacks } from "../../reverse-etl/plan-writebacks.js";
import { renderPlan } from "../../reverse-etl/render-plan.js";
import { verifyApplied } from "../../reverse-etl/verify-applied.js";
import type { Warehouse } from "../../warehouse/warehouse.js";
import { withExistingWarehouse } from "../existing-warehouse.js";
import { splitChoices, splitList } from "../list-option.js";
import { configFrom, print } from "../program.js";

interface PlanShowOptions {
  item?: string[];
  rule?: string[];
  status?: string[];
}

/** `pslink plan`: builds a write plan from the proposals; `plan show ID`, `plan verify`. */
export function registerPlanCommand(program: Command): void {
  const plan = addPipesOption(program.command("plan"))
    .description("diff the proposals against the targets and store a write plan for stewards")
    .action(async (options: { pipes?: boolean }, command: Command) => {
      await withPipes(
        async ({ emit, session }) => {
          await withExistingWarehouse(configFrom(command), async (warehouse, config) => {
            const started = Date.now();
            const result = await planWritebacks({ warehouse, config, actor: operator() });
            if (session) reportPlanRun(result, emit, Date.now() - started);
            print(
              `proposals read from ${result.relations.length} relation(s): ${result.relations.join(", ") || "(none)"}`,
            );
            print(
              `  unchanged ${result.unchanged}, already planned ${result.alreadyPlanned}, invalid ${result.invalid}`,
            );
            if (result.planId === null) {
              print(
                result.relations.length === 0
                  ? `nothing to write: schema ${config.governance.proposals_schema} holds no proposals yet (the proposal models write them: run \`pslink build\` first)`
                  : "nothing to write: no plan stored",
              );
              return;
            }
            const counts = Object.entries(result.counts)
              .map(([status, n]) => `${n} ${status}`)
              .join(", ");
            print(`plan ${result.planId}: ${counts}`);
            if (result.status === "held") {
              print(`HELD: ${result.heldReason ?? ""}`);
              print(
                `  nothing in it can be approved until ${confirmer(config, result.heldDomains)} reviews it and approves with --confirm-blast-radius`,
              );
            }
            print(`review it with: pslink plan show ${result.planId}`);
          });
        },
        { pipes: options.pipes === true },
      );
    });
  plan
    .command("show <plan-id>")
    .description("print a plan the way a steward reviews it")
    .option("--item <key>", "only this item (repeat, or separate with commas)", collect)
    .option("--rule <ids...>", "only items of these rules (R01 …; separate with commas)")
    .option(
      "--status <states...>",
      `only items in these states (${ITEM_STATUSES.join(", ")}; separate with commas)`,
    )
    .action(async (planId: string, options: PlanShowOptions, command: Command) => {
      await withExistingWarehouse(configFrom(command), (warehouse, config) =>
        showPlan(warehouse, config, planId, options),
      );
    });
  plan
    .command("verify")
    .description("mark applied items verified once a sync shows the target holds the values")
    .action(async (_options, command: Command) => {
      await withExistingWarehouse(configFrom(command), async (warehouse) => {
        const result = await verifyApplied({ warehouse });
        print(
          `verified ${result.verified}, unverified ${result.unverified}, waiting for a sync ${result.pending}`,
        );
      });
    });
}

const listOf = new Intl.ListFormat("en-GB", { type: "conjunction" });

/** Who may confirm a held plan: `a steward of worker (harry)`, `… of invoices, project_master and worker`. */
function confirmer(config: PslinkConfig, domains: readonly Domain[]): string {
  const stewards = confirmingStewards(config.governance.stewards, domains);
  const of = `a steward of ${listOf.format(domains)}`;
  return stewards.length > 0 ? `${of} (${stewards.join(", ")})` : `${of} (none in pslink.yml yet)`;
}

/** `plan show`: the plan (or the items the filters choose), then how to decide and look up. */
async function showPlan(
  warehouse: Warehouse,
  config: PslinkConfig,
  planId: string,
  options: PlanShowOptions,
): Promise<void> {
  const found = await loadPlan(warehouse, planId);
  if (!found)
    throw configError(`there is no plan ${planId}`, { hint: "list plans with `pslink plans`" });
  const rules = splitList(options.rule ?? [], "--rule").map((rule) => rule.toUpperCase());
  const statuses = options.status && splitChoices(options.status, "--status", ITEM_STATUSES);
  const all = await loadItems(warehouse, { planId });
  const keys = options.item && splitList(options.item, "--item");
  const problem = unknownItems(planId, all, keys ?? []) ?? unknownRules(planId, all, rules);
  if (problem) throw configError(problem.message, { hint: problem.hint });
  const items = all.filter(
    (item) =>
      (!keys || keys.includes(item.item_key)) &&
      (!statuses || statuses.includes(item.status)) &&
      ofRules(item, rules),
  );
  for (const line of renderPlan(found, items, all)) print(line);
  const proposed = items.filter((item) => item.status === "proposed");
  const fixing = items.find((item) => item.exception_id);
  if (proposed.length > 0 || fixing) print();
  if (awaitsConfirmation(found)) {
    const domains = heldDomains(found, all);
    const stewards = confirmingStewards(config.governance.stewards, domains);
    print(
      `confirm first: pslink approve --plan ${planId} --as ${stewards.length === 1 ? stewards[0] : "STEWARD"} --confirm-blast-radius --reason "…" (${confirmer(config, domains)}; add --rule or --item to approve only some items)`,
    );
  }
  if (proposed.length > 0) {
    // The stewards who may decide at least one proposed item (by its domain).
    const domains = new Set(proposed.map((item) => item.domain));
    const stewards = config.governance.stewards
      .filter((steward) => steward.domains.some((domain) => domains.has(domain)))
      .map((steward) => steward.name);
    const as = stewards.length === 1 ? stewards[0] : "STEWARD";
    const only = rules.length > 0 ? ` --rule ${rules.join(",")}` : "";
    print(
      `decide: pslink approve --plan ${planId}${only} --as ${as} --reason "…" (or reject; --item KEY for single items)`,
    );
    if (stewards.length !== 1)
      print(
        stewards.length === 0
          ? "  no steward in pslink.yml may decide these domains (governance.stewards)"
          : `  stewards of these items' domains: ${stewards.join(", ")}`,
      );
  }
  if (fixing)
    print(
      `an item's exception: pslink reconcile --exception ${fixing.exception_id} (its systems' ids and details)`,
    );
}
