import { parseJson } from "../warehouse/json-value.js";
import { inList } from "../warehouse/sql-values.js";
import type { Row, SqlExecutor } from "../warehouse/warehouse.js";
import type { ItemStatus, WriteItem, WritePlan } from "./plan-types.js";

/** Columns of `pslink.write_items`, in insert order. */
const ITEM_COLUMNS = [
  "plan_id",
  "item_key",
  "proposal_key",
  "rule_id",
  "exception_id",
  "domain",
  "source_system",
  "target_system",
  "object",
  "target_id",
  "operation",
  "before",
  "after",
  "snapshot",
  "evidence",
  "status",
  "status_reason",
  "external_id",
  "decided_by",
  "decided_at",
  "decision_reason",
  "result_id",
  "response",
  "error",
  "attempts",
  "applied_at",
  "updated_at",
] as const;

const JSON_ITEM_COLUMNS = new Set([
  "before",
  "after",
  "snapshot",
  "evidence",
  "response",
  "targets",
  "summary",
]);

/**
 * Stores a new plan and its items (call inside one transaction). An item key names one exact
 * change, so an item re-planned after it ended stale, failed or refused moves to the new plan.
 */
export async function insertPlan(tx: SqlExecutor, plan: WritePlan, items: readonly WriteItem[]) {
  const targets = [...new Set(items.map((item) => item.target_system))].sort();
  await tx.execute(
    `insert into pslink.write_plans (plan_id, created_at, created_by, status, targets, summary, held, held_reason)
     values ($1, $2, $3, $4, cast($5 as json), cast($6 as json), $7, $8)`,
    [
      plan.plan_id,
      plan.created_at,
      plan.created_by,
      plan.status,
      json(targets),
      json(plan.summary),
      plan.status === "held",
      plan.held_reason,
    ],
  );
  const placeholders = ITEM_COLUMNS.map((column, i) =>
    JSON_ITEM_COLUMNS.has(column) ? `cast($${i + 1} as json)` : `$${i + 1}`,
  ).join(", ");
  const sql = `insert into pslink.write_items (${ITEM_COLUMNS.join(", ")}) values (${placeholders})`;
  for (const item of items) {
    await tx.execute("delete from pslink.write_items where item_key = $1", [item.item_key]);
    await tx.execute(sql, itemParams(item));
  }
}

function itemParams(item: WriteItem): unknown[] {
  return [
    item.plan_id,
    item.item_key,
    item.proposal_key,
    item.rule_id,
    item.exception_id,
    item.domain,
    item.source_system,
    item.target_system,
    item.object,
    item.target_id,
    item.operation,
    json(item.before),
    json(item.after),
    item.snapshot === null ? null : json(item.snapshot),
    json(item.evidence),
    item.status,
    item.status_reason,
    item.idempotency_key,
    item.decided_by,
    item.decided_at,
    item.decision_reason,
    item.result_id,
    item.response === null ? null : json(item.response),
    item.error,
    item.attempts,
    item.applied_at,
    item.updated_at,
  ];
}

/** A status change of one item, with whatever else changes with it. */
export type ItemPatch = Partial<
  Pick<
    WriteItem,
    | "status"
    | "status_reason"
    | "idempotency_key"
    | "decided_by"
    | "decided_at"
    | "decision_reason"
    | "result_id"
    | "response"
    | "error"
    | "attempts"
    | "applied_at"
  >
> & { updated_at: Date };

const PATCH_COLUMNS: Record<string, string> = { idempotency_key: "external_id" };

/** Updates one item in place. */
export async function updateItem(
  db: SqlExecutor,
  item: Pick<WriteItem, "plan_id" | "item_key">,
  patch: ItemPatch,
): Promise<void> {
  const { sql, params } = itemUpdate(item, patch);
  await db.execute(sql, params);
}

/**
 * Updates one item only while its status is one of `from`, and says whether it did. Another
 * process may decide or apply the item between our read and this write (a reject landing while
 * an apply retries, an apply taking an item a steward is deciding): the row's status, not what
 * we read earlier, says whether the transition still holds.
 */
export async function transitionItem(
  db: SqlExecutor,
  item: Pick<WriteItem, "plan_id" | "item_key">,
  from: readonly ItemStatus[],
  patch: ItemPatch,
): Promise<boolean> {
  const { sql, params } = itemUpdate(item, patch);
  const guarded = `${sql} and ${inList("status", from, params)} returning item_key`;
  return (await db.query(guarded, params)).length > 0;
}

function itemUpdate(
  item: Pick<WriteItem, "plan_id" | "item_key">,
  patch: ItemPatch,
): { sql: string; params: unknown[] } {
  const entries = Object.entries(patch);
  const sets = entries.map(([field], i) => {
    const column = PATCH_COLUMNS[field] ?? field;
    return column === "response" ? `response = cast($${i + 1} as json)` : `${column} = $${i + 1}`;
  });
  const params = entries.map(([column, value]) =>
    column === "response" && value !== null ? json(value) : value,
  );
  return {
    sql: `update pslink.write_items set ${sets.join(", ")} where plan_id = $${entries.length + 1} and item_key = $${entries.length + 2}`,
    params: [...params, item.plan_id, item.item_key],
  };
}

