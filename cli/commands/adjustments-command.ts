import type { Command } from "commander";
import type { PslinkConfig } from "../../core/config/index.js";
import { type Adjustment, readAdjustmentQueue } from "../../reverse-etl/adjustment-queue.js";
import { closeOutAdjustments } from "../../reverse-etl/close-adjustments.js";
import { collect } from "../../reverse-etl/governed-session.js";
import { fieldChanges } from "../../reverse-etl/render-plan.js";
import { withExistingWarehouse } from "../existing-warehouse.js";
import { splitList } from "../list-option.js";
import { configFrom, print } from "../program.js";

interface QueueOptions {
  all?: boolean;
  json?: boolean;
}

interface DoneOptions {
  item?: string[];
  plan?: string;
  allQueued?: boolean;
  as: string;
  reason: string;
}

/**
 * `pslink adjustments`: the adjustment queue (write-backs dated in a closed accounting period,
 * never posted) across all plans; `adjustments done` records that finance made them by hand.
 */
export function registerAdjustmentsCommand(program: Command): void {
  const adjustments = program
    .command("adjustments")
    .description(
      "list the adjustment queue: write-backs dated in a closed accounting period, for finance to make by hand",
    )
    .option("--all", "also the items closed out since (adjusted)")
    .option("--json", "print the items as one JSON array")
    .action(async (options: QueueOptions, command: Command) => {
      await withExistingWarehouse(configFrom(command), async (warehouse, config) => {
        const queue = await readAdjustmentQueue(warehouse, { all: options.all === true });
        if (options.json) {
          print(JSON.stringify(queue.map(asJson)));
          return;
        }
        for (const line of renderQueue(queue, config, options.all === true)) print(line);
      });
    });
  adjustments
    .command("done")
    .description(
      "record that finance made these adjustments by hand: a steward of their domain closes them out",
    )
    .option("--item <key>", "this queued item (repeat, or separate with commas)", collect)
    .option("--plan <id>", "every queued item of this plan (with --item, the plan they are in)")
    .option("--all-queued", "every queued item of every plan")
    .requiredOption("--as <steward>", "your steward name (governance.stewards)")
    .requiredOption(
      "--reason <text>",
      "what was done by hand, e.g. the journal entry (kept on the item and in the audit log)",
    )
    .action(async (options: DoneOptions, command: Command) => {
      await withExistingWarehouse(configFrom(command), async (warehouse, config) => {
        const closed = await closeOutAdjustments({
          warehouse,
          config,
          steward: options.as,
          reason: options.reason,
          ...(options.item ? { itemKeys: splitList(options.item, "--item") } : {}),
          ...(options.plan !== undefined ? { planId: options.plan } : {}),
          allQueued: options.allQueued === true,
        });
        print(`closed out ${closed.length} item(s) of the adjustment queue as ${options.as}`);
        for (const item of closed)
          print(
            `  ${item.item_key}  ${item.target_system} ${item.object} ${item.target_id ?? "(new)"}  plan ${item.plan_id}: adjusted`,
          );
      });
    });
}

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** The queue oldest first, an item a block; then the counts and how to close one out. */
function renderQueue(queue: readonly Adjustment[], config: PslinkConfig, all: boolean): string[] {
  const queued = queue.filter((entry) => entry.item.status === "queued");
  if (queue.length === 0)
    return [
      `the adjustment queue is empty: no write-back waits for a manual adjustment${all ? "" : " (--all also lists the ones closed out)"}`,
    ];
  const lines = [
    "adjustment queue, oldest first: dated in a closed accounting period, so pslink never posts them;",
    "finance makes each by hand in an open period, then a steward closes it out",
  ];
  for (const { item, date, period, queuedSince } of queue) {
    const when = date ? `dated ${date}${period ? ` in closed period ${period}` : ""}` : "";
    lines.push(
      "",
      `[${item.status}] queued since ${utc(queuedSince)}  ${item.target_system} ${item.object} ${item.target_id ?? "new"}  ${item.operation}  ${when}`.trimEnd(),
      `    plan ${item.plan_id}  item ${item.item_key}  rule ${item.rule_id}  exception ${item.exception_id ?? "(none)"}  domain ${item.domain}`,
      ...fieldChanges(item).map((change) => `    ${change}`),
    );
    if (item.status_reason) lines.push(`    why: ${item.status_reason}`);
    if (item.status === "adjusted")
      lines.push(
        `    adjusted by hand, closed out by ${item.decided_by ?? "?"} at ${item.decided_at ? utc(item.decided_at) : "?"}: ${item.decision_reason ?? ""}`,
      );
  }
  lines.push("", summary(queue));
  if (queued.length > 0) {
    // The steward who may close them out, when one alone decides every queued item's domain.
    const domains = new Set(queued.map((entry) => entry.item.domain));
    const stewards = config.governance.stewards
      .filter((steward) => [...domains].every((domain) => steward.domains.includes(domain)))
      .map((steward) => steward.name);
    lines.push(
      `once an adjustment is made by hand: pslink adjustments done --item KEY --as ${stewards.length === 1 ? stewards[0] : "STEWARD"} --reason "…" (--plan ID or --all-queued for many)`,
    );
  }
  return lines;
}

/**
 * `2 queued: netsuite Mar 2026 1, netsuite Sep 2026 1`, periods in date order (and with --all,
 * how many adjusted).
 */
function summary(queue: readonly Adjustment[]): string {
  const queued = queue.filter((entry) => entry.item.status === "queued");
  // Per target and period: how many, and the earliest date, which orders the periods.
  const groups = new Map<string, { target: string; period: string; n: number; first: string }>();
  for (const { item, period, date } of queued) {
    const name = period ?? "(no closed period)";
    const key = `${item.target_system} ${name}`;
    const group = groups.get(key) ?? { target: item.target_system, period: name, n: 0, first: "" };
    group.n += 1;
    if (date && (group.first === "" || date < group.first)) group.first = date;
    groups.set(key, group);
  }
  const counts = [...groups.values()]
    .sort((a, b) => a.target.localeCompare(b.target) || a.first.localeCompare(b.first))
    .map((group) => `${group.target} ${group.period} ${group.n}`);
  const adjusted = queue.length - queued.length;
  return [
    `${queued.length} queued${counts.length > 0 ? `: ${counts.join(", ")}` : ""}`,
    ...(adjusted > 0 ? [`${adjusted} adjusted (closed out)`] : []),
  ].join("; ");
}

/** One item as `--json` prints it. */
function asJson({ item, date, period, queuedSince }: Adjustment): Record<string, unknown> {
  const adjusted = item.status === "adjusted";
  return {
    plan_id: item.plan_id,
    item_key: item.item_key,
    status: item.status,
    rule_id: item.rule_id,
    exception_id: item.exception_id,
    domain: item.domain,
    target_system: item.target_system,
    object: item.object,
    target_id: item.target_id,
    operation: item.operation,
    date,
    period,
    before: item.before,
    after: item.after,
    reason: item.status_reason,
    queued_since: queuedSince.toISOString(),
    adjusted_by: adjusted ? item.decided_by : null,
    adjusted_at: adjusted ? (item.decided_at?.toISOString() ?? null) : null,
    adjustment_reason: adjusted ? item.decision_reason : null,
  };
}
