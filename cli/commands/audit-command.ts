import { type Command, Option } from "commander";
import { TARGET_SYSTEMS } from "../../core/config/governance-schema.js";
import { readAudit } from "../../reverse-etl/audit-log.js";
import { withGovernedWarehouse } from "../../reverse-etl/governed-session.js";
import { configFrom, print } from "../program.js";

interface AuditOptions {
  plan?: string;
  item?: string;
  system?: string;
  steward?: string;
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
    .option("--json", "one JSON object per line")
    .action(async (options: AuditOptions, command: Command) => {
      await withGovernedWarehouse(configFrom(command), async (warehouse) => {
        const records = await readAudit(warehouse, {
          ...(options.plan ? { planId: options.plan } : {}),
          ...(options.item ? { itemKey: options.item } : {}),
          ...(options.system ? { system: options.system } : {}),
          ...(options.steward ? { actor: options.steward } : {}),
        });
        if (records.length === 0 && !options.json) {
          const filters = (["plan", "item", "system", "steward"] as const)
            .filter((name) => options[name])
            .map((name) => `--${name} ${options[name]}`);
          print(
            filters.length > 0
              ? `no audit entries match ${filters.join(" ")}`
              : "no audit entries yet: plans, decisions and writes are recorded here",
          );
          return;
        }
        for (const record of records) {
          if (options.json) {
            print(JSON.stringify(record));
            continue;
          }
          const subject = [record.system, record.object, record.target_id]
            .filter(Boolean)
            .join(" ");
          const call = record.request
            ? `${String(record.request.method)} ${String(record.request.path)} → ${String(record.response?.status ?? "?")}`
            : "";
          const parts = [
            record.at.toISOString(),
            record.actor,
            record.action,
            record.plan_id,
            record.item_key,
            subject,
            call,
          ];
          const line = parts.filter((part) => part !== null && part !== "").join("  ");
          print(record.detail ? `${line}  — ${record.detail}` : line);
        }
      });
    });
}