/**
 * Records held objects of a plan confirmed by a steward (in its summary, `confirmed_objects`);
 * once none is left (`remaining` empty) the plan is confirmed as a whole (the reason goes to the
 * audit log).
 */
export async function confirmObjects(
  db: SqlExecutor,
  plan: WritePlan,
  objects: readonly string[],
  remaining: readonly string[],
  by: string,
  at: Date,
): Promise<void> {
  const before = plan.summary.confirmed_objects;
  const confirmed = [...(Array.isArray(before) ? before : []), ...objects];
  await db.execute("update pslink.write_plans set summary = cast($1 as json) where plan_id = $2", [
    json({ ...plan.summary, confirmed_objects: confirmed }),
    plan.plan_id,
  ]);
  if (remaining.length > 0) return;
  await db.execute(
    "update pslink.write_plans set confirmed_by = $1, confirmed_at = $2 where plan_id = $3",
    [by, at, plan.plan_id],
  );
}

/** Filters for `loadItems`; all optional. */
export interface ItemFilter {
  planId?: string;
  itemKeys?: readonly string[];
  statuses?: readonly ItemStatus[];
  target?: string;
}

/** Items matching the filter, in plan then target/object/key order. */
export async function loadItems(db: SqlExecutor, filter: ItemFilter = {}): Promise<WriteItem[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.planId !== undefined) add((p) => `plan_id = ${p}`, filter.planId);
  if (filter.target !== undefined) add((p) => `target_system = ${p}`, filter.target);
  if (filter.itemKeys) where.push(inList("item_key", filter.itemKeys, params));
  if (filter.statuses) where.push(inList("status", filter.statuses, params));
  const rows = await db.query(
    `select * from pslink.write_items ${where.length ? `where ${where.join(" and ")}` : ""}
     order by plan_id, target_system, object, item_key`,
    params,
  );
  return rows.map(toItem);
}

/** The plan, or undefined. */
export async function loadPlan(db: SqlExecutor, planId: string): Promise<WritePlan | undefined> {
  const rows = await db.query("select * from pslink.write_plans where plan_id = $1", [planId]);
  return rows[0] ? toPlan(rows[0]) : undefined;
}

/** All plans, newest first. */
export async function listPlans(db: SqlExecutor): Promise<WritePlan[]> {
  const rows = await db.query(
    "select * from pslink.write_plans order by created_at desc, plan_id desc",
  );
  return rows.map(toPlan);
}

/**
 * Item keys a new plan must not repeat: the same change already pending, done (by pslink, or by
 * hand as an adjustment) or rejected, or refused for the same reason (key → that reason, or
 * null). A refusal whose reason changed — the config was fixed, the target moved — is planned
 * again.
 */
export async function settledItemKeys(db: SqlExecutor): Promise<Map<string, string | null>> {
  const rows = await db.query<{ item_key: string; status: string; status_reason: string | null }>(
    `select item_key, status, status_reason from pslink.write_items
     where status in ('proposed', 'approved', 'in_flight', 'applied', 'queued', 'adjusted', 'rejected', 'refused')`,
  );
  return new Map(
    rows.map((row) => [row.item_key, row.status === "refused" ? row.status_reason : null]),
  );
}

function toPlan(row: Row): WritePlan {
  return {
    plan_id: String(row.plan_id),
    created_at: asDate(row.created_at) ?? new Date(0),
    created_by: String(row.created_by),
    status: row.held === true || row.status === "held" ? "held" : "open",
    held_reason: nullableText(row.held_reason),
    confirmed_by: nullableText(row.confirmed_by),
    confirmed_at: asDate(row.confirmed_at),
    summary: parseJson(row.summary) ?? {},
  };
}

function toItem(row: Row): WriteItem {
  return {
    plan_id: String(row.plan_id),
    item_key: String(row.item_key),
    proposal_key: String(row.proposal_key),
    rule_id: String(row.rule_id),
    exception_id: nullableText(row.exception_id),
    domain: String(row.domain) as WriteItem["domain"],
    source_system: String(row.source_system) as WriteItem["source_system"],
    target_system: String(row.target_system) as WriteItem["target_system"],
    object: String(row.object),
    target_id: nullableText(row.target_id),
    operation: String(row.operation) as WriteItem["operation"],
    before: parseJson(row.before) ?? {},
    after: parseJson(row.after) ?? {},
    snapshot: (parseJson(row.snapshot) as WriteItem["snapshot"] | null) ?? null,
    evidence: parseJson(row.evidence) ?? {},
    status: String(row.status) as ItemStatus,
    status_reason: nullableText(row.status_reason),
    idempotency_key: nullableText(row.external_id),
    decided_by: nullableText(row.decided_by),
    decided_at: asDate(row.decided_at),
    decision_reason: nullableText(row.decision_reason),
    result_id: nullableText(row.result_id),
    response: parseJson(row.response),
    error: nullableText(row.error),
    attempts: Number(row.attempts ?? 0),
    applied_at: asDate(row.applied_at),
    updated_at: asDate(row.updated_at) ?? new Date(0),
  };
}

/** JSON text for a json column. */
export function json(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === "bigint" ? item.toString() : item,
  );
}

function nullableText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function asDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}
