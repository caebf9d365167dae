import { comparable } from "./field-values.js";
import type { WriteItem } from "./plan-types.js";
import {
  type ObjectSpec,
  sameField,
  type WriteRequest,
  type Writer,
} from "./writers/writer-types.js";

/** The write an item performs. */
export function writeRequest(item: WriteItem): WriteRequest {
  return {
    itemKey: item.item_key,
    object: item.object,
    operation: item.operation,
    targetId: item.target_id,
    fields: item.after,
    externalId:
      item.operation === "create" || item.operation === "upsert" ? item.idempotency_key : null,
  };
}

/** Whether a live record already holds every value the item writes. */
export function holdsValues(
  spec: ObjectSpec,
  live: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): boolean {
  return Object.entries(after).every(
    ([field, value]) =>
      field === spec.externalIdField || sameField(spec, field, live[spec.column(field)], value),
  );
}

/**
 * Whether the item's write has already landed in the target — the recovery check after a crash
 * or a lost reply. Creates are found by their external id; sets by re-reading the record.
 * Returns the target record's id when it has.
 */
export async function landedId(
  writer: Writer,
  spec: ObjectSpec,
  item: WriteItem,
): Promise<string | undefined> {
  switch (item.operation) {
    case "create":
      return item.idempotency_key === null
        ? undefined
        : writer.findByExternalId(item.object, item.idempotency_key);
    case "upsert": {
      // An object without external ids is upserted by a natural key, held in target_id.
      const key = spec.externalIdField ? (item.idempotency_key ?? item.target_id) : item.target_id;
      const id = key === null ? undefined : await writer.findByExternalId(item.object, key);
      if (id === undefined) return undefined;
      const live = await writer.read(item.object, id);
      return live && holdsValues(spec, live, item.after) ? id : undefined;
    }
    case "update":
    case "deactivate": {
      if (item.target_id === null) return undefined;
      const live = await writer.read(item.object, item.target_id);
      return live && holdsValues(spec, live, item.after) ? item.target_id : undefined;
    }
    case "adjustment_queue":
      return undefined;
  }
}

/** The stale check's verdict on a record right before writing it. */
export type Freshness = { kind: "fresh" } | { kind: "holds" } | { kind: "stale"; reason: string };

/**
 * Re-reads the target record and compares it with the plan-time snapshot: any changed field the
 * item writes, or a moved modified time (unless this run wrote the record itself), is stale.
 */
export async function checkFreshness(
  writer: Writer,
  spec: ObjectSpec,
  item: WriteItem,
  writtenThisRun: ReadonlySet<string>,
): Promise<Freshness> {
  if (item.snapshot === null || item.target_id === null) return { kind: "fresh" };
  // An upsert addressed by its external id is read back by the landed id; one addressed by a
  // natural key (a custom field value) by that key, since its id changes with every value.
  const id =
    item.operation === "upsert" && !spec.keyColumns
      ? String(item.snapshot.values[spec.idColumn] ?? item.target_id)
      : item.target_id;
  const live = await writer.read(item.object, id);
  if (!live)
    return {
      kind: "stale",
      reason: `${item.object} ${id} no longer exists in ${item.target_system}`,
    };
  if (holdsValues(spec, live, item.after)) return { kind: "holds" };
  const changed: string[] = [];
  for (const [field, before] of Object.entries(item.before)) {
    const now = live[spec.column(field)];
    if (!sameField(spec, field, now, before))
      changed.push(`${field}: ${show(before)} → ${show(now)}`);
  }
  const was = item.snapshot.modified;
  const is = live[spec.modifiedColumn];
  if (
    changed.length === 0 &&
    !writtenThisRun.has(`${item.object}:${id}`) &&
    was !== null &&
    was !== undefined &&
    is !== null &&
    is !== undefined &&
    comparable(was) !== comparable(is)
  ) {
    changed.push(`${spec.modifiedColumn}: ${comparable(was)} → ${comparable(is)}`);
  }
  return changed.length === 0
    ? { kind: "fresh" }
    : { kind: "stale", reason: `changed since planning (${changed.join("; ")}): re-plan it` };
}

function show(value: unknown): string {
  const text = comparable(value);
  return text === "" ? "(empty)" : text;
}
