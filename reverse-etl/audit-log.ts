import { redact } from "../core/secret.js";
import { parseJson } from "../warehouse/json-value.js";
import type { Row, SqlExecutor } from "../warehouse/warehouse.js";
import { json } from "./plan-store.js";
import type { WriteItem } from "./plan-types.js";

/** What an audit entry records; a closed vocabulary so the log can be queried by it. */
export const AUDIT_ACTIONS = [
  "plan_created",
  "plan_held",
  "guard_refused",
  "guard_queued",
  "proposal_invalid",
  "approved",
  "rejected",
  "decision_refused",
  "blast_radius_confirmed",
  "adjusted",
  "window_checked",
  "window_closed",
  "window_override",
  "write_ahead",
  "call",
  "reconciled",
  "deferred",
  "target_failed",
  "applied",
  "failed",
  "stale",
  "verified",
  "unverified",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  /** Steward name, or `pslink` for the system itself. */
  actor: string;
  action: AuditAction;
  plan_id?: string | null;
  item_key?: string | null;
  system?: string | null;
  object?: string | null;
  target_id?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** A call's request summary: method, path, body fields (never headers or secrets). */
  request?: Record<string, unknown> | null;
  /** A call's response: status and a body excerpt. */
  response?: Record<string, unknown> | null;
  detail?: string | null;
}

export interface AuditRecord extends Required<AuditEntry> {
  audit_id: string;
  at: Date;
}

/** What an entry about one plan item names of it: plan, item, target system, object and id. */
export function itemSubject(item: WriteItem) {
  return {
    plan_id: item.plan_id,
    item_key: item.item_key,
    system: item.target_system,
    object: item.object,
    target_id: item.target_id,
  };
}

/** Appends an entry (redacted) to `pslink.audit_log`; the log is never updated or deleted. */
export async function audit(
  db: SqlExecutor,
  entry: AuditEntry,
  at: Date = new Date(),
): Promise<void> {
  const jsonOrNull = (value: Record<string, unknown> | null | undefined) =>
    value === null || value === undefined ? null : redact(json(value));
  const details = {
    object: entry.object ?? null,
    target_id: entry.target_id ?? null,
    request: entry.request ?? null,
    detail: entry.detail ?? null,
  };
  await db.execute(
    `insert into pslink.audit_log (occurred_at, actor, action, plan_id, item_key, system, before, after, response, details)
     values ($1, $2, $3, $4, $5, $6, cast($7 as json), cast($8 as json), cast($9 as json), cast($10 as json))`,
    [
      at,
      entry.actor,
      entry.action,
      entry.plan_id ?? null,
      entry.item_key ?? null,
      entry.system ?? null,
      jsonOrNull(entry.before),
      jsonOrNull(entry.after),
      jsonOrNull(entry.response),
      jsonOrNull(details),
    ],
  );
}

export interface AuditFilter {
  planId?: string;
  itemKey?: string;
  system?: string;
  actor?: string;
  /** One action, or any of several. */
  action?: AuditAction | readonly AuditAction[];
}

/** Audit entries matching every given filter, oldest first. */
export async function readAudit(db: SqlExecutor, filter: AuditFilter = {}): Promise<AuditRecord[]> {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const pairs: Array<[string, string | readonly string[] | undefined]> = [
    ["plan_id", filter.planId],
    ["item_key", filter.itemKey],
    ["system", filter.system],
    ["actor", filter.actor],
    ["action", filter.action],
  ];
  for (const [column, value] of pairs) {
    if (value === undefined) continue;
    const values = typeof value === "string" ? [value] : value;
    const placeholders = values.map((one) => `$${params.push(one)}`);
    // None of no actions: an empty list matches nothing (and `in ()` is no SQL).
    clauses.push(placeholders.length > 0 ? `${column} in (${placeholders.join(", ")})` : "false");
  }
  const rows = await db.query(
    `select * from pslink.audit_log ${clauses.length ? `where ${clauses.join(" and ")}` : ""}
     order by audit_id`,
    params,
  );
  return rows.map(toRecord);
}

function toRecord(row: Row): AuditRecord {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  const details = parseJson(row.details) ?? {};
  return {
    audit_id: String(row.audit_id),
    at: row.occurred_at instanceof Date ? row.occurred_at : new Date(String(row.occurred_at)),
    actor: String(row.actor),
    action: String(row.action) as AuditAction,
    plan_id: text(row.plan_id),
    item_key: text(row.item_key),
    system: text(row.system),
    object: text(details.object),
    target_id: text(details.target_id),
    before: parseJson(row.before),
    after: parseJson(row.after),
    request: parseJson(details.request),
    response: parseJson(row.response),
    detail: text(details.detail),
  };
}
