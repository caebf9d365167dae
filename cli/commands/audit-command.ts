import { type Command, Option } from "commander";
import { TARGET_SYSTEMS } from "../../core/config/governance-schema.js";
import { AUDIT_ACTIONS, type AuditRecord, readAudit } from "../../reverse-etl/audit-log.js";
import { withExistingWarehouse } from "../existing-warehouse.js";
import { splitChoices } from "../list-option.js";
import { configFrom, print } from "../program.js";
import { textTable } from "../text-table.js";

interface AuditOptions {
  plan?: string;
  item?: string;
  system?: string;
  steward?: string;
  action?: string[];
  json?: boolean;
}

/** `pslink audit`: the append-only trail of plans, decisions, guards, windows and calls. */
export function registerAuditCommand(program: Command): void {
  program
    .command("audit")
    .description("show the audit log of write-backs (who, what, when, before/after, response)")
    .option("--plan <id>", "only this plan")
    .option("--item <key>", "only this item")
    .addOption(new Option("--system <name>", "only this target system").choices(TARGET_SYSTEMS))
    .option("--steward <name>", "only what this steward did")
    .option(
      "--action <actions...>",
      "only these actions (approved, adjusted, call, guard_queued, …; separate with commas)",
    )
    .option("--json", "one JSON object per line")
    .action(async (options: AuditOptions, command: Command) => {
      const actions = options.action && splitChoices(options.action, "--action", AUDIT_ACTIONS);
      await withExistingWarehouse(configFrom(command), async (warehouse) => {
        const records = await readAudit(warehouse, {
          ...(options.plan ? { planId: options.plan } : {}),
          ...(options.item ? { itemKey: options.item } : {}),
          ...(options.system ? { system: options.system } : {}),
          ...(options.steward ? { actor: options.steward } : {}),
          ...(actions ? { action: actions } : {}),
        });
        if (records.length === 0 && !options.json) {
          const filters = (["plan", "item", "system", "steward"] as const)
            .filter((name) => options[name])
            .map((name) => `--${name} ${options[name]}`)
            .concat(actions ? [`--action ${actions.join(",")}`] : []);
          print(
            filters.length > 0
              ? `no audit entries match ${filters.join(" ")}`
              : "no audit entries yet: plans, decisions and writes are recorded here",
          );
          return;
        }
        if (options.json) {
          for (const record of records) print(JSON.stringify(record));
          return;
        }
        print(auditTables(records).join("\n"));
      });
    });
}

/**
 * The entries as a table per plan (in the log's order), entries about no plan first: when, who,
 * what, the item and its target, then the call (`POST /path → 204`) or the detail.
 */
function auditTables(records: readonly AuditRecord[]): string[] {
  const plans = [...new Set(records.map((record) => record.plan_id))];
  return plans.flatMap((planId, i) => [
    ...(i > 0 ? [""] : []),
    planId ? `plan ${planId}` : "not about a plan",
    ...textTable(
      records.filter((record) => record.plan_id === planId),
      [
        { header: "at (UTC)", value: (r) => r.at.toISOString().slice(0, 19).replace("T", " ") },
        { header: "actor", value: (r) => r.actor },
        { header: "action", value: (r) => r.action },
        { header: "item", value: (r) => r.item_key },
        {
          header: "target",
          value: (r) => [r.system, r.object, r.target_id].filter(Boolean).join(" "),
        },
        { header: "call / detail", value: (r) => callOrDetail(r) },
      ],
    )
      .split("\n")
      .map((line) => `  ${line}`),
  ]);
}

function callOrDetail(record: AuditRecord): string {
  const call = record.request
    ? `${String(record.request.method)} ${String(record.request.path)} → ${String(record.response?.status ?? "?")}`
    : "";
  return [call, record.detail].filter(Boolean).join("; ");
}
