import type { Warehouse } from "../warehouse/warehouse.js";
import { readRow, readTarget, type StateTable, vendorValues } from "./current-state.js";
import type { TargetSnapshot } from "./plan-types.js";
import type { Proposal } from "./proposal-schema.js";
import { type ObjectSpec, sameField } from "./writers/writer-types.js";

/** What a proposal amounts to against the target's current state. */
export type Diff =
  | { kind: "unchanged"; why: string }
  | { kind: "refused"; reason: string }
  | {
      kind: "change";
      targetId: string | null;
      before: Record<string, unknown>;
      after: Record<string, unknown>;
      snapshot: TargetSnapshot | null;
    };

/** Diffs a proposal's fields against the landed target row (field level; equal fields dropped). */
export async function diffProposal(
  wh: Pick<Warehouse, "query" | "quote">,
  proposal: Proposal,
  spec: ObjectSpec,
  table: StateTable | undefined,
): Promise<Diff> {
  const where = `src_${proposal.target_system}.${spec.stream ?? spec.object}`;
  switch (proposal.operation) {
    case "create":
    case "adjustment_queue": {
      const externalId = spec.externalIdField ? proposal.fields[spec.externalIdField] : undefined;
      if (table && externalId !== undefined && externalId !== null) {
        const row = await readRow(
          wh,
          table,
          spec.column(spec.externalIdField as string),
          String(externalId),
        );
        if (row)
          return { kind: "unchanged", why: `already exists as ${String(row[spec.idColumn])}` };
      }
      return {
        kind: "change",
        targetId: null,
        before: {},
        after: { ...proposal.fields },
        snapshot: null,
      };
    }
    case "update":
    case "deactivate": {
      if (proposal.target_id === null) {
        return {
          kind: "refused",
          reason: `${proposal.operation} of ${proposal.object} needs a target_id`,
        };
      }
      if (spec.stream !== null && !table) {
        return { kind: "refused", reason: `${where} has not been synced: run pslink sync first` };
      }
      const row = table ? await readRow(wh, table, spec.idColumn, proposal.target_id) : undefined;
      if (table && !row) {
        return {
          kind: "refused",
          reason: `${proposal.object} ${proposal.target_id} does not exist in ${where}`,
        };
      }
      return fieldDiff(proposal, spec, row, proposal.target_id);
    }
    case "upsert": {
      const key =
        proposal.target_id ?? (spec.externalIdField ? proposal.fields[spec.externalIdField] : null);
      if (key === null || key === undefined || !table) {
        return fieldDiff(proposal, spec, undefined, key == null ? null : String(key));
      }
      // An object addressed by a natural key (a custom field value: subject and field) is read
      // by it; others by their external id, else their id.
      const row = spec.keyColumns
        ? await readTarget(wh, table, spec, String(key))
        : await readRow(
            wh,
            table,
            spec.externalIdField ? spec.column(spec.externalIdField) : spec.idColumn,
            String(key),
          );
      return fieldDiff(proposal, spec, row, String(key));
    }
  }
}

function fieldDiff(
  proposal: Proposal,
  spec: ObjectSpec,
  row: Record<string, unknown> | undefined,
  targetId: string | null,
): Diff {
  if (!row)
    return { kind: "change", targetId, before: {}, after: { ...proposal.fields }, snapshot: null };
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(proposal.fields)) {
    const current = row[spec.column(field)];
    if (sameField(spec, field, current, value)) continue;
    before[field] = current ?? null;
    after[field] = value;
  }
  if (Object.keys(after).length === 0)
    return { kind: "unchanged", why: "the target already holds every value" };
  const values = vendorValues(row);
  return {
    kind: "change",
    targetId,
    before,
    after,
    snapshot: { values, modified: row[spec.modifiedColumn] ?? null },
  };
}
